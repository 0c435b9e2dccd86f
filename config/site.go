package config

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/gitdiary/diary/internal/regular"
)

// Site is what diary reads from a Jekyll site's _config.yml: the keys
// that decide where and when posts are published.
type Site struct {
	File     string   // the file read; "" when the site has none
	Timezone string   // timezone, trimmed; "" when unset or not text
	Future   bool     // future: true publishes posts dated after the build
	Exclude  []string // exclude, its text items
}

// ReadSite reads the site's settings as Jekyll does: from _config.yml, or
// _config.yaml when there is no .yml; a key given twice takes its last
// value, as Ruby's Psych does (yaml.v3 refuses such a file when decoding
// into a map, so the top-level mapping is walked here). The file is read
// only when it is a regular file. A site with neither file has no
// settings and no error; one that cannot be read or is not YAML is an
// error that names the file. Every command that needs the site's
// settings reads them here, so that they agree.
func ReadSite(root string) (Site, error) {
	for _, name := range []string{"_config.yml", "_config.yaml"} {
		p := filepath.Join(root, name)
		data, err := regular.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		site := Site{File: p}
		if err != nil {
			return site, fmt.Errorf("read %s: %w", p, err)
		}
		var doc yaml.Node
		if err := yaml.Unmarshal(data, &doc); err != nil {
			return site, fmt.Errorf("%s does not parse as YAML: %w", p, err)
		}
		if len(doc.Content) == 0 {
			return site, nil // an empty file
		}
		top := resolve(doc.Content[0])
		if top == nil || top.Kind != yaml.MappingNode {
			return site, fmt.Errorf("%s is not a list of key: value lines: fix it as Jekyll would read it", p)
		}
		for i := 0; i+1 < len(top.Content); i += 2 {
			k, v := resolve(top.Content[i]), resolve(top.Content[i+1])
			if k == nil || k.Kind != yaml.ScalarNode || v == nil {
				continue
			}
			switch k.Value {
			case "timezone":
				site.Timezone = ""
				if v.Kind == yaml.ScalarNode && v.Tag == "!!str" {
					site.Timezone = strings.TrimSpace(v.Value)
				}
			case "future":
				site.Future = false
				if v.Kind == yaml.ScalarNode && v.Tag == "!!bool" {
					_ = v.Decode(&site.Future)
				}
			case "exclude":
				site.Exclude = nil
				if v.Kind == yaml.SequenceNode {
					for _, x := range v.Content {
						if x = resolve(x); x != nil && x.Kind == yaml.ScalarNode && x.Tag == "!!str" {
							site.Exclude = append(site.Exclude, x.Value)
						}
					}
				}
			}
		}
		return site, nil
	}
	return Site{}, nil
}
