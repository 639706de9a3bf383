package cases

import (
	"context"
	"fmt"
	"testing"

	"github.com/klachtd/klachtd/internal/mailbox"
	"github.com/klachtd/klachtd/internal/store"
)

func batchMail(in *Intake, uid uint32, subject string) mailbox.Mail {
	raw := fmt.Sprintf("From: Burger %d <burger%d@example.nl>\r\nTo: klachten@gemeente.example\r\nSubject: %s\r\n"+
		"Message-ID: <batch-%d@example.nl>\r\nDate: Mon, 2 Nov 2026 08:00:00 +0100\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"+
		"De stoep voor mijn huis ligt al weken open.\r\n", uid, uid, subject, uid)
	return mailbox.Mail{Mailbox: "INBOX", UIDValidity: 1, UID: uid, InternalDate: in.o.Now(), Raw: []byte(raw), Size: int64(len(raw))}
}

// A mail that fails inside a batch (here PostgreSQL refuses its row) rolls
// back to its savepoint alone: the mails before and after it commit in the
// same transaction, each with one case and one acknowledgement; the
// checkpoint stops before it (the committed prefix); no mark stays in hand.
// Handed over again alone, it is stored; an ordinary complaint after it is
// acknowledged once.
func TestHandleBatchMailFailsAlone(t *testing.T) {
	in, s := testIntake(t)
	ctx := context.Background()
	if _, err := s.DB().Exec(`
		CREATE FUNCTION refuse_boom() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN IF NEW.subject = 'boom' THEN RAISE EXCEPTION 'refused for the test'; END IF; RETURN NEW; END $$;
		CREATE TRIGGER refuse_boom BEFORE INSERT ON messages FOR EACH ROW EXECUTE FUNCTION refuse_boom()`); err != nil {
		t.Fatal(err)
	}
	ms := []mailbox.Mail{batchMail(in, 1, "Stoep 1"), batchMail(in, 2, "boom"), batchMail(in, 3, "Stoep 3")}
	res, err := in.HandleBatch(ctx, ms)
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Err != nil || res[1].Err == nil || res[2].Err != nil {
		t.Fatalf("results %+v: want 1 and 3 committed, 2 failed", res)
	}
	if n := countRows(t, s, `SELECT count(*) FROM messages`); n != 2 {
		t.Fatalf("%d messages, want 2", n)
	}
	if n := countRows(t, s, `SELECT count(*) FROM cases`); n != 2 {
		t.Fatalf("%d cases, want 2", n)
	}
	if n := countRows(t, s, `SELECT count(*) FROM mails_in_hand`); n != 0 {
		t.Fatalf("%d mails left in hand, want 0", n)
	}
	cp, err := in.Checkpoint(ctx, "INBOX")
	if err != nil || cp.LastUID != 1 {
		t.Fatalf("checkpoint %+v (%v): want LastUID 1, the committed prefix", cp, err)
	}
	if _, err := s.DB().Exec(`DROP TRIGGER refuse_boom ON messages`); err != nil {
		t.Fatal(err)
	}
	if _, err := in.Handle(ctx, ms[1]); err != nil {
		t.Fatal(err)
	}
	if _, err := in.Handle(ctx, batchMail(in, 4, "Stoep 4")); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, s, `SELECT count(*) FROM cases`); n != 4 {
		t.Fatalf("%d cases, want 4", n)
	}
	if n := countRows(t, s, `SELECT count(*) FROM outbox WHERE dedupe_key LIKE 'ack:%'`); n != 4 {
		t.Fatalf("%d acknowledgements queued, want 4 (one per case)", n)
	}
}

// A death during a batch transaction leaves the batch's marks (in_batch) of
// a dead process. The next process does not give all those mails the safe
// header read: it handles them one at a time, each parsed normally. A mail
// that then kills a process alone (a single mark of a dead process) is the
// one that gets the safe header read; the others of its batch do not.
func TestHandleBatchAfterADeathInABatch(t *testing.T) {
	in, s := testIntake(t)
	ctx := context.Background()
	ms := []mailbox.Mail{batchMail(in, 1, "Stoep 1"), batchMail(in, 2, "Stoep 2"), batchMail(in, 3, "Stoep 3")}
	keys := []store.MailKey{mailKey(ms[0]), mailKey(ms[1]), mailKey(ms[2])}
	// The dead process marked the batch, then died in its transaction.
	if ok, err := s.MarkBatchInHand(ctx, keys, "dead-in-batch"); err != nil || !ok {
		t.Fatalf("mark batch: %v %v", ok, err)
	}
	// So did a second one, on mail 3 alone: it died with only it in hand.
	if _, err := s.MarkInHand(ctx, keys[2], "dead-alone"); err != nil {
		t.Fatal(err)
	}
	res, err := in.HandleBatch(ctx, ms)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r.Err != nil {
			t.Fatalf("mail %d: %v", i+1, r.Err)
		}
	}
	var safe string
	if err := s.DB().QueryRow(`SELECT coalesce(string_agg(uid::text, ',' ORDER BY uid), '') FROM messages
		WHERE array_to_string(reasons, ' ') LIKE '%klachtd stopped while reading%'`).Scan(&safe); err != nil {
		t.Fatal(err)
	}
	if safe != "3" {
		t.Fatalf("safe header read for uids %v, want only 3 (the one that died alone)", safe)
	}
	if n := countRows(t, s, `SELECT count(*) FROM cases`); n != 3 {
		t.Fatalf("%d cases, want 3", n)
	}
	if n := countRows(t, s, `SELECT count(*) FROM mails_in_hand`); n != 0 {
		t.Fatalf("%d mails left in hand, want 0", n)
	}
	// The next batch is a batch again (no foreign marks): one transaction.
	res, err = in.HandleBatch(ctx, []mailbox.Mail{batchMail(in, 4, "Stoep 4"), batchMail(in, 5, "Stoep 5")})
	if err != nil || res[0].Err != nil || res[1].Err != nil {
		t.Fatalf("next batch: %v %+v", err, res)
	}
	cp, err := in.Checkpoint(ctx, "INBOX")
	if err != nil || cp.LastUID != 5 {
		t.Fatalf("checkpoint %+v (%v): want 5", cp, err)
	}
	if n := countRows(t, s, `SELECT count(*) FROM outbox WHERE dedupe_key LIKE 'ack:%'`); n != 5 {
		t.Fatalf("%d acknowledgements queued, want 5", n)
	}
}

// The intake says what it stored each mail as (the metrics need no query):
// a complaint's class in a batch and alone, "duplicate" for a copy of a
// stored mail.
func TestHandleBatchSaysKind(t *testing.T) {
	in, _ := testIntake(t)
	ctx := context.Background()
	ms := []mailbox.Mail{batchMail(in, 1, "Stoep 1"), batchMail(in, 2, "Stoep 2")}
	res, err := in.HandleBatch(ctx, ms)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r.Err != nil || r.Kind != "complaint" || r.Disposition != mailbox.Processed {
			t.Fatalf("result %d %+v: want a processed complaint", i, r)
		}
	}
	res, err = in.HandleBatch(ctx, []mailbox.Mail{batchMail(in, 3, "Stoep 3")})
	if err != nil || res[0].Err != nil || res[0].Kind != "complaint" {
		t.Fatalf("alone: %+v (%v): want a complaint", res, err)
	}
	again := ms[0]
	again.UID = 4
	res, err = in.HandleBatch(ctx, []mailbox.Mail{again})
	if err != nil || res[0].Err != nil || res[0].Kind != "duplicate" || res[0].Disposition != mailbox.Processed {
		t.Fatalf("copy: %+v (%v): want a processed duplicate", res, err)
	}
}
