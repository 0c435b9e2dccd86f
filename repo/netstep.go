package repo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gitdiary/diary/repo/transport"
)

// Progress is how far a network step has got, for a progress line.
type Progress struct {
	Step    string        // "fetch" or "push"
	Objects int           // objects in the pack, 0 while not known
	Bytes   int64         // bytes moved so far, both ways
	Rate    float64       // bytes a second, over the last few seconds
	Elapsed time.Duration // since the step began
	Done    bool          // the step's last report
	Failed  bool          // with Done: the step failed
}

// progressEvery is how often a step reports its Progress.
const progressEvery = 200 * time.Millisecond

// netStep is one network step (fetch, push, the look at a remote's
// branches): its context gives up once no byte has moved for
// NetOptions.Stall, and it reports its Progress while it runs.
type netStep struct {
	ctx     context.Context
	kind    string // Progress.Step
	name    string // for errors: "fetch from origin"
	o       NetOptions
	meter   *transport.Meter
	stop    func()
	objects atomic.Int64
	quit    chan bool // the step ended; true: it failed
	wg      sync.WaitGroup
}

func startStep(ctx context.Context, kind, name string, o NetOptions) *netStep {
	s := &netStep{kind: kind, name: name, o: o, quit: make(chan bool, 1)}
	s.ctx, s.meter, s.stop = transport.Watch(ctx, o.Stall)
	if o.Progress != nil {
		s.wg.Add(1)
		go s.report(o.Progress)
	}
	return s
}

// report calls progress every progressEvery, and once more when the step
// ends, always from this one goroutine.
func (s *netStep) report(progress func(Progress)) {
	defer s.wg.Done()
	start := time.Now()
	type sample struct {
		at    time.Time
		bytes int64
	}
	var window []sample // the last 2 s
	tick := time.NewTicker(progressEvery)
	defer tick.Stop()
	for {
		done, failed := false, false
		select {
		case <-tick.C:
		case failed = <-s.quit:
			done = true
		}
		now, n := time.Now(), s.meter.Bytes()
		window = append(window, sample{now, n})
		for len(window) > 1 && now.Sub(window[0].at) > 2*time.Second {
			window = window[1:]
		}
		p := Progress{Step: s.kind, Objects: int(s.objects.Load()), Bytes: n, Elapsed: now.Sub(start), Done: done, Failed: failed}
		if d := now.Sub(window[0].at); d > 0 {
			p.Rate = float64(n-window[0].bytes) / d.Seconds()
		} else if p.Elapsed > 0 {
			p.Rate = float64(n) / p.Elapsed.Seconds()
		}
		progress(p)
		if done {
			return
		}
	}
}

// end finishes the step: the last report is made, and an error that a
// stall caused says so, as ErrUnreachable (the network failed, not the
// data; sync exits 3).
func (s *netStep) end(err error) error {
	var stall *transport.StallError
	stalled := errors.As(context.Cause(s.ctx), &stall)
	s.stop()
	s.quit <- err != nil
	s.wg.Wait()
	if err != nil && stalled {
		return fmt.Errorf("%s: %w: %v; if the link is only slow, give it longer: diary config set timeout 5m", s.name, ErrUnreachable, stall)
	}
	return err
}

// progress is where the server's progress text goes: nil (none asked
// for) when nobody draws it.
func (s *netStep) progress() io.Writer {
	if s.o.Progress == nil {
		return nil
	}
	return s
}

// serverCount finds the number of objects in a server's progress text:
// git's pack-objects says "Enumerating objects: N", "Counting objects:
// 100% (N/N)" and "Total N (delta D), ..." on the side band.
var serverCount = regexp.MustCompile(`(?:Enumerating objects: |Counting objects: +\d+% \(\d+/|Total )(\d+)`)

// Write takes the server's progress text (FetchOptions.Progress,
// ReferenceUpdateRequest.Progress): the objects it counts are the
// step's.
func (s *netStep) Write(p []byte) (int, error) {
	for _, m := range serverCount.FindAllSubmatch(p, -1) {
		if n, err := strconv.Atoi(string(m[1])); err == nil && n > 0 {
			s.objects.Store(int64(n))
		}
	}
	return len(p), nil
}
