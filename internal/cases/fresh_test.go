package cases

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/klachtd/klachtd/internal/mailbox"
	"github.com/klachtd/klachtd/internal/store"
)

// freshMailFrom is a plain new complaint from addr (uid names it).
func freshMailFrom(in *Intake, uid uint32, addr, extra string) mailbox.Mail {
	raw := fmt.Sprintf("From: Burger %d <%s>\r\nTo: klachten@gemeente.example\r\nSubject: Stoep %d\r\n"+
		"Message-ID: <fresh-%d@example.nl>\r\nDate: Mon, 2 Nov 2026 08:00:00 +0100\r\n%sContent-Type: text/plain; charset=utf-8\r\n\r\n"+
		"De stoep voor huisnummer %d ligt al weken open.\r\n", uid, addr, uid, uid, extra, uid)
	return mailbox.Mail{Mailbox: "INBOX", UIDValidity: 1, UID: uid, InternalDate: in.o.Now(), Raw: []byte(raw), Size: int64(len(raw))}
}

// freshBatch mixes runs of new complaints with mails that break a run: a
// bulk mail (review), a copy of an earlier mail, a complainant who reaches
// the per-mailbox cap (three a day) inside the run.
func freshBatch(in *Intake) []mailbox.Mail {
	ms := []mailbox.Mail{
		freshMailFrom(in, 1, "burger1@example.nl", ""),
		freshMailFrom(in, 2, "burger2@example.nl", ""),
		freshMailFrom(in, 3, "burger3@wijk.example", ""),
		freshMailFrom(in, 4, "nieuws@example.nl", "Precedence: bulk\r\n"),
		freshMailFrom(in, 5, "burger5@wijk.example", ""),
		freshMailFrom(in, 6, "burger1+tweede@example.nl", ""),
		freshMailFrom(in, 7, "burger2@example.nl", ""),
		freshMailFrom(in, 8, "Burger1+derde@Example.nl", ""),
		freshMailFrom(in, 9, "burger1+vierde@example.nl", ""),
		freshMailFrom(in, 10, "burger10@example.nl", ""),
	}
	again := ms[1]
	again.UID = 11
	return append(ms, again, freshMailFrom(in, 12, "burger12@example.nl", ""))
}

// dumpIntake is what intake wrote, without the ids and Message-IDs that
// differ between runs by nature.
func dumpIntake(t *testing.T, s *store.Store) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		`SELECT ref, status, category, handler_address, complainant_name, complainant_address, subject, language,
			received_at, policy, ack_due, decision_due, needs_review FROM cases ORDER BY ref`,
		`SELECT m.uid, m.kind, m.message_id, coalesce(c.ref, ''), m.reasons, m.warnings, m.refs, m.recipients, m.size,
			m.sha256, m.content_sha256, m.quarantined, encode(sha256(m.raw), 'hex') = m.sha256 FROM messages m LEFT JOIN cases c ON c.id = m.case_id ORDER BY m.uid`,
		`SELECT c.ref, e.kind, e.actor, e.at, m.uid, o.kind, e.detail - 'message_id' FROM case_events e JOIN cases c ON c.id = e.case_id
			LEFT JOIN messages m ON m.id = e.message LEFT JOIN outbox o ON o.id = e.outbox ORDER BY c.ref, e.id`,
		`SELECT c.ref, o.kind, replace(o.dedupe_key, c.id::text, 'case'), o.rcpt, o.subject, o.automatic, o.status,
			length(o.raw) > 0 FROM outbox o JOIN cases c ON c.id = o.case_id ORDER BY c.ref, o.id`,
		`SELECT a.kind, a.mailbox, a.domain, o.kind FROM auto_answers a JOIN outbox o ON o.id = a.outbox_id ORDER BY a.outbox_id`,
		// Every queued mail has a delivery job (one per mail, or one per run).
		`SELECT count(*) FROM outbox o WHERE EXISTS (SELECT 1 FROM river_job j
			WHERE (j.args->>'outbox_id')::bigint = o.id OR j.args->'outbox_ids' @> to_jsonb(o.id))`,
	} {
		rows, err := s.DB().Query(q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				fmt.Fprintf(&b, "%v|", v)
			}
			b.WriteString("\n")
		}
		rows.Close()
		b.WriteString("--\n")
	}
	return b.String()
}

// runLog counts the runs stored set-wise.
type runLog struct {
	slog.Handler
	mu   sync.Mutex
	runs []int64
}

func (l *runLog) Enabled(context.Context, slog.Level) bool { return true }

func (l *runLog) Handle(_ context.Context, r slog.Record) error {
	if r.Message == "mail_run_stored" {
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == "mails" {
				l.mu.Lock()
				l.runs = append(l.runs, a.Value.Int64())
				l.mu.Unlock()
			}
			return true
		})
	}
	return nil
}

// A batch stored with runs set-wise (fresh.go) writes exactly what the same
// mails write one transaction each (Handle): the same cases with their
// references in UID order, mails, events in order, acknowledgements,
// notifications, cap counts and a delivery job for every mail; the runs are cut by a bulk
// mail (review), a copy of an earlier mail (stored once) and the
// per-mailbox cap (burger1's fourth mail of the day opens a case for review
// without acknowledgement).
func TestRunsWriteWhatOneByOneWrites(t *testing.T) {
	ctx := context.Background()
	one, s1 := testIntake(t)
	for _, m := range freshBatch(one) {
		if _, err := one.Handle(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	set, s2 := testIntake(t)
	log := &runLog{Handler: slog.DiscardHandler}
	set.o.Logger = slog.New(log)
	res, err := set.HandleBatch(ctx, freshBatch(set))
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r.Err != nil {
			t.Fatalf("mail %d: %v", i+1, r.Err)
		}
	}
	if res[10].Kind != "duplicate" {
		t.Errorf("the copy of mail 2 is %q, want duplicate", res[10].Kind)
	}
	if len(log.runs) == 0 {
		t.Fatal("no run was stored set-wise")
	}
	a, b := dumpIntake(t, s1), dumpIntake(t, s2)
	if a != b {
		t.Errorf("one by one:\n%s\nset-wise (runs %v):\n%s", a, log.runs, b)
	}
	if n := countRows(t, s2, `SELECT count(*) FROM cases WHERE needs_review`); n != 2 {
		t.Errorf("%d cases for review, want 2 (the bulk mail, burger1's fourth)", n)
	}
	if n := countRows(t, s2, `SELECT count(*) FROM outbox WHERE kind = 'ack'`); n != 9 {
		t.Errorf("%d acknowledgements, want 9", n)
	}
}

// A run that fails as a whole (here PostgreSQL refuses one case row) is
// rolled back to its savepoint, and the batch goes on one mail at a time:
// only the refused mail fails; the others commit with one case and one
// acknowledgement each.
func TestRunThatFailsIsTakenOneByOne(t *testing.T) {
	in, s := testIntake(t)
	ctx := context.Background()
	if _, err := s.DB().Exec(`
		CREATE FUNCTION refuse_stoep3() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN IF NEW.subject = 'Stoep 3' THEN RAISE EXCEPTION 'refused for the test'; END IF; RETURN NEW; END $$;
		CREATE TRIGGER refuse_stoep3 BEFORE INSERT ON cases FOR EACH ROW EXECUTE FUNCTION refuse_stoep3()`); err != nil {
		t.Fatal(err)
	}
	var ms []mailbox.Mail
	for uid := uint32(1); uid <= 5; uid++ {
		ms = append(ms, freshMailFrom(in, uid, fmt.Sprintf("burger%d@example.nl", uid), ""))
	}
	res, err := in.HandleBatch(ctx, ms)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if (r.Err != nil) != (i == 2) {
			t.Fatalf("mail %d: %v; want only mail 3 to fail", i+1, r.Err)
		}
	}
	if n := countRows(t, s, `SELECT count(*) FROM cases`); n != 4 {
		t.Fatalf("%d cases, want 4", n)
	}
	if n := countRows(t, s, `SELECT count(DISTINCT case_id) FROM outbox WHERE kind = 'ack'`); n != 4 {
		t.Fatalf("%d cases acknowledged, want 4", n)
	}
	if n := countRows(t, s, `SELECT count(*) FROM messages`); n != 4 {
		t.Fatalf("%d mails stored, want 4 (mail 3 rolled back)", n)
	}
}

// A batch handed over again (a crash between commit and move) is all
// duplicates: nothing new is written, each mail answers "duplicate", and no
// run is tried again for the mails found stored.
func TestBatchSeenAgainIsAllDuplicates(t *testing.T) {
	ctx := context.Background()
	in, s := testIntake(t)
	var ms []mailbox.Mail
	for uid := uint32(1); uid <= 6; uid++ {
		ms = append(ms, freshMailFrom(in, uid, fmt.Sprintf("burger%d@example.nl", uid), ""))
	}
	if _, err := in.HandleBatch(ctx, ms); err != nil {
		t.Fatal(err)
	}
	before := dumpIntake(t, s)
	log := &runLog{Handler: slog.DiscardHandler}
	in.o.Logger = slog.New(log)
	res, err := in.HandleBatch(ctx, ms)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r.Err != nil || r.Kind != "duplicate" {
			t.Errorf("mail %d again: %+v, want a duplicate", i+1, r)
		}
	}
	if len(log.runs) != 0 {
		t.Errorf("runs stored again: %v", log.runs)
	}
	if after := dumpIntake(t, s); after != before {
		t.Errorf("handing the batch over again wrote something:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}
