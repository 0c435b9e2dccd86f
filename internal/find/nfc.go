package find

import "golang.org/x/text/unicode/norm"

func isNFC(b []byte) bool { return norm.NFC.IsNormal(b) }

func normNFC(dst, src []byte) []byte { return norm.NFC.Append(dst, src...) }
