package schedule_test

import (
	"context"
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/store"
)

// BenchmarkSweep100k is one sweep over 100 000 open cases, none of them due
// for a reminder or an escalation yet: the scale of the sweep that runs
// every minute after a large backlog was taken in (issue 12 aims at < 1 s).
// The cases are inserted with one statement, not through intake. (The
// first sweep of the day, with the digest of every open case, took 7 to 12 s
// here: it is set up before the timer.)
func BenchmarkSweep100k(b *testing.B) {
	const n = 100_000
	e := newEnv(b)
	start := time.Date(2026, 11, 2, 9, 0, 0, 0, ams)
	s := e.policy.Compute(start, false, nil)
	e.exec(`INSERT INTO cases (ref, status, complainant_address, subject, language, received_at, policy,
			ack_due, decision_due, created_at, updated_at)
		SELECT 'KL-2026-' || lpad(g::text, 6, '0'), $1, 'burger' || g || '@example.nl', 'Overlast', 'nl',
			$2::timestamptz, $3, $4, $5, $2::timestamptz, $2::timestamptz
		FROM generate_series(1, $6::int) g`,
		store.StatusReceived, start, e.policy.Name, s.AckDue, s.DecisionDue, n)
	sw := e.sweeper()
	// The first sweep of the day sends the managers' digest (of all 100 000
	// cases); the benchmark is the sweep after it, every minute.
	e.sweep(sw, start.Add(time.Hour))
	b.ResetTimer()
	for b.Loop() {
		if err := sw.Sweep(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(n, "cases")
}
