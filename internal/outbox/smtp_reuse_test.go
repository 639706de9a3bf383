package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/klachtd/klachtd/internal/outbox"
	"github.com/klachtd/klachtd/internal/outbox/smtptest"
)

// reuseSender is an SMTP sender to a fresh sink, with o's reuse settings.
func reuseSender(t *testing.T, o outbox.SMTPOptions) (*outbox.SMTP, *smtptest.Server) {
	t.Helper()
	srv, err := smtptest.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	o.Address, o.TLS, o.HeloName = srv.Addr, "none", "gemeente.example"
	s, err := outbox.NewSMTP(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, srv
}

func sendNumbered(ctx context.Context, s *outbox.SMTP, i int, rcpt string) error {
	return s.Send(ctx, "klachten@gemeente.example", []string{rcpt}, fmt.Appendf(nil, "Subject: %d\r\n\r\nmail %d\r\n", i, i))
}

// Many mails go over few connections: one at a time over one, and a new
// connection only after MailsPerSession mails.
func TestManyMailsOverFewConnections(t *testing.T) {
	ctx := context.Background()
	s, srv := reuseSender(t, outbox.SMTPOptions{MailsPerSession: 4})
	for i := range 10 {
		if err := sendNumbered(ctx, s, i, "jan@example.nl"); err != nil {
			t.Fatalf("mail %d: %v", i, err)
		}
	}
	if n, c := srv.Count(), srv.Conns(); n != 10 || c != 3 {
		t.Errorf("10 mails at 4 per connection: %d accepted over %d connections, want 10 over 3", n, c)
	}

	s, srv = reuseSender(t, outbox.SMTPOptions{})
	var wg sync.WaitGroup
	var failed atomic.Int32
	for g := range 4 {
		wg.Go(func() {
			for i := range 25 {
				if sendNumbered(ctx, s, g*100+i, "jan@example.nl") != nil {
					failed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if n, c := srv.Count(), srv.Conns(); failed.Load() != 0 || n != 100 || c > 4 {
		t.Errorf("100 mails from 4 senders: %d failed, %d accepted over %d connections; want 0, 100 over at most 4", failed.Load(), n, c)
	}
}

// The relay closes the connection between two mails (a restart, its idle
// timeout): the second mail is sent on a new connection, once, without an
// error; then an ordinary mail still goes out.
func TestConnectionDroppedBetweenMailsIsRetriedOnce(t *testing.T) {
	ctx := context.Background()
	s, srv := reuseSender(t, outbox.SMTPOptions{})
	if err := sendNumbered(ctx, s, 1, "jan@example.nl"); err != nil {
		t.Fatal(err)
	}
	srv.DropConnections()
	if err := sendNumbered(ctx, s, 2, "piet@example.nl"); err != nil {
		t.Fatalf("mail after the relay dropped the idle connection: %v, want it sent on a new one", err)
	}
	if err := sendNumbered(ctx, s, 3, "kees@example.nl"); err != nil {
		t.Fatal(err)
	}
	got := srv.Mails()
	if len(got) != 3 || !strings.Contains(string(got[1].Data), "mail 2") || got[1].Rcpt[0] != "piet@example.nl" {
		t.Fatalf("accepted %d mails (%+v), want 3 with the second once", len(got), got)
	}
	if c := srv.Conns(); c != 2 {
		t.Errorf("%d connections, want 2", c)
	}
}

// A relay that answers 421 on a reused connection (it is closing it) gets
// the mail on a new connection.
func TestFour21OnAReusedConnectionIsRetriedOnce(t *testing.T) {
	ctx := context.Background()
	s, srv := reuseSender(t, outbox.SMTPOptions{})
	if err := sendNumbered(ctx, s, 1, "jan@example.nl"); err != nil {
		t.Fatal(err)
	}
	var refused atomic.Int32
	srv.Reject = func(string) *smtp.SMTPError {
		if refused.Add(1) == 1 {
			return &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 4, 2}, Message: "idle timeout, closing"}
		}
		return nil
	}
	if err := sendNumbered(ctx, s, 2, "piet@example.nl"); err != nil {
		t.Fatalf("421 on a reused connection: %v, want the mail sent on a new one", err)
	}
	if n, c := srv.Count(), srv.Conns(); n != 2 || c != 2 || refused.Load() != 2 {
		t.Errorf("%d accepted, %d connections, %d RCPTs; want 2, 2, 2", n, c, refused.Load())
	}
}

// A mail refused with 4xx on a reused connection fails as temporary, is
// not retried at once, and does not poison the connection for the next
// mail, which goes out once.
func TestRefusalOnAReusedConnectionDoesNotPoisonTheNext(t *testing.T) {
	ctx := context.Background()
	s, srv := reuseSender(t, outbox.SMTPOptions{})
	if err := sendNumbered(ctx, s, 1, "jan@example.nl"); err != nil {
		t.Fatal(err)
	}
	var tries atomic.Int32
	srv.Reject = func(rcpt string) *smtp.SMTPError {
		if rcpt != "vol@example.nl" {
			return nil
		}
		tries.Add(1)
		return &smtp.SMTPError{Code: 452, EnhancedCode: smtp.EnhancedCode{4, 2, 2}, Message: "mailbox full"}
	}
	err := sendNumbered(ctx, s, 2, "vol@example.nl")
	var de *outbox.DeliveryError
	if !errors.As(err, &de) || !de.Temporary || !strings.Contains(err.Error(), "452") || tries.Load() != 1 {
		t.Fatalf("452 on a reused connection = %v after %d tries, want one temporary failure", err, tries.Load())
	}
	if err := sendNumbered(ctx, s, 3, "kees@example.nl"); err != nil {
		t.Fatalf("the mail after a refused one: %v", err)
	}
	got := srv.Mails()
	if len(got) != 2 || got[1].Rcpt[0] != "kees@example.nl" || len(got[1].Rcpt) != 1 || got[1].From != "klachten@gemeente.example" {
		t.Errorf("accepted %+v, want jan's and then kees's alone", got)
	}
}

// No answer to the final dot is ambiguous (the relay may have the mail):
// on a reused connection too it fails the attempt as temporary and is not
// sent again at once.
func TestNoAnswerAfterTheDataIsNotRetriedAtOnce(t *testing.T) {
	ctx := context.Background()
	s, srv := reuseSender(t, outbox.SMTPOptions{})
	if err := sendNumbered(ctx, s, 1, "jan@example.nl"); err != nil {
		t.Fatal(err)
	}
	var seen atomic.Int32
	srv.BeforeAccept = func(smtptest.Received) error {
		seen.Add(1)
		srv.DropConnections()
		return errors.New("gone")
	}
	if err := sendNumbered(ctx, s, 2, "piet@example.nl"); err == nil || !outbox.IsTemporary(err) {
		t.Fatalf("no answer after the data = %v, want a temporary failure", err)
	}
	if n := seen.Load(); n != 1 {
		t.Errorf("the relay got the data %d times, want once", n)
	}
	srv.BeforeAccept = nil
	if err := sendNumbered(ctx, s, 3, "kees@example.nl"); err != nil || srv.Count() != 2 {
		t.Errorf("next mail: %v, %d accepted; want it sent", err, srv.Count())
	}
}

// A connection idle longer than SessionIdle is not used again; Close ends
// the idle ones, and SMTP still sends afterwards.
func TestIdleConnectionIsNotReused(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	clock := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	nowFn := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	s, srv := reuseSender(t, outbox.SMTPOptions{SessionIdle: time.Hour, Now: nowFn})
	for i, wait := range []time.Duration{0, 59 * time.Minute, time.Hour} {
		mu.Lock()
		clock = clock.Add(wait)
		mu.Unlock()
		if err := sendNumbered(ctx, s, i, "jan@example.nl"); err != nil {
			t.Fatal(err)
		}
	}
	if c := srv.Conns(); c != 2 {
		t.Errorf("%d connections, want 2 (reused after 59m, new after an hour idle)", c)
	}
	s.Close()
	if !eventually(func() bool { return srv.OpenConns() == 0 }) {
		t.Errorf("%d connections still open after Close, want 0", srv.OpenConns())
	}
	if err := sendNumbered(ctx, s, 4, "jan@example.nl"); err != nil || srv.Conns() != 3 {
		t.Errorf("send after Close: %v, %d connections; want sent on a third", err, srv.Conns())
	}
}

// eventually polls cond for up to 5 seconds: the relay ends its side of a
// connection after the client's QUIT has been answered.
func eventually(cond func() bool) bool {
	for range 500 {
		if cond() {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}

// One of two recipients refused while the relay still takes DATA (it has a
// valid recipient) under pipelining: the mail fails as before, permanent
// for a 5xx, and nothing reaches the other recipient either (the session is
// cut before the final dot); the next mail goes out.
func TestRefusedRecipientUnderPipeliningSendsNothing(t *testing.T) {
	ctx := context.Background()
	s, srv := reuseSender(t, outbox.SMTPOptions{})
	srv.Reject = func(rcpt string) *smtp.SMTPError {
		if rcpt == "weg@example.nl" {
			return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
		}
		return nil
	}
	err := s.Send(ctx, "klachten@gemeente.example", []string{"jan@example.nl", "weg@example.nl"}, []byte("Subject: a\r\n\r\na\r\n"))
	if err == nil || outbox.IsTemporary(err) || !strings.Contains(err.Error(), "550") {
		t.Fatalf("a refused recipient = %v, want a permanent failure naming 550", err)
	}
	if n := srv.Count(); n != 0 {
		t.Fatalf("%d mails accepted after a refused recipient, want 0", n)
	}
	if err := sendNumbered(ctx, s, 2, "kees@example.nl"); err != nil || srv.Count() != 1 {
		t.Errorf("next mail: %v, %d accepted; want it sent", err, srv.Count())
	}
}
