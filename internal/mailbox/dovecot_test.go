package mailbox_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/mailbox"
	"github.com/klachtd/klachtd/internal/mailbox/mailboxtest"
)

// TestDovecot runs the watcher against a real Dovecot: mail delivered by
// dovecot-lda and by APPEND is handled in order and moved; a crash between
// commit and move leaves nothing behind.
func TestDovecot(t *testing.T) {
	dc := mailboxtest.StartDovecot(t)
	st := newStore()
	o := mailbox.Options{Address: dc.Addr, TLS: dc.TLS, Username: dc.Username, Password: dc.Password,
		Handler: st, Logger: testLogger(t)}
	w, err := mailbox.New(o)
	mustNoErr(t, err)

	mustNoErr(t, dc.Deliver(rawMail(1, "")))
	mustNoErr(t, dc.Append("INBOX", rawMail(2, "X-Test: quarantine\r\n"), delivered))
	mustNoErr(t, dc.Deliver(rawMail(3, "")))
	n, err := w.Once(context.Background())
	mustNoErr(t, err)
	if n != 3 || !slices.Equal(st.handledUIDs(), []uint32{1, 2, 3}) {
		t.Fatalf("Once handled %d: %v, want 3: [1 2 3]", n, st.handledUIDs())
	}
	if d := st.handled[1].InternalDate; !d.Equal(delivered) {
		t.Errorf("INTERNALDATE of the appended mail = %v, want %v", d, delivered)
	}
	want := map[string]int{"INBOX": 0, "Processed": 2, "Quarantine": 1}
	for name, n := range want {
		msgs, err := dc.List(name)
		mustNoErr(t, err)
		if len(msgs) != n {
			t.Errorf("%s holds %d mails, want %d", name, len(msgs), n)
		}
		for _, m := range msgs {
			if m.Seen() {
				t.Errorf("%s uid %d is \\Seen", name, m.UID)
			}
		}
	}

	// Committed but not moved: seen again, deduplicated, moved.
	mustNoErr(t, dc.Deliver(rawMail(4, "")))
	msgs, err := dc.List("INBOX")
	mustNoErr(t, err)
	cp, _ := st.Checkpoint(context.Background(), "INBOX")
	st.preload(msgs[0].Raw, mailbox.Processed, mailbox.Checkpoint{UIDValidity: cp.UIDValidity, LastUID: uint32(msgs[0].UID)})
	n, err = w.Once(context.Background())
	mustNoErr(t, err)
	if n != 1 || st.count() != 4 {
		t.Errorf("Once handled %d, store holds %d; want 1, 4", n, st.count())
	}
	if msgs, _ := dc.List("INBOX"); len(msgs) != 0 {
		t.Errorf("INBOX still holds %d mails", len(msgs))
	}
}

// TestDovecotIdle: Dovecot's IDLE wakes the watcher on delivery (about half
// a second), long before the poll interval.
func TestDovecotIdle(t *testing.T) {
	dc := mailboxtest.StartDovecot(t)
	st := newStore()
	w, err := mailbox.New(mailbox.Options{Address: dc.Addr, TLS: dc.TLS, Username: dc.Username,
		Password: dc.Password, Handler: st, Logger: testLogger(t), PollInterval: time.Hour})
	mustNoErr(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	for i := 1; i <= 2; i++ {
		mustNoErr(t, dc.Deliver(rawMail(i, "")))
		select {
		case m := <-st.calls:
			if m.UID != uint32(i) {
				t.Errorf("handled uid %d, want %d", m.UID, i)
			}
		case <-time.After(guard):
			t.Fatalf("mail %d not handled: IDLE did not wake the watcher", i)
		}
	}
	cancel()
	mustNoErr(t, <-done)
}

func TestDovecotTLS(t *testing.T) {
	dc := mailboxtest.StartDovecot(t)
	for _, a := range []mailboxtest.Account{dc.ImplicitTLS(), dc.StartTLS()} {
		t.Run(a.TLS, func(t *testing.T) {
			st := newStore()
			w, err := mailbox.New(mailbox.Options{Address: a.Addr, TLS: a.TLS, TLSConfig: a.ClientTLS,
				Username: a.Username, Password: a.Password, Handler: st, Logger: testLogger(t)})
			mustNoErr(t, err)
			mustNoErr(t, dc.Deliver(rawMail(1, "X-Via: "+a.TLS+"\r\n")))
			n, err := w.Once(context.Background())
			mustNoErr(t, err)
			if n != 1 {
				t.Errorf("Once handled %d, want 1", n)
			}
		})
	}
}
