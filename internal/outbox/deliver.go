package outbox

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/klachtd/klachtd/internal/store"
)

// Sender delivers raw bytes to recipients; SMTP in production.
type Sender interface {
	Send(ctx context.Context, from string, rcpt []string, raw []byte) error
}

// Delivery timing defaults; see Worker.
const (
	DefaultJobTimeout = 2 * time.Minute
	maxRecordFor      = time.Minute
	maxRescueMargin   = 30 * time.Second
	recordTimeout     = 10 * time.Second
)

// Worker is the River worker that delivers outbox rows.
type Worker struct {
	river.WorkerDefaults[DeliverArgs]
	Store  *store.Store
	Sender Sender
	Now    func() time.Time
	Logger *slog.Logger
	// JobTimeout bounds one delivery attempt, from loading the row to the
	// SMTP server's answer; default DefaultJobTimeout.
	JobTimeout time.Duration
	// RecordFor is how long the worker keeps trying to mark a row sent
	// after the SMTP server accepted the mail, while the database is away;
	// default min(JobTimeout, 1m).
	RecordFor time.Duration
	// OnDelivery, when set, is told the outcome of every attempt: result
	// "sent", "retry" (a temporary failure) or "failed" (given up). The
	// daemon counts it in the metrics.
	OnDelivery func(kind, result string)
}

func (w *Worker) delivered(kind, result string) {
	if w.OnDelivery != nil {
		w.OnDelivery(kind, result)
	}
}

func (w *Worker) jobTimeout() time.Duration { return cmp.Or(w.JobTimeout, DefaultJobTimeout) }

func (w *Worker) recordFor() time.Duration {
	return cmp.Or(w.RecordFor, min(w.jobTimeout(), maxRecordFor))
}

// RescueAfter is when River takes a running delivery job for stuck (its
// process died) and schedules it again: the job timeout, plus the time the
// worker may spend recording a sent mail, plus a margin of min(timeout, 30s).
// With the defaults that is 2m + 1m + 30s = 3m30s; River's rescuer looks every
// 30 s (on the elected leader, which takes over 15 s after a dead one), and a
// rescued job is retried after one second, so a delivery cut off by a crash is
// retried within about four minutes. A job is never rescued while its worker
// can still be in the SMTP transaction or recording its outcome, so rescue
// itself causes no second send.
func (w *Worker) RescueAfter() time.Duration {
	t := w.jobTimeout()
	return t + w.recordFor() + min(t, maxRescueMargin)
}

// Work sends the rows of a job in order: one row (a mail queued alone), or
// the outgoing mails of one intake transaction (EnqueueMany: a run of new
// complaints' acknowledgements and notifications), so that a backlog costs
// River one job per run instead of one per mail. Every row is claimed,
// sent and marked on its own, as in a job of one, so the at-most-once rules
// hold per row; only the sent-mark of a row is written by the statement
// that claims the next one, which follows it at once (one commit instead of
// two per mail), and the last row's on its own. A row that is no longer queued (sent by an earlier
// try whose job outlived it, or failed) is left alone. The row is loaded
// and marked as in flight in one statement before the SMTP transaction; a
// row still marked so when an attempt starts was cut off by a crash, and is
// logged at WARN before it is sent. A row that fails for good is marked
// failed and the others go on; when any row failed temporarily the job
// fails and River retries it later (the rows sent meanwhile are skipped
// then); when rows failed only for good the job is cancelled.
func (w *Worker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	// Wall-clock time: these marks are about this process, not the domain clock.
	start := time.Now()
	until := start.Add(w.jobTimeout())
	var temporary, permanent []error
	var mark *sentMark
	for _, id := range job.Args.ids() {
		if err := ctx.Err(); err != nil {
			temporary = append(temporary, err) // the job's time is up: the rest on the retry
			break
		}
		var forGood bool
		var err error
		forGood, mark, err = w.deliver(ctx, job, id, until, mark)
		switch {
		case err == nil:
		case forGood:
			permanent = append(permanent, err)
		default:
			temporary = append(temporary, err)
		}
	}
	if mark != nil {
		if err := w.recordSent(ctx, mark.log, mark.id); err != nil {
			temporary = append(temporary, err)
		}
	}
	if len(temporary) > 0 {
		return errors.Join(temporary...)
	}
	if len(permanent) > 0 {
		return river.JobCancel(errors.Join(permanent...))
	}
	return nil
}

// sentMark is a row the relay accepted whose sent-mark is still to be
// written: with the claim of the job's next row, which follows at once
// (one statement and one commit for both), or on its own after the last.
type sentMark struct {
	id  int64
	log *slog.Logger
}

// deliver claims row id (writing mark's sent-mark with the claim), sends it
// and returns its own sent-mark, or marks it failed; forGood says the row
// failed for good.
func (w *Worker) deliver(ctx context.Context, job *river.Job[DeliverArgs], id int64, until time.Time, mark *sentMark) (forGood bool, sent *sentMark, err error) {
	m, err := w.claim(ctx, id, until, mark)
	if errors.Is(err, store.ErrNotQueued) {
		return false, nil, nil
	}
	if err != nil {
		return false, nil, err
	}
	log := w.Logger.With(slog.Int64("outbox_id", m.ID), slog.String("kind", m.Kind), slog.Int("attempt", job.Attempt))
	if m.SendingSince.Valid {
		log.Warn("mail_retry_after_interrupted_delivery", slog.Time("in_flight_since", m.SendingSince.Time),
			slog.String("message_id", m.MessageID))
	}
	sendErr := w.Sender.Send(ctx, m.MailFrom, m.Rcpt, m.Raw)
	if sendErr == nil {
		log.Info("mail_sent", slog.String("message_id", m.MessageID))
		w.delivered(m.Kind, "sent")
		return false, &sentMark{id: m.ID, log: log}, nil
	}
	forGood, err = w.recordFailure(ctx, log, job, m.ID, sendErr)
	if forGood {
		w.delivered(m.Kind, "failed")
	} else {
		w.delivered(m.Kind, "retry")
	}
	return forGood, nil, err
}

// claim claims row id; with mark, the same statement marks that row sent.
// When the statement fails the mark is written on its own (recordSent,
// which keeps trying through a database restart) before the claim's error
// is returned.
func (w *Worker) claim(ctx context.Context, id int64, until time.Time, mark *sentMark) (*store.OutboxMail, error) {
	if mark == nil {
		return w.Store.ClaimOutbox(ctx, id, time.Now(), until)
	}
	m, err := w.Store.ClaimOutboxAfterSent(ctx, mark.id, w.Now(), id, time.Now(), until)
	if err == nil || errors.Is(err, store.ErrNotQueued) {
		return m, err
	}
	if rerr := w.recordSent(ctx, mark.log, mark.id); rerr != nil {
		return nil, errors.Join(err, rerr)
	}
	return nil, err
}

// recordSent marks the row sent. The SMTP server has the mail: failing the
// job now would send it again, so while the database is away the worker
// keeps trying for RecordFor, backing off from 250 ms to 5 s.
func (w *Worker) recordSent(ctx context.Context, log *slog.Logger, id int64) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), w.recordFor())
	defer cancel()
	wait := 250 * time.Millisecond
	for try := 1; ; try++ {
		err := w.markSent(ctx, id)
		if err == nil {
			if try > 1 {
				log.Info("mail_sent_recorded", slog.Int("tries", try))
			}
			return nil
		}
		if try == 1 {
			log.Warn("mail_sent_record_retrying", slog.Any("error", err))
		}
		select {
		case <-ctx.Done():
			log.Error("mail_sent_not_recorded", slog.Int("tries", try), slog.Any("error", err))
			return err
		case <-time.After(wait):
		}
		wait = min(2*wait, 5*time.Second)
	}
}

func (w *Worker) markSent(ctx context.Context, id int64) error {
	ctx, cancel := context.WithTimeout(ctx, recordTimeout)
	defer cancel()
	return w.Store.MarkSent(ctx, id, w.Now())
}

// recordFailure records a failed attempt; it is written even when the job's
// context ended (a timeout), so that the row does not look in flight.
// forGood: the failure is permanent, or the job's last attempt; the row is
// marked failed.
func (w *Worker) recordFailure(ctx context.Context, log *slog.Logger, job *river.Job[DeliverArgs], id int64, sendErr error) (forGood bool, err error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	forGood = !IsTemporary(sendErr) || job.Attempt >= job.MaxAttempts
	if err := w.Store.MarkAttemptFailed(ctx, id, w.Now(), sendErr.Error(), forGood); err != nil {
		return false, errors.Join(sendErr, err)
	}
	if forGood {
		log.Error("mail_failed", slog.Any("error", sendErr))
		return true, sendErr
	}
	log.Warn("mail_retry", slog.Any("error", sendErr))
	return false, sendErr
}

// NextRetry backs off 30 s, 1 m, 2 m, … up to an hour between attempts. A job
// River rescued (its attempt ran past RescueAfter: the process died) is
// retried after a second: it did not fail, it was cut off.
func (w *Worker) NextRetry(job *river.Job[DeliverArgs]) time.Time {
	if job.AttemptedAt != nil && time.Since(*job.AttemptedAt) >= w.RescueAfter() {
		return time.Now().Add(time.Second)
	}
	d := 30 * time.Second
	for i := 1; i < job.Attempt && d < time.Hour; i++ {
		d *= 2
	}
	return time.Now().Add(min(d, time.Hour))
}

// Timeout bounds one delivery attempt.
func (w *Worker) Timeout(*river.Job[DeliverArgs]) time.Duration { return w.jobTimeout() }
