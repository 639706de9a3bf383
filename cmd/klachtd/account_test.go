package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/mailbox/mailboxtest"
	"github.com/klachtd/klachtd/internal/store"
)

// markDead leaves the trace of a process that died with the mail in hand
// after attempts attempts: the in-hand row of the daemon's account.
func (h *harness) markDead(uidValidity, uid uint32, attempts int) {
	h.t.Helper()
	st := h.d.Store.ForAccount(h.d.account())
	for range attempts {
		if _, err := st.MarkInHand(context.Background(), store.MailKey{Mailbox: "INBOX", UIDValidity: uidValidity, UID: uid}, "dead"); err != nil {
			h.t.Fatal(err)
		}
	}
}

// Two accounts (two servers, the same user name) that both watch INBOX on
// one database keep their own checkpoints: the first mail of each (UID 1,
// UIDVALIDITY 1 on both) is taken in and acknowledged. Before, the second
// account found the first one's checkpoint and skipped its mail.
func TestTwoAccountsWatchingINBOXDoNotCollide(t *testing.T) {
	h := newHarness(t)
	other := mailboxtest.StartMemServer(t, mailboxtest.MemOptions{})
	cfg := *h.cfg
	cfg.IMAP.Address = other.Addr
	d2 := &Daemon{Config: &cfg, Now: func() time.Time { return h.now }, QueuePoll: 20 * time.Millisecond}
	if err := d2.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d2.Close() })

	h.deliver(ordinary(1), atMinute(0))
	if _, err := other.Append("INBOX", []byte(strings.ReplaceAll(ordinary(2), "\n", "\r\n")), atMinute(1)); err != nil {
		t.Fatal(err)
	}
	h.runOnce()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := d2.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	h.ackedOnce(1)
	h.ackedOnce(2)
	if ms, _ := other.List("INBOX"); len(ms) != 0 {
		t.Errorf("%d mails left in the second account's INBOX", len(ms))
	}
	if n := h.count(`SELECT count(*) FROM mailbox_checkpoints WHERE mailbox = 'INBOX' AND last_uid = 1`); n != 2 {
		t.Errorf("%d INBOX checkpoints, want one per account", n)
	}
	if n := h.count(`SELECT count(*) FROM intake_status WHERE mailbox = 'INBOX' AND last_ok_at IS NOT NULL`); n != 2 {
		t.Errorf("%d INBOX status rows, want one per account", n)
	}
}
