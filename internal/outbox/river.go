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

// NewRiver returns the River client on the store's lib/pq pool. With a nil
// worker it only inserts jobs (for commands that queue mail but never send);
// with one it also works them after Start. River has no LISTEN/NOTIFY on
// lib/pq, so poll sets how soon a queued mail is picked up.
func NewRiver(db *sql.DB, w *Worker, poll time.Duration, logger *slog.Logger) (*river.Client[*sql.Tx], error) {
	cfg := &river.Config{Logger: quiet(logger)}
	if w != nil {
		workers := river.NewWorkers()
		if err := river.AddWorkerSafely(workers, w); err != nil {
			return nil, fmt.Errorf("outbox: %w", err)
		}
		cfg.Workers = workers
		cfg.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 4}}
		cfg.FetchPollInterval = poll
		cfg.FetchCooldown = min(poll, 100*time.Millisecond)
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
