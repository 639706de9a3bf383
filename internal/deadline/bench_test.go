package deadline

import (
	"testing"
	"time"
)

// BenchmarkCompute is one case's whole schedule: what intake pays per case.
func BenchmarkCompute(b *testing.B) {
	p, _ := Preset(PresetAwb)
	org := DefaultCalendar()
	received := time.Date(2026, 2, 20, 14, 0, 0, 0, Location())
	for b.Loop() {
		p.Compute(received, false, org)
	}
}

// BenchmarkWorkingDaysBetween is one "days left" cell of a digest.
func BenchmarkWorkingDaysBetween(b *testing.B) {
	org := DefaultCalendar()
	from, to := Date{2026, 3, 2}, Date{2026, 4, 13}
	for b.Loop() {
		org.WorkingDaysBetween(from, to)
	}
}
