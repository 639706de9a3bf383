package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/deadline"
)

func batchComplaint(i int, subject string) string {
	return fmt.Sprintf("From: Burger %d <burger%d@example.nl>\nTo: klachten@gemeente.example\nSubject: %s\n"+
		"Message-ID: <batchfail-%d@example.nl>\nDate: Mon, 2 Nov 2026 08:00:00 +0100\nContent-Type: text/plain; charset=utf-8\n\n"+
		"De lantaarnpaal in onze straat is al drie weken kapot.\n", i, i, subject, i)
}

// A mail that fails inside a batch (PostgreSQL refuses its row twice: once
// in the run of new complaints stored set-wise, which is rolled back and
// taken one mail at a time, then alone) rolls back to its savepoint alone: the two mails around it commit in the same
// transaction and are moved; it stays in INBOX, the checkpoint stops before
// it, and the next pass hands it over alone, in a transaction of its own,
// where it is stored. An ordinary complaint after it is acknowledged once.
func TestMailFailingInABatchIsRetriedAlone(t *testing.T) {
	h := newHarness(t)
	db := h.d.Store.DB()
	if _, err := db.Exec(`
		CREATE SEQUENCE boom_tries;
		CREATE TABLE message_tx (subject text, txid bigint);
		CREATE FUNCTION note_tx() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF NEW.subject = 'boom' AND nextval('boom_tries') <= 2 THEN RAISE EXCEPTION 'refused twice for the test'; END IF;
			INSERT INTO message_tx VALUES (NEW.subject, txid_current());
			RETURN NEW;
		END $$;
		CREATE TRIGGER note_tx BEFORE INSERT ON messages FOR EACH ROW EXECUTE FUNCTION note_tx()`); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 2, 8, 30, 0, 0, deadline.Location())
	h.deliver(batchComplaint(1, "Lantaarnpaal 1"), at)
	h.deliver(batchComplaint(2, "boom"), at)
	h.deliver(batchComplaint(3, "Lantaarnpaal 3"), at)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := h.d.RunOnce(ctx); err == nil {
		t.Fatal("the first pass reported no failure")
	}
	if got := h.count(`SELECT count(*) FROM messages`); got != 2 {
		t.Fatalf("%d messages after the first pass, want 2 (the mails around the failed one)", got)
	}
	if got := h.count(`SELECT count(DISTINCT txid) FROM message_tx`); got != 1 {
		t.Errorf("the two committed mails took %d transactions, want 1 (one batch)", got)
	}
	if in, done := h.folder("INBOX"), h.folder("Processed"); in != 1 || done != 2 {
		t.Fatalf("INBOX %d, Processed %d after the first pass: want 1 and 2", in, done)
	}
	if got := h.count(`SELECT last_uid FROM mailbox_checkpoints`); got != 1 {
		t.Errorf("checkpoint at uid %d, want 1 (the committed prefix)", got)
	}

	h.runOnce()
	if got := h.count(`SELECT count(*) FROM message_tx m WHERE subject = 'boom'
		AND NOT EXISTS (SELECT 1 FROM message_tx o WHERE o.txid = m.txid AND o.subject <> 'boom')`); got != 1 {
		t.Fatalf("the failed mail was stored %d times alone in its transaction, want once", got)
	}
	h.deliver(batchComplaint(4, "Lantaarnpaal 4"), at)
	h.runOnce()
	if in, done := h.folder("INBOX"), h.folder("Processed"); in != 0 || done != 4 {
		t.Fatalf("INBOX %d, Processed %d: want 0 and 4", in, done)
	}
	if got := h.count(`SELECT count(*) FROM cases`); got != 4 {
		t.Errorf("%d cases, want 4", got)
	}
	if got := h.count(`SELECT count(*) FROM mails_in_hand`); got != 0 {
		t.Errorf("%d mails left in hand", got)
	}
	acks := map[string]int{}
	for _, m := range h.smtp.Mails() {
		acks[mustParse(t, m.Data).Header.Get("In-Reply-To")]++
	}
	for i := 1; i <= 4; i++ {
		if got := acks[fmt.Sprintf("<batchfail-%d@example.nl>", i)]; got != 1 {
			t.Errorf("complaint %d acknowledged %d times, want once", i, got)
		}
	}
}
