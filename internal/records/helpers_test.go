package records_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/records"
	"github.com/klachtd/klachtd/internal/records/browsertest"
	"github.com/klachtd/klachtd/internal/store"
	"github.com/klachtd/klachtd/internal/store/storetest"
)

func TestMain(m *testing.M) {
	code := storetest.Run(m)
	browsertest.Close()
	os.Exit(code)
}

const handler = "behandelaar@gemeente.example"

// person is who complains in a fixture case.
type person struct {
	name, addr string
}

// caseSpec is one case put in through the store, the way intake and a
// handler would leave it.
type caseSpec struct {
	ref        string
	policy     string
	who        person
	respondent string
	category   string
	received   time.Time
	closed     time.Time // zero: open
	outcome    string
	extensions int
	measures   []string // one measure per entry, with this result ("" = not checked)
}

var seq int

// rawMail is a complaint from p with a PDF attachment.
func rawMail(p person, subject, body string) []byte {
	seq++
	return fmt.Appendf(nil, "From: %s <%s>\r\nTo: klachten@gemeente.example\r\nSubject: %s\r\nMessage-ID: <m%d-%s>\r\n"+
		"Date: Mon, 02 Nov 2026 09:00:00 +0100\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"+
		"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n"+
		"--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"foto-%d.pdf\"\r\n\r\n%%PDF-1.4 bewijs van %s\r\n--b--\r\n",
		p.name, p.addr, subject, seq, p.addr, body, seq, p.name)
}

func outMail(to, subject, body string) []byte {
	seq++
	return fmt.Appendf(nil, "From: Gemeente <klachten@gemeente.example>\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <out%d@gemeente.example>\r\n"+
		"Auto-Submitted: auto-replied\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n", to, subject, seq, body)
}

// addCase stores spec with a complaint mail, a follow-up, an
// acknowledgement, a notification to the handler and events, and returns
// the case id.
func addCase(t *testing.T, s *store.Store, spec caseSpec) int64 {
	t.Helper()
	ctx := context.Background()
	if spec.policy == "" {
		spec.policy = "awb"
	}
	var id int64
	err := s.InTx(ctx, func(tx *store.Tx) error {
		c := &store.Case{Ref: spec.ref, Status: store.StatusReceived, Policy: spec.policy, Language: "nl",
			ComplainantName: spec.who.name, ComplainantAddress: spec.who.addr, Subject: "Overlast van " + spec.who.name,
			Category: spec.category, HandlerAddress: handler, ReceivedAt: spec.received, AckDue: deadline.DateOf(spec.received),
			DecisionDue: deadline.DateOf(spec.received).AddWeeks(6), CreatedAt: spec.received}
		if err := tx.InsertCase(ctx, c); err != nil {
			return err
		}
		id = c.ID
		in := mustMessage(t, tx, c.ID, spec.who, "Klacht "+spec.ref, "Mijn naam is "+spec.who.name+" en ik klaag.", spec.received, "complaint")
		if err := tx.AddEvent(ctx, &store.Event{CaseID: c.ID, At: spec.received, Actor: spec.who.addr, Kind: "opened",
			Message: sql.NullInt64{Int64: in, Valid: true}}); err != nil {
			return err
		}
		ack := mustOutbox(t, tx, c.ID, "ack", spec.who.addr, "Ontvangen "+spec.ref, "Beste "+spec.who.name+", ontvangen.", spec.received)
		mustOutbox(t, tx, c.ID, "notify", handler, "Nieuwe klacht "+spec.ref, "Klacht van "+spec.who.name, spec.received)
		if err := tx.AddEvent(ctx, &store.Event{CaseID: c.ID, At: spec.received, Actor: "klachtd", Kind: "ack_queued",
			Outbox: sql.NullInt64{Int64: ack, Valid: true}, Detail: store.Detail(map[string]string{"to": spec.who.addr})}); err != nil {
			return err
		}
		later := spec.received.Add(48 * time.Hour)
		mustMessage(t, tx, c.ID, spec.who, "Re: Klacht "+spec.ref, "Nog een foto van "+spec.who.name, later, "reply")
		if spec.respondent != "" {
			c.RespondentName, c.RespondentAddress = "Beklaagde", spec.respondent
		}
		c.Extensions = spec.extensions
		if !spec.closed.IsZero() {
			c.Status, c.ClosedAt = store.StatusClosed, sql.NullTime{Time: spec.closed, Valid: true}
			c.Outcome = sql.NullString{String: spec.outcome, Valid: true}
			if err := tx.AddEvent(ctx, &store.Event{CaseID: c.ID, At: spec.closed, Actor: handler, Kind: "closed",
				Detail: store.Detail(map[string]string{"outcome": spec.outcome, "note": "gebeld met " + spec.who.name})}); err != nil {
				return err
			}
		}
		if err := addProcedure(ctx, tx, c.ID, spec, later); err != nil {
			return err
		}
		c.UpdatedAt = later
		return tx.UpdateCase(ctx, c)
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func mustMessage(t *testing.T, tx *store.Tx, caseID int64, p person, subject, body string, at time.Time, kind string) int64 {
	t.Helper()
	raw := rawMail(p, subject, body)
	sum := sha256.Sum256(raw)
	m := &store.Message{CaseID: sql.NullInt64{Int64: caseID, Valid: caseID != 0},
		MessageID: sql.NullString{String: fmt.Sprintf("m%d-%s", seq, p.addr), Valid: true},
		SHA256:    hex.EncodeToString(sum[:]), ContentSHA256: sql.NullString{String: hex.EncodeToString(sum[:]), Valid: true},
		Raw: raw, Size: len(raw), Kind: kind, FromAddress: p.addr, Subject: subject, InternalDate: at,
		Recipients: []string{"klachten@gemeente.example"}}
	id, ok, err := tx.InsertMessage(context.Background(), m)
	if err != nil || !ok {
		t.Fatalf("insert message: %v %v", ok, err)
	}
	return id
}

func mustOutbox(t *testing.T, tx *store.Tx, caseID int64, kind, to, subject, body string, at time.Time) int64 {
	t.Helper()
	raw := outMail(to, subject, body)
	m := &store.OutboxMail{CaseID: sql.NullInt64{Int64: caseID, Valid: true}, Kind: kind,
		MessageID: fmt.Sprintf("out%d@gemeente.example", seq), MailFrom: "klachten@gemeente.example", Rcpt: []string{to},
		Subject: subject, Raw: raw, Automatic: kind == "ack", CreatedAt: at}
	if _, err := tx.InsertOutbox(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`UPDATE outbox SET status = 'sent', sent_at = created_at WHERE id = $1`, m.ID); err != nil {
		t.Fatal(err)
	}
	return m.ID
}

// caselessMail stores a machine mail without a case, delivered at.
func caselessMail(t *testing.T, s *store.Store, p person, at time.Time) {
	t.Helper()
	err := s.InTx(context.Background(), func(tx *store.Tx) error {
		mustMessage(t, tx, 0, p, "Automatic reply", "Ik ben afwezig", at, "auto_reply")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func ams(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 10, 0, 0, 0, deadline.Location())
}

func newRecords(s *store.Store, now time.Time) *records.Records {
	p, _ := deadline.Preset("awb")
	return records.New(records.Options{Store: s, Policy: p, Now: func() time.Time { return now }})
}

func count(t *testing.T, s *store.Store, q string, args ...any) int {
	t.Helper()
	var n int
	if err := s.DB().QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// addProcedure records a hearing with a report naming the complainant, and
// spec's measures with their results.
func addProcedure(ctx context.Context, tx *store.Tx, caseID int64, spec caseSpec, at time.Time) error {
	p := &store.Procedure{CaseID: caseID, HearingAt: sql.NullTime{Time: at, Valid: true}, HearingPlace: "Dorpsstraat 1",
		HearingReport: sql.NullString{String: spec.who.name + " vertelde over het lawaai", Valid: true}, UpdatedAt: at}
	if err := tx.SaveProcedure(ctx, p); err != nil {
		return err
	}
	for _, result := range spec.measures {
		m := &store.Measure{CaseID: caseID, Text: "bouwtijden in de vergunning voor " + spec.who.name, CreatedAt: at}
		if err := tx.AddMeasure(ctx, m); err != nil {
			return err
		}
		if result != "" {
			if err := tx.RecordMeasureResult(ctx, caseID, m.N, result, "gesproken met "+spec.who.name, at); err != nil {
				return err
			}
		}
	}
	return nil
}
