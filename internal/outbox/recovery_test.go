package outbox_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/klachtd/klachtd/internal/outbox"
	"github.com/klachtd/klachtd/internal/outbox/smtptest"
	"github.com/klachtd/klachtd/internal/pgtemp"
	"github.com/klachtd/klachtd/internal/store"
)

// logRecorder keeps the message and level of every record, and tells a
// waiter when a given message is logged.
type logRecorder struct {
	mu      sync.Mutex
	records []slog.Record
	waitFor string
	seen    chan struct{}
}

func newLogRecorder(waitFor string) *logRecorder {
	return &logRecorder{waitFor: waitFor, seen: make(chan struct{})}
}

func (l *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (l *logRecorder) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *logRecorder) WithGroup(string) slog.Handler            { return l }

func (l *logRecorder) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.records = append(l.records, r)
	if r.Message == l.waitFor && l.waitFor != "" {
		close(l.seen)
		l.waitFor = ""
	}
	return nil
}

func (l *logRecorder) count(msg string, level slog.Level) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, r := range l.records {
		if r.Message == msg && r.Level == level {
			n++
		}
	}
	return n
}

// A database restart between the SMTP server's 250 and marking the row sent
// sends nothing twice: the worker holds the fact and records it once the
// database is back, instead of failing the job (which River would retry and
// send again). The cluster is the test's own: a restart would break the
// package's shared one for other tests.
func TestDatabaseRestartAfter250SendsOnce(t *testing.T) {
	ctx := context.Background()
	cl, err := pgtemp.Start(ctx)
	if err != nil {
		t.Skip(err)
	}
	t.Cleanup(func() { cl.Stop() })
	s, err := store.Open(ctx, cl.DSN)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	s, srv, w, _, id := setupOn(t, s)
	logs := newLogRecorder("mail_sent_record_retrying")
	w.Logger = slog.New(logs)
	up := make(chan error, 1)
	srv.OnMail = func(smtptest.Received) {
		// Inside DATA, before the 250 goes out: the database goes away, and
		// comes back once the worker has found that out.
		if err := cl.Down(ctx); err != nil {
			t.Error(err)
		}
		go func() {
			<-logs.seen
			up <- cl.Up(ctx)
		}()
	}
	if err := w.Work(ctx, job(id, 1)); err != nil {
		t.Fatalf("Work after 250 with the database restarting = %v, want nil (the mail was delivered)", err)
	}
	if err := <-up; err != nil {
		t.Fatal(err)
	}
	m, err := s.OutboxMail(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if m.Status != store.OutboxSent || m.SendingSince.Valid {
		t.Errorf("after the restart: status %s, in flight %v; want sent", m.Status, m.SendingSince.Valid)
	}
	// River's own completion of the job may have failed too: the job is
	// then rescued and runs again, and must send nothing.
	srv.OnMail = nil
	if err := w.Work(ctx, job(id, 2)); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Mails()); n != 1 {
		t.Errorf("%d mails captured, want exactly 1", n)
	}
	if logs.count("mail_sent_recorded", slog.LevelInfo) != 1 {
		t.Errorf("no mail_sent_recorded after the database came back")
	}
}

// A row still marked in flight when an attempt starts was cut off (the
// process died mid-delivery): it is sent, and that is logged at WARN.
func TestInterruptedDeliveryIsRetriedWithAWarning(t *testing.T) {
	s, srv, w, _, id := setup(t)
	ctx := context.Background()
	logs := newLogRecorder("")
	w.Logger = slog.New(logs)
	if _, err := s.ClaimOutbox(ctx, id, time.Now().Add(-5*time.Minute), time.Now().Add(-3*time.Minute)); err != nil {
		t.Fatalf("ClaimOutbox: %v", err)
	}
	h, err := s.Health(ctx, time.Now())
	if err != nil || h.OutboxStuck != 1 {
		t.Errorf("health: %d stuck deliveries (%v), want 1", h.OutboxStuck, err)
	}
	if err := w.Work(ctx, job(id, 2)); err != nil {
		t.Fatal(err)
	}
	if n := logs.count("mail_retry_after_interrupted_delivery", slog.LevelWarn); n != 1 {
		t.Errorf("%d WARN lines about the interrupted delivery, want 1", n)
	}
	if n := len(srv.Mails()); n != 1 {
		t.Errorf("%d mails sent, want 1", n)
	}
	if h, _ := s.Health(ctx, time.Now()); h.OutboxStuck != 0 {
		t.Errorf("%d stuck after delivery, want 0", h.OutboxStuck)
	}
}

// A delivery that is not cut off is never flagged as interrupted.
func TestOrdinaryRetryIsNotFlagged(t *testing.T) {
	_, srv, w, _, id := setup(t)
	logs := newLogRecorder("")
	w.Logger = slog.New(logs)
	srv.Close()
	w.Work(context.Background(), job(id, 1)) // fails: recorded, not in flight
	if err := w.Work(context.Background(), job(id, 2)); err == nil {
		t.Fatal("no error with the server down")
	}
	if n := logs.count("mail_retry_after_interrupted_delivery", slog.LevelWarn); n != 0 {
		t.Errorf("%d interrupted-delivery warnings after ordinary failures, want 0", n)
	}
}

// River rescues a stuck delivery a few minutes after the job timeout, not
// after its default hour, and the rescued job is retried at once.
func TestRescueFollowsTheJobTimeout(t *testing.T) {
	for _, tt := range []struct {
		timeout, want time.Duration
	}{
		{0, 3*time.Minute + 30*time.Second}, // 2m timeout + 1m recording + 30s
		{2 * time.Second, 6 * time.Second},
		{10 * time.Minute, 11*time.Minute + 30*time.Second},
	} {
		w := &outbox.Worker{JobTimeout: tt.timeout}
		if got := w.RescueAfter(); got != tt.want {
			t.Errorf("timeout %v: rescue after %v, want %v", tt.timeout, got, tt.want)
		}
	}
	w := &outbox.Worker{}
	attempted := time.Now().Add(-w.RescueAfter() - time.Second)
	rescued := &river.Job[outbox.DeliverArgs]{JobRow: &rivertype.JobRow{Attempt: 3, AttemptedAt: &attempted}}
	if d := time.Until(w.NextRetry(rescued)); d > 2*time.Second {
		t.Errorf("a rescued job is retried in %v, want about a second", d)
	}
	s, _, _, _, _ := setup(t)
	if _, err := outbox.NewRiver(s.DB(), &outbox.Worker{JobTimeout: time.Second}, time.Second, slog.New(slog.DiscardHandler)); err != nil {
		t.Errorf("River refuses a short job timeout: %v", err)
	}
}
