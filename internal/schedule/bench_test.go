package schedule_test

import (
	"context"
	"testing"
	"time"
)

// BenchmarkSweep is one sweep over 1000 open cases received over the last
// six weeks, after everything due was queued: the cost of the sweep that
// runs every minute and finds nothing new.
func BenchmarkSweep(b *testing.B) {
	e := newEnv(b)
	start := time.Date(2026, 11, 2, 9, 0, 0, 0, ams)
	for i := range 1000 {
		e.openCase(start.Add(time.Duration(i)*time.Hour), "")
	}
	sw := e.sweeper()
	e.sweep(sw, start.Add(1000*time.Hour))
	b.ResetTimer()
	for b.Loop() {
		if err := sw.Sweep(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(1000, "cases")
}
