package odb

import (
	"bytes"
	"testing"
)

// FuzzTreeDelta: the delta push and PackLoose write from one tree (or
// any bytes) to another gives the other back, exactly; and applying any
// bytes as a delta (a damaged pack) errs or gives an object, never
// panics or runs past its input.
func FuzzTreeDelta(f *testing.F) {
	entry := func(name string, n byte) []byte {
		return append([]byte("100644 "+name+"\x00"), bytes.Repeat([]byte{n}, 20)...)
	}
	a := append(append(entry("a.md", 1), entry("b.md", 2)...), entry("c.md", 3)...)
	b := append(append(entry("a.md", 1), entry("bb.md", 4)...), entry("c.md", 3)...)
	f.Add(a, b)
	f.Add(a, []byte(nil))
	f.Add([]byte(nil), a)
	f.Add([]byte("40000 d\x00"), []byte("x"))
	f.Add(b, append(append([]byte(nil), a...), "100644 z\x00short"...))
	f.Fuzz(func(t *testing.T, base, target []byte) {
		got, err := applyDelta(base, treeDelta(base, target))
		if err != nil || !bytes.Equal(got, target) {
			t.Fatalf("the delta from %q to %q gives %q, %v", base, target, got, err)
		}
		// target taken as a delta of base: anything but a panic.
		applyDelta(base, target)
	})
}
