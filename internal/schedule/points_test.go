package schedule

import (
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/store"
)

func TestPointsDue(t *testing.T) {
	awb, _ := deadline.Preset(deadline.PresetAwb)
	generic, _ := deadline.Preset(deadline.PresetGeneric)
	received := time.Date(2026, 11, 2, 9, 0, 0, 0, deadline.Location())
	due := deadline.NewDate(2026, 12, 14)
	d := func(s string) deadline.Date { v, _ := deadline.ParseDate(s); return v }
	tests := []struct {
		name            string
		p               deadline.Policy
		status          string
		extensions      int
		today           string
		reminder, escal string // "" = none
	}{
		{"before the first point", awb, store.StatusReceived, 0, "2026-11-13", "", ""},
		{"on the first point", awb, store.StatusReceived, 0, "2026-11-16", "received+2w", ""},
		{"between points: the last one passed", awb, store.StatusReceived, 0, "2026-12-03", "due-10wd", ""},
		{"escalation before due", awb, store.StatusInProgress, 0, "2026-12-09", "due-5wd", "escalate-due-3wd"},
		{"extended: no escalation before due", awb, store.StatusInProgress, 1, "2026-12-09", "due-5wd", ""},
		{"due date: last reminder", awb, store.StatusInProgress, 0, "2026-12-14", "due-2wd", "escalate-due-3wd"},
		{"overdue: no reminder", awb, store.StatusInProgress, 0, "2026-12-15", "", "overdue"},
		{"second level", awb, store.StatusInProgress, 0, "2027-02-01", "", "overdue+5wd"},
		{"waiting, awb: the clock runs", awb, store.StatusWaiting, 0, "2026-12-15", "", "overdue"},
		{"waiting, generic: paused", generic, store.StatusWaiting, 0, "2026-12-15", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &store.Case{Status: tt.status, Extensions: tt.extensions, ReceivedAt: received, DecisionDue: due}
			got := pointsDue(tt.p, c, d(tt.today), nil)
			name := func(p *deadline.Point) string {
				if p == nil {
					return ""
				}
				return p.Name
			}
			if name(got.reminder) != tt.reminder || name(got.escalation) != tt.escal {
				t.Errorf("got reminder %q escalation %q, want %q %q", name(got.reminder), name(got.escalation), tt.reminder, tt.escal)
			}
		})
	}
}
