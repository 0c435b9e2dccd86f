package schedule

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/gitdiary/diary/internal/atomicfile"
)

// LogLimit is the size at which the unattended sync starts a new log: the
// old one is kept as autosync.log.1 (one old file, replacing the one
// before), so that the log never holds more than about twice this.
const LogLimit = 1 << 20

// LogName and ResultName are the files in StateDir.
const (
	LogName    = "autosync.log"
	ResultName = "last-sync.json"
)

// OpenLog opens the log at path for appending, creating it and its
// directory, after moving a log of LogLimit bytes or more aside to
// path.1. Two syncs that rotate at once lose nothing: each rename moves a
// whole file, and a writer keeps its open file.
func OpenLog(path string) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("autosync log: %w", err)
	}
	if fi, err := os.Stat(path); err == nil && fi.Size() >= LogLimit {
		if err := os.Rename(path, path+".1"); err != nil {
			return nil, fmt.Errorf("autosync log: rotate: %w", err)
		}
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("autosync log: %w", err)
	}
	return f, nil
}

// Result is how the last unattended sync ended. It is a small JSON file
// beside the log, written whole by each unattended sync, rather than a
// line found again in the log: the log is free text for people, and it
// is rotated away.
type Result struct {
	Repo    string    `json:"repo"`
	Started time.Time `json:"started"`
	Ended   time.Time `json:"ended"`
	Exit    int       `json:"exit"`
	Reason  string    `json:"reason"` // one line
	// Held are the posts the sync did not publish ("path: reason"), a
	// lint failure: the sync ended 0, but the writer has work to do.
	Held []string `json:"held,omitempty"`
}

// OK says whether the sync ended with nothing for the writer to do.
func (r *Result) OK() bool { return r.Exit == 0 && len(r.Held) == 0 }

// WriteResult records r at path, atomically.
func WriteResult(path string, r Result) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(path, append(data, '\n'), 0o600)
}

// ReadResult reads the result at path; nil without error when no
// unattended sync has ended yet.
func ReadResult(path string) (*Result, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var r Result
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("%s: %w: remove it; the next unattended sync writes it again", path, err)
	}
	return &r, nil
}
