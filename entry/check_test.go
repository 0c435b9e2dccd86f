package entry

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckValue(t *testing.T) {
	long := strings.Repeat("한", 67) // 201 bytes
	for _, c := range []struct {
		field, value string
		why          string // a word of the reason; "" when it builds
	}{
		{FieldTitle, "Personal Diary", ""},
		{FieldTitle, "Re: the plan 12:30", ""}, // a title is not in the URL
		{FieldTitle, "\ttab\tand\u3000space ", ""},
		{FieldTitle, "a\x07", "U+0007"},
		{FieldTitle, "two\nlines", "U+000A"},
		{FieldTitle, "x\u0085y", "U+0085"},
		{FieldTitle, "a\x7f", "U+007F"},
		{FieldTitle, "a\ufffe", "U+FFFE"},
		{FieldTag, "b\uffff", "U+FFFF"},
		{FieldTag, "12:30", ""},
		{FieldTitle, "\xff", "UTF-8"},
		{FieldCategory, "etc", ""},
		// A ":" breaks the build only where the permalink makes the
		// category the start of the URL: URL refuses it there
		// (TestURLCategoryColon).
		{FieldCategory, "12:30", ""},
		{FieldCategory, "한글: 제목", ""},
		{FieldCategory, "a\x00b", "U+0000"},
		{FieldCategory, strings.Repeat("한", 66), ""}, // 198 bytes
		{FieldCategory, long, "201 bytes"},
	} {
		err := CheckValue(c.field, c.value)
		switch {
		case c.why == "" && err != nil:
			t.Errorf("CheckValue(%s, %q) = %v; want nil", c.field, c.value, err)
		case c.why != "" && (err == nil || !strings.Contains(err.Error(), c.why) || !errors.Is(err, ErrUnbuildable)):
			t.Errorf("CheckValue(%s, %q) = %v; want an ErrUnbuildable saying %s", c.field, c.value, err, c.why)
		}
	}
}

func TestEntryCheck(t *testing.T) {
	e := &Entry{Title: "ok", Categories: []string{"diary", "a\x00b"}, Tags: []string{"a"}}
	if err := e.Check(); err == nil || !strings.Contains(err.Error(), `category "a\x00b"`) {
		t.Errorf("Check() = %v; want the category named", err)
	}
	e.Categories = e.Categories[:1]
	e.Tags = append(e.Tags, "x\ufffe")
	if err := e.Check(); err == nil || !strings.Contains(err.Error(), "tag ") {
		t.Errorf("Check() = %v; want the tag named", err)
	}
}
