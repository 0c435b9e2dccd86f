package transport

import (
	"context"
	"errors"
	"testing"
	"time"
)

// The Meter's clock: a step that moves no byte is cancelled, with
// *StallError as the cause, once the limit has passed; bytes that keep
// moving (both ways), or a hold while the step works locally, keep it
// going as long as they last; no limit never cancels.
func TestMeterStall(t *testing.T) {
	const limit = 150 * time.Millisecond
	for _, tc := range []struct {
		name  string
		limit time.Duration
		run   func(m *Meter) // for 600 ms
		stall bool
	}{
		{"silent", limit, func(*Meter) { time.Sleep(600 * time.Millisecond) }, true},
		{"reading", limit, func(m *Meter) { every(m.read) }, false},
		{"writing", limit, func(m *Meter) { every(m.wrote) }, false},
		{"held", limit, func(m *Meter) {
			release := m.Hold()
			time.Sleep(600 * time.Millisecond)
			release()
			release() // a second call does nothing
		}, false},
		{"no limit", 0, func(*Meter) { time.Sleep(600 * time.Millisecond) }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, m, stop := Watch(context.Background(), tc.limit)
			defer stop()
			start := time.Now()
			done := make(chan struct{})
			go func() { tc.run(m); close(done) }()
			select {
			case <-ctx.Done():
			case <-done:
			}
			took := time.Since(start)
			var stall *StallError
			stalled := errors.As(context.Cause(ctx), &stall)
			if stalled != tc.stall {
				t.Fatalf("stalled %v after %v (cause %v), want %v", stalled, took, context.Cause(ctx), tc.stall)
			}
			if stalled && (took < limit || took > limit+time.Second) {
				t.Errorf("stalled after %v, want about %v", took, limit)
			}
			if stalled && stall.Error() != "stalled: no data moved for 150ms" {
				t.Errorf("the stall says %q", stall)
			}
		})
	}
}

// every calls count(1) every 30 ms for 600 ms.
func every(count func(int)) {
	for i := 0; i < 20; i++ {
		count(1)
		time.Sleep(30 * time.Millisecond)
	}
}

// Bytes counts both ways, and what comes through a metered reader.
func TestMeterBytes(t *testing.T) {
	_, m, stop := Watch(context.Background(), 0)
	defer stop()
	m.read(100)
	m.wrote(20)
	m.read(0)
	if got := m.Bytes(); got != 120 {
		t.Errorf("Bytes() = %d, want 120", got)
	}
	var nilMeter *Meter
	nilMeter.read(1) // a step without a Meter counts nothing, and does not fail
	nilMeter.touch()
}
