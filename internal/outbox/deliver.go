package outbox

import (
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

// Worker is the River worker that delivers outbox rows.
type Worker struct {
	river.WorkerDefaults[DeliverArgs]
	Store  *store.Store
	Sender Sender
	Now    func() time.Time
	Logger *slog.Logger
}

// Work sends one row. A row that is no longer queued (sent by an earlier try
// whose job outlived it, or failed) is left alone.
func (w *Worker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	m, err := w.Store.OutboxMail(ctx, job.Args.OutboxID)
	if err != nil {
		return err
	}
	if m.Status != store.OutboxQueued {
		return nil
	}
	log := w.Logger.With(slog.Int64("outbox_id", m.ID), slog.String("kind", m.Kind), slog.Int("attempt", job.Attempt))
	sendErr := w.Sender.Send(ctx, m.MailFrom, m.Rcpt, m.Raw)
	if sendErr == nil {
		log.Info("mail_sent", slog.String("message_id", m.MessageID))
		return w.Store.MarkSent(ctx, m.ID, w.Now())
	}
	permanent := !IsTemporary(sendErr) || job.Attempt >= job.MaxAttempts
	if err := w.Store.MarkAttemptFailed(ctx, m.ID, w.Now(), sendErr.Error(), permanent); err != nil {
		return errors.Join(sendErr, err)
	}
	if permanent {
		log.Error("mail_failed", slog.Any("error", sendErr))
		return river.JobCancel(sendErr)
	}
	log.Warn("mail_retry", slog.Any("error", sendErr))
	return sendErr
}

// NextRetry backs off 30 s, 1 m, 2 m, … up to an hour between attempts.
func (w *Worker) NextRetry(job *river.Job[DeliverArgs]) time.Time {
	d := 30 * time.Second
	for i := 1; i < job.Attempt && d < time.Hour; i++ {
		d *= 2
	}
	return time.Now().Add(min(d, time.Hour))
}

// Timeout bounds one delivery attempt.
func (w *Worker) Timeout(*river.Job[DeliverArgs]) time.Duration { return 2 * time.Minute }
