package entry

// RendersLiquid reports whether Jekyll renders the Liquid in the body of
// the post cut into parts: unless its front matter says
// render_with_liquid: false (false, no or off, as Psych reads them), and
// only when the body holds "{{" or "{%" (Jekyll's
// Utils.has_liquid_construct?).
func RendersLiquid(parts Parts) bool {
	if !hasLiquid(parts.Body) {
		return false
	}
	m, err := Mapping(parts)
	if err != nil || m == nil {
		return true
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value != "render_with_liquid" {
			continue
		}
		sv, isScalar, err := resolve(m.Content[i+1], nil)
		if err == nil && isScalar && sv.kind == kindBool && !sv.b {
			return false
		}
	}
	return true
}

func hasLiquid(b []byte) bool {
	for i := 0; i+1 < len(b); i++ {
		if b[i] == '{' && (b[i+1] == '{' || b[i+1] == '%') {
			return true
		}
	}
	return false
}

// PagePermalink is the permalink a page's front matter gives it (data,
// the page's file), and whether it gives one as text.
func PagePermalink(data []byte) (string, bool) {
	f, err := urlKeys(data)
	if err != nil || !f.hasPermalink || f.permalink == "" {
		return "", false
	}
	return f.permalink, true
}
