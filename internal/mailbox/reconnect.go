package mailbox

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"time"
)

// Reconnect timing; see the package doc's failure rules.
const (
	// backoffHealthy caps the wait while the connection before the failures
	// was healthy (it stored or moved a mail, or completed a pass): the
	// trouble is most likely short (a cut connection, a database restart),
	// and intake should be back seconds after it ends.
	backoffHealthy = 5 * time.Second
	// healthyWindow is how long, in waits summed, the low cap holds before
	// the backoff grows as usual.
	healthyWindow = 2 * time.Minute
	// healthyAttempt is where normal growth resumes after the window: 8s.
	healthyAttempt = 3
	// lockRetry is how often a standby instance asks for the mailbox lock
	// (at most PollInterval): when the instance that held it dies, intake
	// moves over within seconds. Each ask is one cheap database query.
	lockRetry = 5 * time.Second
)

// reconnects is the state of a streak of failed connections; only the
// goroutine running Run touches it.
type reconnects struct {
	attempt  int           // what the next backoff is based on
	failures int           // failures since the last progress
	healthy  bool          // the connection before this streak made progress
	waited   time.Duration // summed waits of this streak
	since    time.Time     // wall clock at the first failure, for the log
	lastErr  string        // the error last logged at WARN
}

// madeProgress is called when the current connection stored or moved a mail
// or completed a pass: the next failure starts a fresh, low backoff, and an
// outage that was logged is logged as over.
func (w *Watcher) madeProgress() {
	r := &w.reconn
	if r.failures > 0 {
		w.log.Info("mailbox_recovered", slog.Int("failures", r.failures),
			slog.Duration("down_for", time.Since(r.since).Round(time.Millisecond)))
	}
	*r = reconnects{healthy: true}
}

// failed records a failed connection and returns how long to wait before
// the next. The first failure of a streak, and any with a new error, are
// logged at WARN; the repeats at DEBUG, so that an outage is one line, not
// a stream.
func (w *Watcher) failed(err error) time.Duration {
	r := &w.reconn
	if r.failures == 0 {
		r.since = time.Now()
	}
	capped := r.healthy && r.waited < healthyWindow
	limit := backoffMax
	if capped {
		limit = backoffHealthy
	}
	d := backoff(r.attempt, limit)
	level := slog.LevelDebug
	if msg := errString(err); r.failures == 0 || msg != r.lastErr {
		level, r.lastErr = slog.LevelWarn, msg
	}
	r.failures++
	w.log.Log(context.Background(), level, "mailbox_reconnect", slog.Any("error", err), slog.Duration("backoff", d),
		slog.Int("failures", r.failures))
	r.attempt++
	if capped {
		r.attempt = min(r.attempt, healthyAttempt)
	}
	r.waited += d
	return d
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// backoff is 1s doubling to limit, with up to 50% jitter taken off so that
// instances that lost the same server do not come back in step.
func backoff(attempt int, limit time.Duration) time.Duration {
	d := limit
	if attempt < 8 {
		d = min(backoffMin<<attempt, limit)
	}
	return d - rand.N(d/2)
}
