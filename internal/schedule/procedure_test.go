package schedule_test

import (
	"strings"
	"testing"
	"time"
)

// A weekly digest goes out once a week, on the first digest day of the ISO
// week (a Monday holiday moves it to Tuesday); "none" gets none; daily is
// unchanged.
func TestDigestFrequencyPerManager(t *testing.T) {
	e := newEnv(t)
	e.staff.Digests = map[string]string{strings.ToLower(mark.Address): "weekly", strings.ToLower(saskia.Address): "none"}
	sw := e.sweeper()
	// Monday 21 December 2026 to Monday 4 January 2027: Christmas on
	// Friday 25th and Monday 28th is a working day; 1 January is a holiday.
	for d := time.Date(2026, 12, 21, 9, 0, 0, 0, ams); d.Before(time.Date(2027, 1, 5, 0, 0, 0, 0, ams)); d = d.AddDate(0, 0, 1) {
		e.sweep(sw, d)
		e.sweep(sw, d.Add(time.Hour))
	}
	if n := e.count(`SELECT count(*) FROM outbox WHERE kind = 'digest' AND rcpt = ARRAY[$1]`, saskia.Address); n != 0 {
		t.Errorf("%d digests to a manager with digest = none", n)
	}
	if n := e.count(`SELECT count(*) FROM outbox WHERE kind = 'digest' AND rcpt = ARRAY[$1]`, mark.Address); n != 3 {
		t.Errorf("%d weekly digests over three ISO weeks, want 3", n)
	}
	if n := e.count(`SELECT count(*) FROM outbox WHERE kind = 'digest' AND rcpt = ARRAY[$1] AND created_at::date IN ('2026-12-21', '2026-12-28', '2027-01-04')`, mark.Address); n != 3 {
		t.Errorf("weekly digests not on the Mondays: %d", n)
	}
}

// Level-2 points go to the level-2 managers; with none of level 2, to all.
func TestEscalationLevels(t *testing.T) {
	e := newEnv(t)
	e.staff.Levels = map[string]int{strings.ToLower(saskia.Address): 2}
	e.staff.Digests = map[string]string{strings.ToLower(mark.Address): "none", strings.ToLower(saskia.Address): "none"}
	sw := e.sweeper()
	c := e.openCase(time.Date(2026, 11, 2, 8, 0, 0, 0, ams), anna.Address) // due 14 December
	e.sweep(sw, time.Date(2026, 12, 15, 9, 0, 0, 0, ams))                  // overdue: level 1
	e.sweep(sw, time.Date(2026, 12, 22, 9, 0, 0, 0, ams))                  // overdue+5wd: level 2
	for _, tc := range []struct{ level, to string }{{"1", mark.Address}, {"2", saskia.Address}} {
		if n := e.count(`SELECT count(*) FROM outbox o JOIN case_events e ON e.outbox = o.id
			WHERE o.case_id = $1 AND o.kind = 'escalation' AND e.detail->>'level' = $2 AND o.rcpt = ARRAY[$3]`, c.ID, tc.level, tc.to); n != 1 {
			t.Errorf("level %s escalation to %s only: %d", tc.level, tc.to, n)
		}
	}
}
