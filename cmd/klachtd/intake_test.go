package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/mailbox"
	"github.com/klachtd/klachtd/internal/outbox"
	"github.com/klachtd/klachtd/internal/schedule"
)

// ordinary is a plain complaint from its own sender, numbered so that each
// is a new mail.
func ordinary(n int) string {
	return fmt.Sprintf("From: Gewone Klager <gewoon%d@example.nl>\nTo: klachten@gemeente.example\nSubject: Losliggende stoeptegels %d\n"+
		"Date: Mon, 2 Nov 2026 08:30:00 +0100\nMessage-ID: <ordinary-%d@example.nl>\nContent-Type: text/plain; charset=utf-8\n\n"+
		"Voor mijn deur liggen al weken stoeptegels los. Wilt u die laten vastleggen?\n", n, n, n)
}

// ackedOnce checks that the n-th ordinary complaint was acknowledged exactly once.
func (h *harness) ackedOnce(n int) {
	h.t.Helper()
	addr := fmt.Sprintf("gewoon%d@example.nl", n)
	if got := h.count(`SELECT count(*) FROM outbox WHERE kind = 'ack' AND status = 'sent' AND rcpt = ARRAY[$1]`, addr); got != 1 {
		h.t.Errorf("the ordinary complaint after the bad mail got %d acknowledgements, want 1", got)
	}
}

// at is a delivery time on the harness's day.
func atMinute(minute int) time.Time {
	return time.Date(2026, 11, 2, 8, minute, 0, 0, deadline.Location())
}

// Soft machine signals on a mail that reads like a person or a form open a
// case for review, without acknowledgement (issue 9 §1). A subject that only
// looks like an auto-reply ("Absence of street lighting") is no signal at
// all: an ordinary case, acknowledged.
func TestSoftMachineSignalsOpenAReviewCase(t *testing.T) {
	form := "From: Karin Smit <karin@example.nl>\nTo: klachten@gemeente.example\nSubject: %s\nDate: Mon, 2 Nov 2026 08:00:00 +0100\n" +
		"Message-ID: <soft-%d@cms.example.nl>\n%sContent-Type: text/plain; charset=utf-8\n\n" +
		"Naam: Karin Smit\nE-mail: karin@example.nl\nMelding: al drie weken brandt de straatverlichting in de Dorpsstraat niet.\n"
	tests := []struct {
		name, subject, header string
		review                bool
	}{
		{"Auto-Submitted on a web form", "Melding via het webformulier", "Auto-Submitted: auto-generated\n", true},
		{"Precedence: bulk on a web form", "Melding via het webformulier", "Precedence: bulk\n", true},
		{"X-Spam-Flag", "Straatverlichting kapot", "X-Spam-Flag: YES\n", true},
		{"subject like an auto-reply", "Absence of street lighting", "", false},
		{"subject like an out-of-office", "Out of office hours noise", "", false},
		{"subject like an absence notice", "Afwezig: geen reactie", "", false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := fmt.Sprintf(form, tt.subject, i, tt.header)
			h := newHarness(t)
			h.withHandler("")
			h.deliver(raw, atMinute(0))
			h.deliver(ordinary(1), atMinute(1))
			h.runOnce()
			if n := h.count(`SELECT count(*) FROM cases WHERE complainant_address = 'karin@example.nl'`); n != 1 {
				t.Errorf("%d cases for the mail, want 1", n)
			}
			want := map[bool]int{true: 1, false: 0}
			if n := h.count(`SELECT count(*) FROM cases WHERE needs_review AND complainant_address = 'karin@example.nl'`); n != want[tt.review] {
				t.Errorf("%d review cases for the mail, want %d", n, want[tt.review])
			}
			if n := h.count(`SELECT count(*) FROM outbox WHERE kind = 'ack' AND rcpt = '{karin@example.nl}'`); n != want[!tt.review] {
				t.Errorf("%d acknowledgements to the mail, want %d", n, want[!tt.review])
			}
			if n := h.count(`SELECT count(*) FROM case_events WHERE kind = 'marked_for_review'`); n != want[tt.review] {
				t.Errorf("%d marked_for_review events, want %d", n, want[tt.review])
			}
			h.ackedOnce(1)
		})
	}
}

// A different mail that reuses a stored Message-ID is its own mail and its
// own case (with a warning); the same mail delivered again by another path
// is still one.
func TestReusedMessageIDIsItsOwnMail(t *testing.T) {
	h := newHarness(t)
	h.deliver(complaint, atMinute(0))
	other := strings.NewReplacer("Jan de Vries <jan@example.nl>", "Els Bakker <els@example.org>",
		"Overlast bouwplaats", "Gat in het fietspad", "Sinds drie weken", "Sinds gisteren").Replace(complaint)
	h.deliver(other, atMinute(1))
	again := "Received: from relay2.example.net (relay2.example.net [192.0.2.7])\n\tby mx.gemeente.example; Mon, 2 Nov 2026 08:20:00 +0100\n" +
		"Delivered-To: klachten@gemeente.example\nX-Spam-Status: No, score=-0.1\n" + complaint
	h.deliver(again, atMinute(2))
	h.deliver(ordinary(1), atMinute(3))
	h.runOnce()
	if n := h.count(`SELECT count(*) FROM messages WHERE message_id = 'complaint-1@example.nl'`); n != 2 {
		t.Errorf("%d messages with the Message-ID, want 2 (the complaint and the other mail; the redelivery is a duplicate)", n)
	}
	if n := h.count(`SELECT count(*) FROM messages WHERE from_address = 'els@example.org' AND case_id IS NOT NULL
		AND array_to_string(warnings, ' ') LIKE '%was stored before for another mail%'`); n != 1 {
		t.Errorf("the other mail is not stored with a case and a warning")
	}
	for _, addr := range []string{"jan@example.nl", "els@example.org"} {
		if n := h.count(`SELECT count(*) FROM outbox WHERE kind = 'ack' AND status = 'sent' AND rcpt = ARRAY[$1]`, addr); n != 1 {
			t.Errorf("%s got %d acknowledgements, want 1", addr, n)
		}
	}
	if n := h.folder("Processed"); n != 4 {
		t.Errorf("%d mails in Processed, want 4", n)
	}
	h.ackedOnce(1)
}

// nested is a complaint whose text sits depth multipart levels deep.
func nested(depth int) string {
	var b strings.Builder
	b.WriteString("From: Diep Genest <diep@example.nl>\nTo: klachten@gemeente.example\nSubject: Geluidsoverlast kermis\n" +
		"Date: Mon, 2 Nov 2026 08:00:00 +0100\nMessage-ID: <deep@example.nl>\nMIME-Version: 1.0\n")
	for i := range depth {
		fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=\"b%d\"\n\n--b%d\n", i, i)
	}
	b.WriteString("Content-Type: text/plain; charset=utf-8\n\nDe kermis draait elke nacht tot drie uur.\n")
	for i := depth - 1; i >= 0; i-- {
		fmt.Fprintf(&b, "--b%d--\n", i)
	}
	return b.String()
}

// manyParts is a complaint with n attachments.
func manyParts(n int) string {
	var b strings.Builder
	b.WriteString("From: Veel Bijlagen <veel@example.nl>\nTo: klachten@gemeente.example\nSubject: Foto's van de wateroverlast\n" +
		"Date: Mon, 2 Nov 2026 08:00:00 +0100\nMessage-ID: <parts@example.nl>\nMIME-Version: 1.0\n" +
		"Content-Type: multipart/mixed; boundary=\"P\"\n\n--P\nContent-Type: text/plain\n\nZie de foto's.\n")
	for i := range n {
		fmt.Fprintf(&b, "--P\nContent-Type: text/plain; name=\"f%d.txt\"\nContent-Disposition: attachment; filename=\"f%d.txt\"\n\nfoto %d\n", i, i, i)
	}
	b.WriteString("--P--\n")
	return b.String()
}

// A complaint over the depth, part or size limit still opens a case: for
// review, acknowledged, with what could not be read in an event and at the
// top of the handler's notification, and the raw mail attached when it is
// whole. It moves to Processed (issue 9 §1, "Over a limit, still a case").
func TestOverLimitComplaintStillOpensACase(t *testing.T) {
	tests := []struct {
		name, raw, sender string
		env               []string
		attached          bool
		what              string
	}{
		{"30 levels deep, limit 20", nested(30), "diep@example.nl", []string{"KLACHTD_LIMITS_MAX_MIME_DEPTH", "20"}, true, "depth"},
		{"over the part limit", manyParts(12), "veel@example.nl", []string{"KLACHTD_LIMITS_MAX_PARTS", "5"}, true, "part"},
		{"over the size limit", strings.Replace(complaint, "<complaint-1@", "<big-1@", 1) + strings.Repeat("Een heel lange klacht.\n", 200),
			"jan@example.nl", []string{"KLACHTD_LIMITS_MAX_MESSAGE_BYTES", "2000"}, false, "bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, tt.env...)
			h.withHandler("")
			h.deliver(tt.raw, atMinute(0))
			h.deliver(ordinary(1), atMinute(1))
			h.runOnce()
			if n := h.count(`SELECT count(*) FROM cases WHERE needs_review AND complainant_address = $1`, tt.sender); n != 1 {
				t.Fatalf("%d review cases for the mail over the limit, want 1", n)
			}
			if n := h.count(`SELECT count(*) FROM outbox WHERE kind = 'ack' AND status = 'sent' AND rcpt = ARRAY[$1]`, tt.sender); n != 1 {
				t.Errorf("%d acknowledgements to the complainant, want 1", n)
			}
			if n := h.count(`SELECT count(*) FROM case_events WHERE kind = 'not_read' AND detail->>'what' LIKE '%' || $1 || '%'`, tt.what); n != 1 {
				t.Errorf("no not_read event naming the %s limit", tt.what)
			}
			var note string
			for _, m := range h.sentSince(0) {
				if m.kind == "notify" && m.rcpt[0] == handlerAddr && strings.Contains(decodeQP(m.body), "Deze mail kon niet helemaal worden gelezen") {
					note = m.body
				}
			}
			if note == "" {
				t.Fatal("the handler's notification does not say what could not be read")
			}
			if got := strings.Contains(note, `filename="oorspronkelijke-mail.eml"`); got != tt.attached {
				t.Errorf("raw mail attached = %v, want %v", got, tt.attached)
			}
			if q, p := h.folder("Quarantine"), h.folder("Processed"); q != 0 || p != 2 {
				t.Errorf("Quarantine %d, Processed %d; want 0, 2", q, p)
			}
			h.ackedOnce(1)
		})
	}
}

// A valid quoted local part is kept quoted in the header and the envelope,
// and the complaint is acknowledged; an address no quoting can save opens
// the case without an acknowledgement instead of failing the transaction.
func TestQuotedLocalPartIsAcknowledged(t *testing.T) {
	h := newHarness(t)
	h.deliver(strings.Replace(complaint, "<jan@example.nl>", `<"jan de vries"@example.nl>`, 1), atMinute(0))
	h.deliver(strings.NewReplacer("Jan de Vries <jan@example.nl>", "Kapot <kapot@exa mple.nl>",
		"<complaint-1@", "<broken-addr@").Replace(complaint), atMinute(1))
	h.deliver(ordinary(1), atMinute(2))
	h.runOnce()
	var ack *sent
	for _, m := range h.sentSince(0) {
		if m.kind == "ack" && strings.Contains(m.rcpt[0], "vries") {
			ack = &m
		}
	}
	if ack == nil {
		t.Fatalf("no acknowledgement to the quoted address; sent: %s", kinds(h.sentSince(0)))
	}
	// The capture server hands over the envelope address unquoted; the
	// outbox row holds what went into RCPT TO.
	if n := h.count(`SELECT count(*) FROM outbox WHERE kind = 'ack' AND status = 'sent' AND rcpt = ARRAY['"jan de vries"@example.nl']`); n != 1 ||
		!strings.Contains(ack.msg.Header.Get("To"), `<"jan de vries"@example.nl>`) {
		t.Errorf("envelope %v, To %q: the quoting is lost", ack.rcpt, ack.msg.Header.Get("To"))
	}
	if n := h.count(`SELECT count(*) FROM cases c JOIN case_events e ON e.case_id = c.id
		WHERE c.needs_review AND e.kind = 'ack_withheld' AND e.detail->>'reasons' LIKE '%cannot be used%'`); n != 1 {
		t.Errorf("the unusable address did not open a review case with the reason recorded")
	}
	if n := h.count(`SELECT count(*) FROM messages WHERE quarantined`); n != 0 {
		t.Errorf("%d mails quarantined", n)
	}
	h.ackedOnce(1)
}

// NUL bytes in a subject, a name, a body or a Message-ID reach PostgreSQL
// cleaned: nothing fails, nothing waits.
func TestNULBytesDoNotStallTheQueue(t *testing.T) {
	tests := []struct{ name, old, new string }{
		{"subject", "Subject: Overlast bouwplaats", "Subject: =?utf-8?q?hallo=00daar?="},
		{"From name", "From: Jan de Vries <jan@example.nl>", "From: =?utf-8?q?Jan=00_de_Vries?= <jan@example.nl>"},
		{"body", "Sinds drie weken", "Sinds\x00drie weken"},
		{"Message-ID", "<complaint-1@example.nl>", "<complaint\x00-1@example.nl>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.withHandler("")
			h.deliver(strings.Replace(complaint, tt.old, tt.new, 1), atMinute(0))
			h.deliver(ordinary(1), atMinute(1))
			h.runOnce()
			if n := h.count(`SELECT count(*) FROM cases WHERE complainant_address = 'jan@example.nl' AND NOT needs_review`); n != 1 {
				t.Errorf("%d cases for the mail with a NUL byte, want 1", n)
			}
			if n := h.count(`SELECT count(*) FROM outbox WHERE kind = 'ack' AND status = 'sent' AND rcpt = '{jan@example.nl}'`); n != 1 {
				t.Errorf("%d acknowledgements, want 1", n)
			}
			if n := h.count(`SELECT count(*) FROM messages WHERE position(E'\\x00' in raw) > 0`); n != map[bool]int{true: 1}[tt.name == "body" || tt.name == "Message-ID"] {
				t.Errorf("%d raw mails with the NUL byte kept: raw bytes must stay raw", n)
			}
			if h.folder("INBOX") != 0 || h.folder("Quarantine") != 0 {
				t.Errorf("INBOX %d, Quarantine %d; want both empty", h.folder("INBOX"), h.folder("Quarantine"))
			}
			h.ackedOnce(1)
		})
	}
}

// markFirstDead marks the first mail in INBOX as the one a previous process
// died on, attempts times (markDead).
func (h *harness) markFirstDead(attempts int) {
	h.t.Helper()
	msgs, err := h.imap.List("INBOX")
	if err != nil {
		h.t.Fatal(err)
	}
	st, err := h.imap.User.Status("INBOX", &imap.StatusOptions{UIDValidity: true})
	if err != nil {
		h.t.Fatal(err)
	}
	h.markDead(st.UIDValidity, uint32(msgs[0].UID), attempts)
}

// A mail the process died on (panic, out of memory, SIGKILL: simulated by the
// in-hand row it leaves) is not parsed again: it is stored raw with the safe
// header read and opens a case for review; the queue goes on.
func TestMailThatKilledTheProcessTakesTheSafePath(t *testing.T) {
	h := newHarness(t)
	h.withHandler("")
	h.deliver(nested(30), atMinute(0))
	h.deliver(ordinary(1), atMinute(1))
	// The previous process marked the first mail in hand and died.
	h.markFirstDead(1)
	h.runOnce()
	if n := h.count(`SELECT count(*) FROM messages WHERE message_id = 'deep@example.nl' AND subject = 'Geluidsoverlast kermis'
		AND array_to_string(warnings, ' ') LIKE '%safe header read%'`); n != 1 {
		t.Errorf("the mail is not stored with the safe header read")
	}
	if n := h.count(`SELECT count(*) FROM case_events WHERE kind = 'not_read' AND (detail->>'safe_header_read')::boolean`); n != 1 {
		t.Errorf("no not_read event for the safe path")
	}
	if n := h.count(`SELECT count(*) FROM cases WHERE needs_review AND complainant_address = 'diep@example.nl'`); n != 1 {
		t.Errorf("no review case for the mail")
	}
	if n := h.count(`SELECT count(*) FROM mails_in_hand`); n != 0 {
		t.Errorf("%d mails left in hand", n)
	}
	if h.folder("INBOX") != 0 {
		t.Error("mails left in INBOX")
	}
	h.ackedOnce(1)
}

// The managers' digest lists the cases for review and counts the mail
// stored without a case, by kind; `cases list --review` lists the first.
func TestDigestAndListShowReviewAndCaselessMail(t *testing.T) {
	h := newHarness(t, "KLACHTD_LIMITS_MAX_MIME_DEPTH", "20")
	h.withHandler("")
	h.deliver(nested(30), atMinute(0))
	h.deliver(outOfOffice, atMinute(1))
	h.deliver(ordinary(1), atMinute(2))
	h.runOnce()
	h.d.Sweeper.SetStaff(schedule.Staff{Managers: []outbox.Address{{Name: "Manager", Address: "manager@gemeente.example"}}})
	h.d.SweepOnce = true
	h.runOnce()
	var digest string
	for _, m := range h.smtp.Mails() {
		if m.Rcpt[0] == "manager@gemeente.example" {
			digest = decodeQP(string(m.Data))
		}
	}
	for _, want := range []string{"Zonder dossier opgeslagen sinds het vorige overzicht (1, per soort)", "- auto_reply: 1", "Geluidsoverlast kermis", "[beoordelen]"} {
		if !strings.Contains(digest, want) {
			t.Errorf("the digest lacks %q:\n%s", want, digest)
		}
	}
	t.Setenv("KLACHTD_DATABASE_URL", h.cfg.Database.URL)
	var out, errOut strings.Builder
	if code := run(context.Background(), []string{"cases", "list", "--review", "--json"}, nil, &out, &errOut); code != 0 {
		t.Fatalf("cases list --review: exit %d\n%s", code, errOut.String())
	}
	var rows []caseRow
	if err := json.Unmarshal([]byte(out.String()), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Complainant != "diep@example.nl" || !rows[0].NeedsReview {
		t.Fatalf("cases list --review = %+v, want only the review case", rows)
	}
	if rs := strings.Join(rows[0].ReviewReasons, "; "); !strings.Contains(rs, "depth") {
		t.Errorf("review_reasons = %q, want what could not be read", rs)
	}
}

// A mail the process died on that has no usable sender goes to quarantine,
// without a case; the queue goes on.
func TestMailThatKilledTheProcessWithoutSenderIsQuarantined(t *testing.T) {
	h := newHarness(t)
	h.deliver(strings.Replace(nested(30), "From: Diep Genest <diep@example.nl>", "From: Diep Genest", 1), atMinute(0))
	h.deliver(ordinary(1), atMinute(1))
	h.markFirstDead(2)
	h.runOnce()
	if n := h.count(`SELECT count(*) FROM messages WHERE quarantined AND case_id IS NULL AND message_id = 'deep@example.nl'`); n != 1 {
		t.Errorf("the mail without a sender is not in quarantine")
	}
	if q, p := h.folder("Quarantine"), h.folder("Processed"); q != 1 || p != 1 {
		t.Errorf("Quarantine %d, Processed %d; want 1, 1", q, p)
	}
	h.ackedOnce(1)
}

// Quarantine (called by the mailbox after Handle failed MaxAttempts times)
// stores a minimal row that cannot fail on the mail's content.
func TestQuarantineRowCannotFailOnContent(t *testing.T) {
	h := newHarness(t)
	raw := "From: =?utf-8?q?Jan=00?= <jan@example.nl>\r\nSubject: =?utf-8?q?hallo=00daar?=\r\nMessage-ID: <q\x00@example.nl>\r\n" +
		"X-Odd: \xff\xfe\r\n\r\nbody\x00\xff\r\n"
	m := mailbox.Mail{Mailbox: "INBOX", UIDValidity: 1, UID: 7, InternalDate: h.now, Raw: []byte(raw), Size: int64(len(raw))}
	if err := h.d.Intake.Quarantine(context.Background(), m, fmt.Errorf("handler panicked: \x00boom")); err != nil {
		t.Fatalf("Quarantine: %v", err)
	}
	if n := h.count(`SELECT count(*) FROM messages WHERE quarantined AND subject = 'hallodaar' AND message_id = 'q@example.nl'
		AND from_address = 'jan@example.nl' AND raw = $1`, []byte(raw)); n != 1 {
		t.Error("the quarantine row is not stored cleaned, with the raw bytes kept")
	}
	if cp, err := h.d.Intake.Checkpoint(context.Background(), "INBOX"); err != nil || cp.LastUID != 7 {
		t.Errorf("checkpoint %+v, %v; want uid 7", cp, err)
	}
}
