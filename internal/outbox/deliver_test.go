package outbox_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/outbox"
	"github.com/klachtd/klachtd/internal/outbox/smtptest"
	"github.com/klachtd/klachtd/internal/store"
	"github.com/klachtd/klachtd/internal/store/storetest"
	"github.com/klachtd/klachtd/templates"
)

func TestMain(m *testing.M) {
	if os.Getenv(sinkEnv) != "" {
		os.Exit(runSink()) // BenchmarkDeliver's SMTP sink
	}
	storetest.Main(m)
}

var now = time.Date(2026, 11, 2, 9, 0, 0, 0, deadline.Location())

// setup queues one acknowledgement on a fresh case and returns what the
// worker needs to deliver it.
func setup(t *testing.T) (*store.Store, *smtptest.Server, *outbox.Worker, int64, int64) {
	t.Helper()
	return setupOn(t, storetest.New(t))
}

// setupOn is setup on a store of the caller's.
func setupOn(t *testing.T, s *store.Store) (*store.Store, *smtptest.Server, *outbox.Worker, int64, int64) {
	t.Helper()
	srv, err := smtptest.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	sender, err := outbox.NewSMTP(outbox.SMTPOptions{Address: srv.Addr, TLS: "none", HeloName: "gemeente.example"})
	if err != nil {
		t.Fatal(err)
	}
	q := newQueue(t, s)
	var caseID, id int64
	err = s.InTx(context.Background(), func(tx *store.Tx) error {
		c := &store.Case{Ref: "KL-2026-000001", Status: store.StatusReceived, Policy: "awb", Language: "nl", Subject: "Overlast",
			ReceivedAt: now, AckDue: deadline.DateOf(now), DecisionDue: deadline.NewDate(2026, 12, 14), CreatedAt: now}
		if err := tx.InsertCase(context.Background(), c); err != nil {
			return err
		}
		caseID = c.ID
		e, err := q.Enqueue(context.Background(), tx, outbox.Mail{CaseID: c.ID, Kind: "ack", DedupeKey: "ack:1",
			To: []outbox.Address{{Address: "jan@example.nl"}}, Auto: outbox.AutoReplied, Template: "ack",
			Data: map[string]any{"Case": c, "Subject": c.Subject, "IntakeName": "Klachten"}})
		id = e.ID
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	w := &outbox.Worker{Store: s, Sender: sender, Now: func() time.Time { return now }, Logger: slog.New(slog.DiscardHandler)}
	return s, srv, w, caseID, id
}

// newQueue is a Queue on s with an insert-only River client, at now.
func newQueue(t *testing.T, s *store.Store) *outbox.Queue {
	t.Helper()
	rc, err := outbox.NewRiver(s.DB(), nil, time.Second, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := templates.Load("", deadline.Location())
	if err != nil {
		t.Fatal(err)
	}
	return outbox.NewQueue(outbox.QueueOptions{From: outbox.Address{Name: "Klachten", Address: "klachten@gemeente.example"},
		Templates: tpl, River: rc, Now: func() time.Time { return now }})
}

func job(id int64, attempt int) *river.Job[outbox.DeliverArgs] {
	return &river.Job[outbox.DeliverArgs]{JobRow: &rivertype.JobRow{Attempt: attempt, MaxAttempts: 125}, Args: outbox.DeliverArgs{OutboxID: id}}
}

func TestTemporaryFailureIsRetriedThenSent(t *testing.T) {
	s, srv, w, _, id := setup(t)
	ctx := context.Background()
	srv.Reject = func(string) *smtp.SMTPError {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	err := w.Work(ctx, job(id, 1))
	if err == nil || !outbox.IsTemporary(err) {
		t.Fatalf("451: Work = %v, want a temporary error", err)
	}
	m, _ := s.OutboxMail(ctx, id)
	if m.Status != store.OutboxQueued || m.Attempts != 1 || !strings.Contains(m.LastError, "451") {
		t.Errorf("after 451: status %s, attempts %d, error %q", m.Status, m.Attempts, m.LastError)
	}
	srv.Reject = nil
	if err := w.Work(ctx, job(id, 2)); err != nil {
		t.Fatalf("second attempt: %v", err)
	}
	m, _ = s.OutboxMail(ctx, id)
	if m.Status != store.OutboxSent || m.Attempts != 2 || !m.SentAt.Valid {
		t.Errorf("after delivery: status %s attempts %d sent %v", m.Status, m.Attempts, m.SentAt.Valid)
	}
	if got := srv.Mails(); len(got) != 1 || string(got[0].Data) != string(m.Raw) {
		t.Errorf("the server did not get exactly the stored bytes")
	}
	// A job that runs again for a sent row (a rescued job) sends nothing.
	if err := w.Work(ctx, job(id, 3)); err != nil || len(srv.Mails()) != 1 {
		t.Errorf("a sent mail was sent again: %v, %d mails", err, len(srv.Mails()))
	}
}

func TestPermanentFailureStopsAndIsRecordedOnTheCase(t *testing.T) {
	s, srv, w, caseID, id := setup(t)
	ctx := context.Background()
	srv.Reject = func(string) *smtp.SMTPError {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	}
	err := w.Work(ctx, job(id, 1))
	var cancel *river.JobCancelError
	if !errors.As(err, &cancel) {
		t.Fatalf("550: Work = %v, want the job cancelled", err)
	}
	m, _ := s.OutboxMail(ctx, id)
	if m.Status != store.OutboxFailed {
		t.Errorf("after 550: status %s, want failed", m.Status)
	}
	evs, err := s.Events(ctx, caseID)
	if err != nil || len(evs) != 1 || evs[0].Kind != "delivery_failed" || !strings.Contains(string(evs[0].Detail), "550") {
		t.Errorf("events after 550: %+v %v", evs, err)
	}
}

func TestLastAttemptIsPermanent(t *testing.T) {
	s, srv, w, _, id := setup(t)
	srv.Reject = func(string) *smtp.SMTPError { return &smtp.SMTPError{Code: 421, Message: "busy"} }
	j := job(id, 125)
	if err := w.Work(context.Background(), j); err == nil {
		t.Fatal("no error")
	}
	if m, _ := s.OutboxMail(context.Background(), id); m.Status != store.OutboxFailed {
		t.Errorf("after the last attempt: %s, want failed", m.Status)
	}
}

func TestNetworkTroubleIsTemporary(t *testing.T) {
	_, srv, w, _, id := setup(t)
	srv.Close()
	err := w.Work(context.Background(), job(id, 1))
	if err == nil || !outbox.IsTemporary(err) {
		t.Errorf("server down: %v, want a temporary error", err)
	}
}

func TestBackoff(t *testing.T) {
	w := &outbox.Worker{}
	for _, tt := range []struct {
		attempt int
		min     time.Duration
	}{{1, 30 * time.Second}, {2, time.Minute}, {3, 2 * time.Minute}, {8, 64 * time.Minute}, {50, time.Hour}} {
		got := time.Until(w.NextRetry(job(1, tt.attempt)))
		want := min(tt.min, time.Hour)
		if got < want-time.Second || got > want+time.Second {
			t.Errorf("attempt %d: retry in %v, want %v", tt.attempt, got, want)
		}
	}
}
