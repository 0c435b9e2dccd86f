package entry

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

// TestSetFields: a key is rewritten where it is, or added in diary's
// order; every other byte of the file stays as it was, so that git sees
// a moved entry as a rename.
func TestSetFields(t *testing.T) {
	fixture, err := os.ReadFile("testdata/2022-04-30-personal-diary.md")
	if err != nil {
		t.Fatal(err)
	}
	fixtureBody := string(fixture[strings.Index(string(fixture), "\n---\n")+5:])
	for _, c := range []struct {
		name   string
		in     string
		fields []KeyText
		want   string
	}{
		{"fixture date", string(fixture), []KeyText{{Key: "date", Value: "2022-05-01"}},
			strings.Replace(string(fixture), "date: 2022-04-30\n", "date: 2022-05-01\n", 1)},
		{"fixture title and date", string(fixture), []KeyText{{Key: "title", Value: "'오늘: 맑음'"}, {Key: "date", Value: "2022-05-01 09:00:00 +0900"}},
			"---\ntitle: '오늘: 맑음'\nauthor: Daniel Park\ndate: 2022-05-01 09:00:00 +0900\ncategory: etc\nlayout: post\n---\n" + fixtureBody},
		{"date added after author", "---\ntitle: A\nauthor: B\nlayout: post\n---\nbody\n", []KeyText{{Key: "date", Value: "2022-05-01"}},
			"---\ntitle: A\nauthor: B\ndate: 2022-05-01\nlayout: post\n---\nbody\n"},
		{"date added after title", "---\nlayout: post\ntitle: A\n---\nbody\n", []KeyText{{Key: "date", Value: "2022-05-01"}},
			"---\nlayout: post\ntitle: A\ndate: 2022-05-01\n---\nbody\n"},
		{"date added first", "---\nlayout: post\n---\nbody\n", []KeyText{{Key: "date", Value: "2022-05-01"}},
			"---\ndate: 2022-05-01\nlayout: post\n---\nbody\n"},
		{"title added first", "---\nauthor: B\n---\n", []KeyText{{Key: "title", Value: "New"}},
			"---\ntitle: New\nauthor: B\n---\n"},
		{"empty front matter", "---\n---\nbody\n", []KeyText{{Key: "title", Value: "T"}, {Key: "date", Value: "2022-05-01"}},
			"---\ntitle: T\ndate: 2022-05-01\n---\nbody\n"},
		{"comments only", "---\n# notes\n---\n", []KeyText{{Key: "date", Value: "2022-05-01"}},
			"---\ndate: 2022-05-01\n# notes\n---\n"},
		{"crlf", "---\r\ntitle: A\r\ndate: 2022-04-30\r\n---\r\nbody\r\n", []KeyText{{Key: "date", Value: "2022-05-01"}},
			"---\r\ntitle: A\r\ndate: 2022-05-01\r\n---\r\nbody\r\n"},
		{"crlf added", "---\r\ntitle: A\r\n---\r\n", []KeyText{{Key: "date", Value: "2022-05-01"}},
			"---\r\ntitle: A\r\ndate: 2022-05-01\r\n---\r\n"},
		{"no line end before closer", "---\ntitle: A\n...", []KeyText{{Key: "title", Value: "B"}},
			"---\ntitle: B\n..."},
		{"a value over lines", "---\ntitle: >-\n  Long\n  title\ndate: 2022-04-30\n---\n", []KeyText{{Key: "title", Value: "Short"}},
			"---\ntitle: Short\ndate: 2022-04-30\n---\n"},
		{"comment after the last key stays", "---\ntitle: A\ndate: 2022-04-30\n\n# kept\n---\n", []KeyText{{Key: "date", Value: "2022-05-01"}},
			"---\ntitle: A\ndate: 2022-05-01\n\n# kept\n---\n"},
		{"a key given twice is one", "---\ndate: 2022-01-01\ntitle: A\ndate: 2022-02-02\n---\n", []KeyText{{Key: "date", Value: "2022-05-01"}},
			"---\ndate: 2022-05-01\ntitle: A\n---\n"},
		{"if missing: there", "---\ntitle: A\ndate: 2022-04-30\n---\n", []KeyText{{Key: "date", Value: "2022-05-01", IfMissing: true}},
			"---\ntitle: A\ndate: 2022-04-30\n---\n"},
		{"if missing: added", "---\ntitle: A\n---\n", []KeyText{{Key: "date", Value: "2022-05-01", IfMissing: true}},
			"---\ntitle: A\ndate: 2022-05-01\n---\n"},
		{"bom kept", "\ufeff---\ntitle: A\n---\n", []KeyText{{Key: "title", Value: "B"}},
			"\ufeff---\ntitle: B\n---\n"},
	} {
		got, err := SetFields([]byte(c.in), c.fields)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if string(got) != c.want {
			t.Errorf("%s:\ngot  %q\nwant %q", c.name, got, c.want)
			continue
		}
		if _, err := Parse("_posts/2022-04-30-x.md", got, time.UTC, false); err != nil {
			t.Errorf("%s: the result does not parse: %v", c.name, err)
		}
	}
}

// TestSetFieldsReadsBack: what is written is what Jekyll reads.
func TestSetFieldsReadsBack(t *testing.T) {
	seoul, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		t.Fatal(err)
	}
	when := time.Date(2022, 5, 1, 9, 0, 0, 0, seoul)
	for _, title := range []string{"Plain", "yes", "a: b", "#hash", "'quoted'", "오늘 🎉", "12:30", "- dash"} {
		for _, layout := range []string{"2006-01-02", "2006-01-02 15:04:05 -0700", "2006-01-02 15:04"} {
			in := "---\ntitle: Old\ndate: 2022-04-30\n---\nbody\n"
			out, err := SetFields([]byte(in), []KeyText{{Key: "title", Value: Quote(title)}, {Key: "date", Value: DateValue(when, layout)}})
			if err != nil {
				t.Fatal(err)
			}
			e, err := Parse("_posts/x.md", out, seoul, false)
			if err != nil {
				t.Errorf("%q, %q: %v\n%s", title, layout, err, out)
				continue
			}
			if e.Title != title {
				t.Errorf("title %q read back as %q", title, e.Title)
			}
			if want := when.Format(layout); e.Date.In(seoul).Format(layout) != want {
				t.Errorf("date in %q read back as %s", layout, e.Date)
			}
		}
	}
}

// TestSetFieldsRefused: a file with no front matter to edit, or one too
// unusual to edit line by line, is an error and nothing is changed.
func TestSetFieldsRefused(t *testing.T) {
	for _, in := range []string{
		"no front matter\n",
		"---\ntitle: never closed\n",
		"---\ntitle: [broken\n---\n",
		"---\n[a, b]\n---\n",
		"---\n{title: A}\n---\n",
		"---\n  title: A\n---\n",
	} {
		if _, err := SetFields([]byte(in), []KeyText{{Key: "date", Value: "2022-05-01"}}); !errors.Is(err, ErrNoFrontMatter) {
			t.Errorf("SetFields(%q): %v, want ErrNoFrontMatter", in, err)
		}
	}
}
