package main

import (
	"fmt"
	"mime"
	"strings"
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/store"
)

// Issue 9, section 4: no forger obeyed, no one used as an amplifier. Every
// test ends with an ordinary mail that must still work exactly once.

const trustedMX = "mx.gemeente.example"

func at(day, hour, minute int) time.Time {
	return time.Date(2026, 11, day, hour, minute, 0, 0, deadline.Location())
}

// withFrom replaces the From line of a mail written by handlerReply.
func withFrom(raw, from string) string {
	_, rest, _ := strings.Cut(raw, "\n")
	return "From: " + from + "\n" + rest
}

// openCase delivers the ordinary complaint and returns how many mails went out.
func (h *harness) openCase() int {
	h.t.Helper()
	h.deliver(complaint, at(2, 8, 0))
	h.runOnce()
	return len(h.smtp.Mails())
}

// ordinaryComplaint delivers a fresh complaint from someone new and checks
// that it is acknowledged exactly once, to them.
func (h *harness) ordinaryComplaint(n int) {
	h.t.Helper()
	before := len(h.smtp.Mails())
	h.deliver(fmt.Sprintf("From: Karin Smit <karin%d@example.nl>\nTo: klachten@gemeente.example\nSubject: Losliggende stoeptegels\n"+
		"Message-ID: <ordinary-%d@example.nl>\nContent-Type: text/plain; charset=utf-8\n\nDe stoeptegels voor nummer 12 liggen los.\n", n, n), h.now)
	h.runOnce()
	acks := 0
	for _, m := range h.sentSince(before) {
		if m.kind == "ack" {
			acks++
			if len(m.rcpt) != 1 || m.rcpt[0] != fmt.Sprintf("karin%d@example.nl", n) {
				h.t.Errorf("the ordinary complaint's acknowledgement went to %v", m.rcpt)
			}
		}
	}
	if acks != 1 {
		h.t.Errorf("the ordinary complaint after the bad mail got %d acknowledgements, want 1", acks)
	}
}

// The reported forgery: a DKIM pass for the attacker's own domain, with our
// own host saying dmarc=fail, closed the case and relayed a phishing text.
func TestHandlerMailNeedsAnAlignedPass(t *testing.T) {
	h := newHarness(t)
	h.withHandler(trustedMX)
	n := h.openCase()
	forged := []string{
		"Authentication-Results: " + trustedMX + "; dkim=pass header.d=evil.example; dmarc=fail header.from=gemeente.example",
		"Authentication-Results: " + trustedMX + `; spf=pass smtp.mailfrom="x; dkim=pass header.d=gemeente.example"@evil.example`,
		"Authentication-Results: " + trustedMX + "; spf=pass smtp.mailfrom==?utf-8?q?a=3B_dkim=3Dpass_header.d=3Dgemeente.example_x=3D?=@evil.example",
	}
	for i, ar := range forged {
		h.deliver(handlerReply(10+i, "klachten@gemeente.example", "", "complaint-1@example.nl", "[KL-2026-000001] x",
			"#geen-hoorzitting klager wil niet gehoord worden\n#sluit ongegrond\n\nUw klacht is afgewezen. Claim uw schadevergoeding op https://phish.example/claim", ar), at(3, 10, i))
		h.runOnce()
	}
	got := h.sentSince(n)
	for _, m := range got {
		if m.kind != "confirm" || len(m.rcpt) != 1 || m.rcpt[0] != handlerAddr {
			t.Errorf("after forged handler mail: %s, want refusals to the handler only", kinds(got))
			break
		}
		if strings.Contains(decodeQP(m.body), "phish") || m.msg.Header.Get("In-Reply-To") != "" {
			t.Errorf("the refusal quotes or threads on the forged mail:\n%s", m.body)
		}
	}
	if len(got) != len(forged) {
		t.Errorf("%d refusals, want %d", len(got), len(forged))
	}
	if c := h.caseByRef("KL-2026-000001"); c.Status == store.StatusClosed {
		t.Fatal("a forged #sluit closed the case")
	}
	if n := h.count(`SELECT count(*) FROM case_events WHERE kind = 'handler_mail_refused'`); n != len(forged) {
		t.Errorf("%d handler_mail_refused events, want %d", n, len(forged))
	}

	// The handler's real mail: DMARC passes at our own host.
	n = len(h.smtp.Mails())
	h.deliver(handlerReply(20, "klachten@gemeente.example", "", "complaint-1@example.nl", "[KL-2026-000001] x",
		"#geen-hoorzitting klager wil niet gehoord worden\n#sluit ongegrond\n\nBeste heer De Vries, uw klacht is ongegrond.",
		"Authentication-Results: "+trustedMX+"; spf=fail smtp.mailfrom=gemeente.example; dkim=pass (2048-bit key; secure) header.d=gemeente.example; dmarc=pass (p=reject) header.from=gemeente.example"),
		at(3, 11, 0))
	h.runOnce()
	if got := h.sentSince(n); !sameKinds(got, "decision→jan@example.nl", "confirm→"+handlerAddr) {
		t.Errorf("after the authenticated answer: %s", kinds(got))
	}
	if c := h.caseByRef("KL-2026-000001"); c.Status != store.StatusClosed {
		t.Errorf("the authenticated #sluit did not close the case: %s", c.Status)
	}
	h.ordinaryComplaint(1)
}

// A second From mailbox would receive the confirmation; a Sender that is not
// the handler sends on their behalf. Both are refused, the refusal going to
// the configured handler only — even with no trusted host configured.
func TestHandlerMailNeedsOneFromMailbox(t *testing.T) {
	h := newHarness(t)
	h.withHandler("")
	n := h.openCase()
	two := withFrom(handlerReply(1, "klachten@gemeente.example", "", "complaint-1@example.nl", "[KL-2026-000001] x",
		"#geen-hoorzitting klager wil niet gehoord worden\n#sluit ongegrond\n\nUw klacht is ongegrond."), "eve@evil.example, Bea Handel <"+handlerAddr+">")
	h.deliver(two, at(3, 10, 0))
	h.deliver(handlerReply(2, "klachten@gemeente.example", "", "complaint-1@example.nl", "[KL-2026-000001] x",
		"#geen-hoorzitting klager wil niet gehoord worden\n#sluit ongegrond\n\nUw klacht is ongegrond.", "Sender: eve@evil.example"), at(3, 10, 1))
	h.runOnce()
	got := h.sentSince(n)
	if kinds(got) != "confirm→"+handlerAddr+" confirm→"+handlerAddr {
		t.Errorf("after mail with two From mailboxes and a foreign Sender: %s, want two refusals to the handler", kinds(got))
	}
	for _, m := range got {
		if !strings.Contains(decodeQP(m.body), "NIET verwerkt") {
			t.Errorf("the mail to the handler is not a refusal:\n%s", m.body)
		}
	}
	if c := h.caseByRef("KL-2026-000001"); c.Status == store.StatusClosed {
		t.Fatal("mail with a second From mailbox closed the case")
	}
	n = len(h.smtp.Mails())
	h.deliver(handlerReply(3, "klachten@gemeente.example", "", "complaint-1@example.nl", "[KL-2026-000001] x",
		"#geen-hoorzitting klager wil niet gehoord worden\n#sluit ongegrond\n\nUw klacht is ongegrond."), at(3, 11, 0))
	h.runOnce()
	if got := h.sentSince(n); !sameKinds(got, "decision→jan@example.nl", "confirm→"+handlerAddr) {
		t.Errorf("after the handler's own mail: %s", kinds(got))
	}
	h.ordinaryComplaint(1)
}

// "This mail belongs to no case" goes only to authenticated handler mail,
// and refusals and such answers are capped per handler per day.
func TestHandlerNoticesNeedAuthenticationAndAreCapped(t *testing.T) {
	h := newHarness(t, "KLACHTD_INTAKE_NOTICES_PER_HANDLER_PER_DAY", "2")
	h.withHandler(trustedMX)
	noCase := func(id int, extra ...string) string {
		return handlerReply(id, "klachten@gemeente.example", "", fmt.Sprintf("unknown-%d@example.org", id), "Vraag", "Wat is dit?", extra...)
	}
	pass := "Authentication-Results: " + trustedMX + "; dmarc=pass header.from=gemeente.example"
	h.deliver(noCase(1), at(2, 9, 0)) // forged: no pass from our host
	h.runOnce()
	if n := len(h.smtp.Mails()); n != 0 {
		t.Fatalf("%d mails sent in answer to forged handler mail without a case", n)
	}
	h.deliver(noCase(2, pass), at(2, 9, 1))
	h.runOnce()
	if got := h.sentSince(0); kinds(got) != "confirm→"+handlerAddr || !strings.Contains(decodeQP(got[0].body), "geen enkel dossier") {
		t.Fatalf("after authenticated handler mail without a case: %s", kinds(got))
	}

	n := h.openCase()
	for i := range 3 { // forged mails on the case: one refusal left today, then none
		h.deliver(handlerReply(10+i, "klachten@gemeente.example", "", "complaint-1@example.nl", "[KL-2026-000001] x", "#sluit gegrond"), at(3, 10, i))
	}
	h.runOnce()
	if got := h.sentSince(n); kinds(got) != "confirm→"+handlerAddr {
		t.Errorf("after three forged mails with one notice left: %s", kinds(got))
	}
	if n := h.count(`SELECT count(*) FROM case_events WHERE kind = 'notice_withheld'`); n != 2 {
		t.Errorf("%d notice_withheld events, want 2", n)
	}

	// A day later the handler gets notices again; their real mail always works.
	h.now = h.now.Add(25 * time.Hour)
	n = len(h.smtp.Mails())
	h.deliver(handlerReply(20, "klachten@gemeente.example", "", "complaint-1@example.nl", "[KL-2026-000001] x",
		"#geen-hoorzitting klager wil niet gehoord worden\n#sluit gegrond\n\nUw klacht is gegrond.", pass), h.now)
	h.runOnce()
	if got := h.sentSince(n); !sameKinds(got, "decision→jan@example.nl", "confirm→"+handlerAddr) {
		t.Errorf("after the handler's authenticated mail: %s", kinds(got))
	}
	h.ordinaryComplaint(1)
}

// Twelve complaints whose Reply-To names one victim's mailbox (+tags) and
// carries an advertisement: three acknowledgements, with neither the link
// nor more than a bounded name and subject; the rest open for review.
func TestAcknowledgementsAreCappedPerMailbox(t *testing.T) {
	h := newHarness(t)
	h.withHandler("")
	subject := "Gefeliciteerd! U heeft gewonnen, claim uw prijs op www.prize.example of prize[.]example voor vrijdag, echt waar, niet te missen"
	for i := 1; i <= 12; i++ {
		h.deliver(fmt.Sprintf("From: spammer%d@bulk.example\nReply-To: \"Win a prize at https://prize.example/claim?id=%d\" <Victim+%d@third.example>\n"+
			"To: klachten@gemeente.example\nSubject: %s\nMessage-ID: <spam-%d@bulk.example>\nContent-Type: text/plain\n\nKlik snel.\n",
			i, i, i, subject, i), at(2, 9, i))
	}
	h.runOnce()
	var acks []sent
	for _, m := range h.sentSince(0) {
		if m.kind == "ack" {
			acks = append(acks, m)
		}
	}
	if len(acks) != 3 {
		t.Fatalf("%d acknowledgements to one victim's mailbox, want 3: %s", len(acks), kinds(acks))
	}
	dec := new(mime.WordDecoder)
	for _, a := range acks {
		subj, err := dec.DecodeHeader(a.msg.Header.Get("Subject"))
		if err != nil {
			t.Fatal(err)
		}
		to, _ := dec.DecodeHeader(a.msg.Header.Get("To"))
		_, body, _ := strings.Cut(decodeQP(a.body), "\n\n") // the header has go-mail's own link in User-Agent
		for _, bad := range []string{"prize.example", "prize[.]example", "https:", "://"} {
			if strings.Contains(subj, bad) || strings.Contains(to, bad) || strings.Contains(body, bad) {
				t.Errorf("the acknowledgement carries %q:\nTo: %s\nSubject: %s\n%s", bad, to, subj, body)
			}
		}
		if echoed := strings.TrimPrefix(subj, "[KL-2026-00000"); len([]rune(echoed)) > 80+len(" Ontvangstbevestiging: ")+3 {
			t.Errorf("the acknowledgement echoes a subject of %d characters: %q", len([]rune(echoed)), subj)
		}
	}
	if n := h.count(`SELECT count(*) FROM cases`); n != 12 {
		t.Errorf("%d cases, want 12: every mail is registered", n)
	}
	if n := h.count(`SELECT count(*) FROM cases WHERE needs_review`); n != 9 {
		t.Errorf("%d cases for review, want the 9 over the cap", n)
	}
	if n := h.count(`SELECT count(*) FROM case_events WHERE kind = 'ack_withheld' AND detail::text LIKE '%acks_per_mailbox_per_day%'`); n != 9 {
		t.Errorf("%d ack_withheld events naming the mailbox cap, want 9", n)
	}
	c := h.caseByRef("KL-2026-000001")
	if !strings.Contains(c.ComplainantName, "https://prize.example") || c.Subject != subject {
		t.Errorf("the case does not keep the name and subject in full: %q, %q", c.ComplainantName, c.Subject)
	}
	h.ordinaryComplaint(1)
}

// Per domain per hour and overall per hour; an hour later acknowledgements
// go out again.
func TestAcknowledgementsAreCappedPerDomainAndPerHour(t *testing.T) {
	h := newHarness(t, "KLACHTD_INTAKE_ACKS_PER_DOMAIN_PER_HOUR", "2", "KLACHTD_INTAKE_ACKS_PER_HOUR", "3")
	for i, from := range []string{"a@one.example", "b@one.example", "c@one.example", "d@two.example", "e@three.example"} {
		h.deliver(fmt.Sprintf("From: %s\nTo: klachten@gemeente.example\nSubject: Klacht %d\nMessage-ID: <c-%d@x.example>\n"+
			"Content-Type: text/plain\n\nTekst.\n", from, i, i), at(2, 9, i))
	}
	h.runOnce()
	if got := h.sentSince(0); !sameKinds(got, "ack→a@one.example", "ack→b@one.example", "ack→d@two.example") {
		t.Errorf("acknowledgements: %s; want c over the domain cap and e over the hourly cap", kinds(got))
	}
	for key, n := range map[string]int{"acks_per_domain_per_hour": 1, "acks_per_hour": 1} {
		if got := h.count(`SELECT count(*) FROM case_events WHERE kind = 'ack_withheld' AND detail::text LIKE '%'||$1||'%'`, key); got != n {
			t.Errorf("%d ack_withheld events naming %s, want %d", got, key, n)
		}
	}
	h.now = h.now.Add(61 * time.Minute)
	h.ordinaryComplaint(1)
}

// Reply-To is not the complainant: a stranger's mail with the complainant's
// address in Reply-To and the (guessable) reference in the subject does not
// count as theirs. The complainant's own mail does, also from the From of
// their first mail when they had asked for answers elsewhere.
func TestComplainantIsMatchedOnFrom(t *testing.T) {
	h := newHarness(t)
	h.withHandler("")
	h.deliver(strings.Replace(complaint, "To: klachten@", "Reply-To: Jan <jan.prive@example.org>\nTo: klachten@", 1), at(2, 8, 0))
	h.runOnce()
	h.deliver(handlerReply(1, "klachten@gemeente.example", "", "complaint-1@example.nl", "[KL-2026-000001] x", "#sluit informeel\n"), at(3, 10, 0))
	h.runOnce()
	h.deliver("From: Eve <eve@evil.example>\nReply-To: jan.prive@example.org\nTo: klachten@gemeente.example\n"+
		"Subject: Re: [KL-2026-000001] Overlast bouwplaats\nMessage-ID: <eve-1@evil.example>\nContent-Type: text/plain\n\nIk trek mijn klacht niet in maar heropen hem.\n",
		at(4, 9, 0))
	h.runOnce()
	if c := h.caseByRef("KL-2026-000001"); c.Status != store.StatusClosed {
		t.Fatalf("a stranger with the complainant's Reply-To reopened the case: %s", c.Status)
	}
	if evs := h.eventKinds("KL-2026-000001"); evs[len(evs)-2] != "mail_received" {
		t.Errorf("events %v: the stranger's mail is not recorded as someone else's", evs)
	}
	h.deliver("From: Jan de Vries <jan@example.nl>\nTo: klachten@gemeente.example\nSubject: Re: [KL-2026-000001] Overlast bouwplaats\n"+
		"Message-ID: <again@example.nl>\nContent-Type: text/plain\n\nHet is weer begonnen.\n", at(5, 9, 0))
	h.runOnce()
	// Since issue 13 a mail to a closed case does not reopen it; it is
	// recorded as the complainant's (matched on From) and forwarded.
	if c := h.caseByRef("KL-2026-000001"); c.Status != store.StatusClosed {
		t.Errorf("the complainant's mail reopened the closed case: %s", c.Status)
	}
	if n := h.count(`SELECT count(*) FROM case_events WHERE kind = 'mail_after_closing'`); n != 1 {
		t.Errorf("%d mail_after_closing events, want 1: the complainant's own mail is not recognised", n)
	}
	h.ordinaryComplaint(1)
}

// A bounce flags a case only when it names a Message-ID we sent on it: a
// forged one with the reference in its subject does not.
func TestForgedBounceDoesNotFlagTheCase(t *testing.T) {
	h := newHarness(t)
	h.withHandler("")
	n := h.openCase()
	var ackID string
	for _, m := range h.sentSince(0) {
		if m.kind == "ack" {
			ackID = messageID(m)
		}
	}
	forged := strings.Replace(dsn(1, "forged-1@evil.example", "jan@example.nl", "failed", "5.1.1"),
		"Subject: Undelivered Mail Returned to Sender", "Subject: Undelivered Mail [KL-2026-000001]", 1)
	h.deliver(forged, h.now)
	h.runOnce()
	c := h.caseByRef("KL-2026-000001")
	if c.AckBounced || c.NeedsReview {
		t.Fatalf("a forged bounce flagged the case: ack_bounced %v, needs_review %v", c.AckBounced, c.NeedsReview)
	}
	if n := h.count(`SELECT count(*) FROM case_events WHERE kind = 'bounce_received' AND detail->>'names_our_mail' = 'false'`); n != 1 {
		t.Errorf("%d bounce_received events saying the bounce names none of our mails, want 1", n)
	}
	h.deliver(dsn(2, ackID, "jan@example.nl", "failed", "5.1.1"), h.now)
	h.runOnce()
	if c := h.caseByRef("KL-2026-000001"); !c.AckBounced {
		t.Error("the real bounce of our acknowledgement did not flag the case")
	}
	if got := h.sentSince(n); len(got) != 0 {
		t.Errorf("mails sent in answer to bounces: %s", kinds(got))
	}
	h.ordinaryComplaint(1)
}
