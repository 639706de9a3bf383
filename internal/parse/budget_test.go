package parse

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/parse/parsetest"
)

// steppingClock advances by step at every reading: the budget is spent
// after a known number of readings, whatever the machine's speed.
func steppingClock(step time.Duration) func() time.Time {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	return func() time.Time {
		now = now.Add(step)
		return now
	}
}

func TestBudget(t *testing.T) {
	tests := []struct {
		name     string
		raw      []byte
		textHas  string
		maxParts int
	}{
		{"part boundaries", parsetest.ManyParts(3000), "De tekst van de klacht.", 10000},
		{"html loop", parsetest.ManyAnchors(4 << 20), "tekst", 0},
		{"tnef loop", parsetest.TNEFFiles(100000), "", 1 << 20},
		{"rtf loop", parsetest.TNEFHugeRTF(4 << 20), "", 0}, // stops while decompressing: no text
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lim := Limits{MaxDuration: 200 * time.Millisecond, Now: steppingClock(time.Millisecond), MaxParts: tt.maxParts}
			m, err := Parse(tt.raw, lim)
			if !errors.Is(err, ErrBudget) || !m.Malformed {
				t.Fatalf("err %v, malformed %v", err, m.Malformed)
			}
			if m.Subject != "Klacht" || m.ReplyAddress != "jan@example.nl" || m.From[0].Name != "Jan de Vries" {
				t.Errorf("headers lost: subject %q reply %q from %+v", m.Subject, m.ReplyAddress, m.From)
			}
			if !strings.Contains(m.Text, tt.textHas) {
				t.Errorf("text %.100q lacks %q", m.Text, tt.textHas)
			}
			if !strings.Contains(strings.Join(m.Warnings, "\n"), "time budget of 200ms spent") {
				t.Errorf("warnings %q", m.Warnings)
			}
		})
	}
	// A clock that stands still never spends the budget.
	still := func() time.Time { return time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC) }
	if _, err := Parse(parsetest.NestedLists(1<<20), Limits{MaxDuration: time.Nanosecond, Now: still}); err != nil {
		t.Errorf("standing clock: %v", err)
	}
}
