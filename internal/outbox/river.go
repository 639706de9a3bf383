package outbox

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
)

// DefaultFetchInterval is how often the delivery workers look for queued
// mail: see the package doc, "Woken within 50 ms".
const DefaultFetchInterval = 50 * time.Millisecond

// Delivery concurrency: deliveries at once per process, and the shortest
// time between two fetches of jobs. One delivery is an SMTP transaction on a
// kept connection and two small commits (claim, sent), a few milliseconds;
// 16 at once keep up with an intake drain of thousands of mails a second
// without opening more connections to the relay than it allows a client
// (Postfix: 20 by default).
const (
	deliveryWorkers = 16
	fetchCooldown   = 5 * time.Millisecond
)

// NewRiver returns the River client on the store's lib/pq pool. With a nil
// worker it only inserts jobs (for commands that queue mail but never send);
// with one it also works them after Start. River has no LISTEN/NOTIFY on
// lib/pq, so poll (default DefaultFetchInterval) sets how soon a queued mail
// is picked up.
func NewRiver(db *sql.DB, w *Worker, poll time.Duration, logger *slog.Logger) (*river.Client[*sql.Tx], error) {
	cfg := &river.Config{Logger: quiet(logger)}
	if w != nil {
		workers := river.NewWorkers()
		if err := river.AddWorkerSafely(workers, w); err != nil {
			return nil, fmt.Errorf("outbox: %w", err)
		}
		if poll <= 0 {
			poll = DefaultFetchInterval
		}
		cfg.Workers = workers
		cfg.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: deliveryWorkers}}
		cfg.FetchPollInterval = poll
		cfg.FetchCooldown = min(poll, fetchCooldown)
		// River's defaults (a one-hour rescue) would hold a delivery cut off
		// by a crash back for an hour: see Worker.RescueAfter.
		cfg.JobTimeout = w.jobTimeout()
		cfg.RescueStuckJobsAfter = w.RescueAfter()
	}
	c, err := river.NewClient(riverdatabasesql.New(db), cfg)
	if err != nil {
		return nil, fmt.Errorf("outbox: river: %w", err)
	}
	return c, nil
}

// quiet passes River's own logging on at warning level and above only.
func quiet(l *slog.Logger) *slog.Logger {
	return slog.New(levelFilter{l.Handler()})
}

type levelFilter struct{ slog.Handler }

func (f levelFilter) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && f.Handler.Enabled(ctx, l)
}
