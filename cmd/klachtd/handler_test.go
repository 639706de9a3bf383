package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/cases"
	"github.com/klachtd/klachtd/internal/config"
	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/store"
)

const handlerAddr = "behandelaar@gemeente.example"

// withHandler configures one handler (and a trusted receiving host when given).
func (h *harness) withHandler(trusted string) {
	h.cfg.Handlers = []config.Handler{{Name: "Bea Handel", Address: handlerAddr, Default: true}}
	h.cfg.Intake.TrustedAuthServID = trusted
	h.d.Intake.SetPeople(cases.PeopleFromConfig(h.cfg))
}

// sent is one captured outgoing mail, parsed, with its outbox kind.
type sent struct {
	kind string
	msg  *mail.Message
	body string
	rcpt []string
}

// sentSince returns the mails sent after the first n, by outbox kind.
func (h *harness) sentSince(n int) []sent {
	h.t.Helper()
	var out []sent
	for _, r := range h.smtp.Mails()[n:] {
		m := mustParse(h.t, r.Data)
		id := strings.Trim(m.Header.Get("Message-Id"), "<>")
		out = append(out, sent{kind: strings.Split(id, ".")[1], msg: m, body: string(r.Data), rcpt: r.Rcpt})
	}
	return out
}

func kinds(ms []sent) string {
	var ks []string
	for _, m := range ms {
		ks = append(ks, m.kind+"→"+strings.Join(m.rcpt, ","))
	}
	return strings.Join(ks, " ")
}

func (h *harness) caseByRef(ref string) *store.Case {
	h.t.Helper()
	c, err := h.d.Store.CaseByRef(context.Background(), ref)
	if err != nil {
		h.t.Fatal(err)
	}
	return c
}

func (h *harness) eventKinds(ref string) []string {
	h.t.Helper()
	evs, err := h.d.Store.Events(context.Background(), h.caseByRef(ref).ID)
	if err != nil {
		h.t.Fatal(err)
	}
	var ks []string
	for _, e := range evs {
		ks = append(ks, e.Kind)
	}
	return ks
}

// handlerReply writes a reply from the handler to the given mail.
func handlerReply(id int, to, cc, inReplyTo, subject, text string, extra ...string) string {
	hdr := fmt.Sprintf("From: Bea Handel <%s>\nTo: %s\n", handlerAddr, to)
	if cc != "" {
		hdr += "Cc: " + cc + "\n"
	}
	for _, e := range extra {
		hdr += e + "\n"
	}
	return hdr + fmt.Sprintf("Subject: RE: %s\nDate: Tue, 3 Nov 2026 10:00:00 +0100\nMessage-ID: <handler-%d@gemeente.example>\n"+
		"In-Reply-To: <%s>\nReferences: <%s>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n%s\n"+
		"\nOp 2 nov. 2026 schreef Klachtenmeldpunt:\n> Er is een klacht voor u binnengekomen.\n> Sinds drie weken begint de bouwplaats\n",
		subject, id, inReplyTo, inReplyTo, text)
}

func messageID(m sent) string { return strings.Trim(m.msg.Header.Get("Message-Id"), "<>") }

// The whole life of one case, handled by a handler who only uses a mail client.
func TestCaseFromArrivalToClosureByMail(t *testing.T) {
	h := newHarness(t)
	h.withHandler("")
	day := func(d, hour int) time.Time { return time.Date(2026, 11, d, hour, 0, 0, 0, deadline.Location()) }
	const ref = "KL-2026-000001"

	// 1. The complaint: an acknowledgement to the complainant, a notification to the handler.
	h.deliver(complaint, day(2, 8))
	h.runOnce()
	first := h.sentSince(0)
	if kinds(first) != "ack→jan@example.nl notify→"+handlerAddr && kinds(first) != "notify→"+handlerAddr+" ack→jan@example.nl" {
		t.Fatalf("after the complaint: %s", kinds(first))
	}
	var notify sent
	for _, m := range first {
		if m.kind == "notify" {
			notify = m
		}
	}
	if got := notify.msg.Header.Get("Reply-To"); !strings.Contains(got, "klachten@gemeente.example") {
		t.Errorf("notification Reply-To = %q, want the intake address", got)
	}
	if s := notify.msg.Header.Get("Subject"); !strings.Contains(s, "["+ref+"]") {
		t.Errorf("notification subject %q lacks the reference", s)
	}
	for _, want := range []string{"half zes met heien", "#verleng", "14 december 2026"} {
		if !strings.Contains(decodeQP(notify.body), want) {
			t.Errorf("notification lacks %q", want)
		}
	}

	// 2. The handler answers the notification: relayed to the complainant, threaded on the complaint.
	h.now = day(3, 10)
	h.deliver(handlerReply(1, "klachten@gemeente.example", "", messageID(notify), "[KL-2026-000001] Nieuwe klacht",
		"Beste heer De Vries,\n\nWij hebben de aannemer gesproken; vanaf morgen wordt pas om zeven uur begonnen."), h.now)
	h.runOnce()
	relay := h.sentSince(2)
	if kinds(relay) != "relay→jan@example.nl" {
		t.Fatalf("after the handler's answer: %s", kinds(relay))
	}
	r := relay[0]
	if from, _ := mail.ParseAddress(r.msg.Header.Get("From")); from == nil || from.Address != "klachten@gemeente.example" {
		t.Errorf("relay From = %q, want the intake address", r.msg.Header.Get("From"))
	}
	if got := r.msg.Header.Get("In-Reply-To"); got != "<complaint-1@example.nl>" {
		t.Errorf("relay In-Reply-To = %q, want the complainant's mail", got)
	}
	body := decodeQP(r.body)
	if !strings.Contains(body, "vanaf morgen wordt pas om zeven uur begonnen") {
		t.Errorf("relay lacks the handler's text:\n%s", body)
	}
	if strings.Contains(body, "Er is een klacht voor u binnengekomen") || strings.Contains(body, handlerAddr) {
		t.Errorf("relay leaks the quoted history or the handler's address:\n%s", body)
	}
	if c := h.caseByRef(ref); c.Status != store.StatusAnswered {
		t.Errorf("status after the answer = %s, want beantwoord", c.Status)
	}

	// 3. The complainant writes back on the relayed answer: forwarded to the handler, no new acknowledgement.
	h.now = day(4, 9)
	h.deliver(fmt.Sprintf("From: Jan de Vries <jan@example.nl>\nTo: klachten@gemeente.example\nSubject: Re: [%s] Overlast bouwplaats\n"+
		"Date: Wed, 4 Nov 2026 08:00:00 +0100\nMessage-ID: <followup-1@example.nl>\nIn-Reply-To: <%s>\nReferences: <complaint-1@example.nl> <%s>\n"+
		"Content-Type: text/plain; charset=utf-8\n\nVanochtend begonnen ze weer om zes uur.\n", ref, messageID(r), messageID(r)), h.now)
	h.runOnce()
	fwd := h.sentSince(3)
	if kinds(fwd) != "forward→"+handlerAddr {
		t.Fatalf("after the follow-up: %s", kinds(fwd))
	}
	if !strings.Contains(decodeQP(fwd[0].body), "weer om zes uur") {
		t.Errorf("forward lacks the follow-up text")
	}

	// 4. #verleng: an extension notice to the complainant and a confirmation to the handler.
	h.now = day(10, 9)
	h.deliver(handlerReply(2, "klachten@gemeente.example", "", messageID(fwd[0]), "[KL-2026-000001] Reactie",
		"#verleng 4w wij wachten op het advies van de omgevingsdienst"), h.now)
	h.runOnce()
	ext := h.sentSince(4)
	if !sameKinds(ext, "extension→jan@example.nl", "confirm→"+handlerAddr) {
		t.Fatalf("after #verleng: %s", kinds(ext))
	}
	c := h.caseByRef(ref)
	// 14 December 2026 + 4 weeks = Monday 11 January 2027.
	if c.DecisionDue.String() != "2027-01-11" || c.Extensions != 1 {
		t.Errorf("after #verleng: due %s, extensions %d; want 2027-01-11, 1", c.DecisionDue, c.Extensions)
	}
	for _, m := range ext {
		if m.kind == "extension" && !strings.Contains(decodeQP(m.body), "omgevingsdienst") {
			t.Errorf("extension notice lacks the reason")
		}
	}

	// 5. #sluit gegrond with the reasoning (the hearing waived): a decision letter, case closed, confirmed.
	h.now = day(20, 9)
	h.deliver(handlerReply(3, "klachten@gemeente.example", "", messageID(fwd[0]), "[KL-2026-000001] Reactie",
		"#geen-hoorzitting klager wil niet gehoord worden\n#sluit gegrond\n\nBeste heer De Vries,\n\nUw klacht is gegrond. De aannemer heeft een waarschuwing gekregen."), h.now)
	h.runOnce()
	closing := h.sentSince(6)
	if !sameKinds(closing, "decision→jan@example.nl", "confirm→"+handlerAddr) {
		t.Fatalf("after #sluit: %s", kinds(closing))
	}
	for _, m := range closing {
		if m.kind == "decision" && (strings.Contains(m.body, "#sluit") || !strings.Contains(decodeQP(m.body), "Nationale ombudsman")) {
			t.Errorf("the decision letter shows the command or lacks the recourse:\n%s", decodeQP(m.body))
		}
	}
	c = h.caseByRef(ref)
	if c.Status != store.StatusClosed || c.Outcome.String != "gegrond" || !c.ClosedAt.Valid {
		t.Errorf("after #sluit: status %s outcome %q closed %v", c.Status, c.Outcome.String, c.ClosedAt.Valid)
	}
	want := []string{"opened", "ack_queued", "handler_notified",
		"answered", "answer_relayed",
		"followup_received", "followup_forwarded",
		"extended", "extension_notice_queued", "handler_confirmed",
		"hearing_waived", "closed", "decision_sent", "decision_queued", "handler_confirmed"}
	if got := h.eventKinds(ref); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("audit trail:\n got %v\nwant %v", got, want)
	}
	if n := h.count(`SELECT count(*) FROM outbox WHERE kind = 'ack'`); n != 1 {
		t.Errorf("%d acknowledgements, want 1", n)
	}

	// The operator reads the story back.
	t.Setenv("KLACHTD_DATABASE_URL", h.cfg.Database.URL)
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"cases", "show", ref}, nil, &out, &errOut); code != 0 {
		t.Fatalf("cases show exited %d: %s", code, errOut.String())
	}
	for _, want := range []string{"gesloten (gegrond)", "decision due  2027-01-11 (extended 1×",
		"mail in    complaint from jan@example.nl", "mail out   relay to jan@example.nl", "mail out   extension to jan@example.nl",
		"extended", "closed"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("cases show lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	if code := run(context.Background(), []string{"cases", "list", "--json"}, nil, &out, &errOut); code != 0 {
		t.Fatalf("cases list exited %d: %s", code, errOut.String())
	}
	var rows []caseRow
	if err := json.Unmarshal(out.Bytes(), &rows); err != nil || len(rows) != 1 || rows[0].Ref != ref || rows[0].Outcome != "gegrond" {
		t.Errorf("cases list --json = %s (%v)", out.String(), err)
	}

	// The yearly register (Awb 9:12a) can be published as it is: no personal data.
	out.Reset()
	if code := run(context.Background(), []string{"register", "--year", "2026", "--csv"}, nil, &out, &errOut); code != 0 {
		t.Fatalf("register exited %d: %s", code, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	wantLine := "1,2026-11,(geen categorie),e-mail,awb,gesloten,gegrond,2026-11,18,true,true,0,0,0"
	if len(lines) != 2 || lines[1] != wantLine {
		t.Errorf("register --csv:\n%s\nwant the line\n%s", out.String(), wantLine)
	}
	if strings.Contains(out.String(), "jan@example.nl") || strings.Contains(out.String(), "Overlast") {
		t.Errorf("the register shows personal data:\n%s", out.String())
	}
}

func TestHandlerAnsweringDirectlyIsRecordedNotRelayed(t *testing.T) {
	h := newHarness(t)
	h.withHandler("")
	h.deliver(complaint, time.Date(2026, 11, 2, 8, 0, 0, 0, deadline.Location()))
	h.runOnce()
	h.deliver(handlerReply(1, "Jan de Vries <jan@example.nl>", "klachten@gemeente.example", "complaint-1@example.nl",
		"[KL-2026-000001] Overlast bouwplaats", "Beste heer De Vries, ik bel u morgen."), time.Date(2026, 11, 3, 10, 0, 0, 0, deadline.Location()))
	h.runOnce()
	if got := h.sentSince(2); len(got) != 0 {
		t.Errorf("mails sent after a direct answer: %s", kinds(got))
	}
	evs := h.eventKinds("KL-2026-000001")
	if evs[len(evs)-1] != "answered_directly" {
		t.Errorf("last event %q, want answered_directly", evs[len(evs)-1])
	}
	if c := h.caseByRef("KL-2026-000001"); c.Status != store.StatusAnswered {
		t.Errorf("status %s, want beantwoord", c.Status)
	}
}

func TestUnknownCommandAppliesNothing(t *testing.T) {
	h := newHarness(t)
	h.withHandler("")
	h.deliver(complaint, time.Date(2026, 11, 2, 8, 0, 0, 0, deadline.Location()))
	h.runOnce()
	before := h.caseByRef("KL-2026-000001")
	h.deliver(handlerReply(1, "klachten@gemeente.example", "", "complaint-1@example.nl", "[KL-2026-000001] x",
		"#categorie geluid\n#verwijder alles\n\nBeste heer De Vries, dit is opgelost."), time.Date(2026, 11, 3, 10, 0, 0, 0, deadline.Location()))
	h.runOnce()
	got := h.sentSince(2)
	if kinds(got) != "confirm→"+handlerAddr {
		t.Fatalf("after an unknown command: %s", kinds(got))
	}
	body := decodeQP(got[0].body)
	for _, want := range []string{"#verwijder alles", "onbekende opdracht", "NIET verwerkt"} {
		if !strings.Contains(body, want) {
			t.Errorf("confirmation lacks %q:\n%s", want, body)
		}
	}
	after := h.caseByRef("KL-2026-000001")
	if after.Category != before.Category || after.Status != before.Status {
		t.Errorf("the valid #categorie was applied although another command was bad: %q %s", after.Category, after.Status)
	}
}

func TestForgedHandlerMailIsRefused(t *testing.T) {
	h := newHarness(t)
	h.withHandler("mx.gemeente.example")
	h.deliver(complaint, time.Date(2026, 11, 2, 8, 0, 0, 0, deadline.Location()))
	h.runOnce()
	// Someone else's server claims a pass; our own receiving host says fail.
	h.deliver(handlerReply(1, "klachten@gemeente.example", "", "complaint-1@example.nl", "[KL-2026-000001] x",
		"#geen-hoorzitting klager wil niet gehoord worden\n#sluit ongegrond\n\nUw klacht is ongegrond.",
		"Authentication-Results: mx.attacker.example; dkim=pass header.d=gemeente.example",
		"Authentication-Results: mx.gemeente.example; dkim=fail header.d=gemeente.example; spf=softfail smtp.mailfrom=gemeente.example"),
		time.Date(2026, 11, 3, 10, 0, 0, 0, deadline.Location()))
	h.runOnce()
	got := h.sentSince(2)
	if kinds(got) != "confirm→"+handlerAddr {
		t.Fatalf("after a forged command: %s", kinds(got))
	}
	if c := h.caseByRef("KL-2026-000001"); c.Status == store.StatusClosed {
		t.Errorf("a forged #sluit closed the case")
	}
	evs := h.eventKinds("KL-2026-000001")
	if evs[len(evs)-2] != "handler_mail_refused" {
		t.Errorf("events %v, want handler_mail_refused", evs)
	}

	// The same mail with a pass from our own host is accepted.
	h.deliver(strings.Replace(handlerReply(2, "klachten@gemeente.example", "", "complaint-1@example.nl", "[KL-2026-000001] x",
		"#geen-hoorzitting klager wil niet gehoord worden\n#sluit ongegrond\n\nUw klacht is ongegrond.",
		"Authentication-Results: mx.gemeente.example; dkim=pass header.d=gemeente.example"), "handler-2@", "handler-2b@", 1),
		time.Date(2026, 11, 3, 11, 0, 0, 0, deadline.Location()))
	h.runOnce()
	if c := h.caseByRef("KL-2026-000001"); c.Status != store.StatusClosed {
		t.Errorf("an authenticated #sluit did not close the case: %s", c.Status)
	}
}

// A mail from the complainant to a closed case is recorded and forwarded;
// the case stays closed (issue 13, point 8). Reopening is the handler's
// #heropen.
func TestMailToClosedCaseIsForwardedNotReopened(t *testing.T) {
	h := newHarness(t)
	h.withHandler("")
	h.deliver(complaint, time.Date(2026, 11, 2, 8, 0, 0, 0, deadline.Location()))
	h.runOnce()
	h.deliver(handlerReply(1, "klachten@gemeente.example", "", "complaint-1@example.nl", "[KL-2026-000001] x",
		"#sluit informeel\n"), time.Date(2026, 11, 3, 10, 0, 0, 0, deadline.Location()))
	h.runOnce()
	n := len(h.smtp.Mails())
	// A manager answering an escalation does not reopen it; the handler sees who wrote.
	h.deliver("From: Manager <manager@gemeente.example>\nTo: klachten@gemeente.example\nSubject: RE: [KL-2026-000001] Escalatie\n"+
		"Date: Mon, 9 Nov 2026 08:00:00 +0100\nMessage-ID: <mgr@gemeente.example>\nContent-Type: text/plain\n\nIs dit afgehandeld?\n",
		time.Date(2026, 11, 9, 8, 0, 0, 0, deadline.Location()))
	h.runOnce()
	got := h.sentSince(n)
	if kinds(got) != "forward→"+handlerAddr || !strings.Contains(got[0].msg.Header.Get("Subject"), "Mail van") {
		t.Errorf("after a manager's mail: %s %q", kinds(got), got[0].msg.Header.Get("Subject"))
	}
	if c := h.caseByRef("KL-2026-000001"); c.Status != store.StatusClosed {
		t.Errorf("a manager's mail reopened the case: %s", c.Status)
	}
	n = len(h.smtp.Mails())
	// Apple Mail dropped the References; the reference in the subject still threads.
	h.deliver("From: Jan de Vries <jan@example.nl>\nTo: klachten@gemeente.example\nSubject: Re: [KL-2026-000001] Overlast bouwplaats\n"+
		"Date: Mon, 16 Nov 2026 08:00:00 +0100\nMessage-ID: <again@example.nl>\nContent-Type: text/plain\n\nHet is weer begonnen.\n",
		time.Date(2026, 11, 16, 8, 0, 0, 0, deadline.Location()))
	h.runOnce()
	if got := h.sentSince(n); kinds(got) != "forward→"+handlerAddr {
		t.Errorf("after a mail to a closed case: %s", kinds(got))
	}
	c := h.caseByRef("KL-2026-000001")
	if c.Status != store.StatusClosed || !c.Outcome.Valid || !c.ClosedAt.Valid {
		t.Errorf("a mail to a closed case reopened it: %s %v %v", c.Status, c.Outcome, c.ClosedAt)
	}
	if n := h.count(`SELECT count(*) FROM cases`); n != 1 {
		t.Errorf("%d cases; a mail to a closed case must not open a new one", n)
	}
	evs := h.eventKinds("KL-2026-000001")
	if !strings.Contains(strings.Join(evs, " "), "mail_received followup_forwarded mail_after_closing followup_forwarded") {
		t.Errorf("events %v lack the mail after closing", evs)
	}

	// The handler reopens it: the old due date stays (awb: reopen_new_term off).
	n = len(h.smtp.Mails())
	h.deliver(handlerReply(2, "klachten@gemeente.example", "", "again@example.nl", "[KL-2026-000001] x",
		"#heropen de overlast is terug"), time.Date(2026, 11, 16, 10, 0, 0, 0, deadline.Location()))
	h.runOnce()
	if got := h.sentSince(n); kinds(got) != "confirm→"+handlerAddr {
		t.Errorf("after #heropen: %s", kinds(got))
	}
	c = h.caseByRef("KL-2026-000001")
	if c.Status != store.StatusInProgress || c.Outcome.Valid || c.ClosedAt.Valid || c.DecisionDue.String() != "2026-12-14" {
		t.Errorf("after #heropen: %s %v %v due %s", c.Status, c.Outcome, c.ClosedAt, c.DecisionDue)
	}
}

func sameKinds(ms []sent, want ...string) bool {
	if len(ms) != len(want) {
		return false
	}
	got := strings.Split(kinds(ms), " ")
	for _, w := range want {
		found := false
		for i, g := range got {
			if g == w {
				got[i], found = "", true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// decodeQP undoes quoted-printable soft breaks and the few escapes the
// templates produce, enough to search a sent body for text.
func decodeQP(s string) string {
	s = strings.ReplaceAll(s, "=\r\n", "")
	return strings.NewReplacer("=C3=B3", "ó", "=3D", "=", "\r\n", "\n").Replace(s)
}

// Awb 9:11 lid 2: an extension is told to the complainant and to the person
// the complaint is about, once the handler has named them.
func TestExtensionIsToldToTheRespondentToo(t *testing.T) {
	h := newHarness(t)
	h.withHandler("")
	h.deliver(complaint, time.Date(2026, 11, 2, 8, 0, 0, 0, deadline.Location()))
	h.runOnce()
	h.now = time.Date(2026, 11, 20, 10, 0, 0, 0, deadline.Location())
	h.deliver(handlerReply(1, "klachten@gemeente.example", "", "complaint-1@example.nl", "[KL-2026-000001] x",
		"#beklaagde Afdeling Toezicht toezicht@gemeente.example\n#verleng 3w het toezicht moet eerst ter plaatse kijken"), h.now)
	h.runOnce()
	got := h.sentSince(2)
	if !sameKinds(got, "extension→jan@example.nl", "extension_respondent→toezicht@gemeente.example", "respondent_copy→toezicht@gemeente.example", "confirm→"+handlerAddr) {
		t.Fatalf("after #beklaagde and #verleng: %s", kinds(got))
	}
	for _, m := range got {
		if m.kind == "extension_respondent" && !strings.Contains(decodeQP(m.body), "9:11") {
			t.Errorf("the respondent's notice does not say why it is sent")
		}
	}
	if c := h.caseByRef("KL-2026-000001"); c.RespondentAddress != "toezicht@gemeente.example" || c.RespondentName != "Afdeling Toezicht" {
		t.Errorf("respondent = %q <%s>", c.RespondentName, c.RespondentAddress)
	}
}

// A handler's answer (and an extension notice) on a case whose
// complainant's address cannot be used — the case opened for review
// without an acknowledgement — is not sent: each is recorded with the
// reason, the handler's confirmation says so, and the handler's mail is
// handled, not failed (it used to fail its transaction again and again).
// An ordinary complaint after it is acknowledged once.
func TestAnswerToAnUnusableAddressIsRecordedNotSent(t *testing.T) {
	h := newHarness(t)
	h.withHandler("")
	h.deliver(strings.NewReplacer("Jan de Vries <jan@example.nl>", "Kapot <kapot@exa mple.nl>").Replace(complaint), atMinute(0))
	h.runOnce()
	var notify sent
	for _, m := range h.sentSince(0) {
		if m.kind == "notify" {
			notify = m
		}
	}
	if notify.msg == nil {
		t.Fatalf("no notification; sent: %s", kinds(h.sentSince(0)))
	}
	before := len(h.sentSince(0))
	h.deliver(handlerReply(1, "klachten@gemeente.example", "", messageID(notify), "[KL-2026-000001] Nieuwe klacht",
		"#verleng 4w wij wachten op de aannemer\n\nBeste klager,\n\nWij nemen contact met u op."), atMinute(5))
	h.runOnce()
	if n := h.folder("INBOX"); n != 0 {
		t.Fatalf("%d mails left in INBOX: the handler's mail failed", n)
	}
	after := h.sentSince(before)
	if kinds(after) != "confirm→"+handlerAddr {
		t.Errorf("after the answer: %s, want only the confirmation to the handler", kinds(after))
	} else if body := decodeQP(after[0].body); !strings.Contains(body, "onbruikbaar") {
		t.Errorf("the confirmation does not say the answer was not sent:\n%s", body)
	}
	if n := h.count(`SELECT count(*) FROM case_events WHERE kind = 'answer_not_sent' AND detail->>'reason' LIKE '%cannot be used%'`); n != 1 {
		t.Errorf("%d answer_not_sent events with the reason, want 1", n)
	}
	if n := h.count(`SELECT count(*) FROM case_events WHERE kind = 'mail_not_sent' AND detail->>'kind' = 'extension'`); n != 1 {
		t.Errorf("%d mail_not_sent events for the extension notice, want 1", n)
	}
	h.deliver(ordinary(1), atMinute(10))
	h.runOnce()
	h.ackedOnce(1)
}
