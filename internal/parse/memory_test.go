package parse

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/parse/parsetest"
)

// TestHostileMemory keeps the promise of the package doc on the worst
// inputs: beyond the input, Parse allocates about the decoded size, never
// a multiple of the message size that grows with it. The collector is off
// while Parse runs, so the allocation total bounds the peak.
func TestHostileMemory(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation bounds do not hold under the race detector (sync.Pool is emptied)")
	}
	for _, h := range parsetest.Hostile(4 << 20) {
		t.Run(h.Name, func(t *testing.T) {
			runtime.GC()
			old := debug.SetGCPercent(-1)
			var m *Message
			alloc := allocated(func() { m, _ = Parse(h.Raw, Limits{MaxDuration: time.Hour}) })
			debug.SetGCPercent(old)
			checkClean(t, m)
			if limit := uint64(6*len(h.Raw)) + 32<<20; alloc > limit {
				t.Errorf("allocated %d MB for %d MB, limit %d MB", alloc>>20, len(h.Raw)>>20, limit>>20)
			}
			if len(m.Text) > DefaultLimits().MaxTextBytes+1 || len(m.Attachments) > DefaultLimits().MaxParts {
				t.Errorf("text %d bytes, %d attachments", len(m.Text), len(m.Attachments))
			}
		})
	}
}
