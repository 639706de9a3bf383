package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/cases"
	"github.com/klachtd/klachtd/internal/config"
	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/store"
)

const registrarAddr = "balie@gemeente.example"

// withRegistrar adds a front-desk registrar to the handler.
func (h *harness) withRegistrar() {
	h.cfg.Registrars = []config.Registrar{{Name: "Ria Balie", Address: registrarAddr}}
	h.d.Intake.SetPeople(cases.PeopleFromConfig(h.cfg))
}

// staffMail is a new mail (no reference) from a handler or registrar.
func staffMail(n int, from, subject, text string) string {
	return fmt.Sprintf("From: %s\nTo: klachten@gemeente.example\nSubject: %s\nDate: Tue, 3 Nov 2026 10:00:00 +0100\n"+
		"Message-ID: <staff-%d@gemeente.example>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n%s\n", from, subject, n, text)
}

func (h *harness) fields(ref string) store.Fields {
	h.t.Helper()
	f, err := h.d.Store.FieldsOf(context.Background(), h.caseByRef(ref).ID)
	if err != nil {
		h.t.Fatal(err)
	}
	return f
}

// A phone complaint registered by a handler opens a case for the named
// complainant with the stated receipt time, channel telefoon, the
// acknowledgement to the complainant and the registrar recorded.
func TestPhoneComplaintRegisteredByHandler(t *testing.T) {
	h := newHarness(t)
	h.withHandler("")
	h.now = time.Date(2026, 11, 3, 10, 5, 0, 0, deadline.Location())
	h.deliver(staffMail(1, "Bea Handel <"+handlerAddr+">", "Telefonische klacht over afval",
		"#namens Piet Jansen piet@example.nl tel 06-12345678\n#kanaal telefoon\n#ontvangen 2-11-2026 16:30\n"+
			"#gewenst dat de container alsnog wordt geleegd\n\n"+
			"Meneer Jansen belde: de container in de Dorpsstraat is drie weken niet geleegd."), h.now)
	h.runOnce()
	const ref = "KL-2026-000001"
	c := h.caseByRef(ref)
	want := time.Date(2026, 11, 2, 16, 30, 0, 0, deadline.Location())
	if c.ComplainantName != "Piet Jansen" || c.ComplainantAddress != "piet@example.nl" || !c.ReceivedAt.Equal(want) {
		t.Errorf("case = %q <%s> received %s; want Piet Jansen <piet@example.nl> received %s",
			c.ComplainantName, c.ComplainantAddress, c.ReceivedAt, want)
	}
	if c.HandlerAddress != handlerAddr || c.NeedsReview {
		t.Errorf("case handler %q, review %v; want %s, false", c.HandlerAddress, c.NeedsReview, handlerAddr)
	}
	f := h.fields(ref)
	if f.Channel != "telefoon" || f.Registrar != handlerAddr || f.Phone != "06-12345678" ||
		f.DesiredOutcome != "dat de container alsnog wordt geleegd" || f.AckByPost {
		t.Errorf("fields = %+v", f)
	}
	got := h.sentSince(0)
	if !sameKinds(got, "ack→piet@example.nl", "notify→"+handlerAddr, "confirm→"+handlerAddr) {
		t.Fatalf("sent: %s", kinds(got))
	}
	for _, m := range got {
		body := decodeQP(m.body)
		switch m.kind {
		case "notify":
			for _, w := range []string{"Kanaal:           telefoon", "Vastgelegd door:  " + handlerAddr, "drie weken niet geleegd", "Piet Jansen"} {
				if !strings.Contains(body, w) {
					t.Errorf("notification lacks %q:\n%s", w, body)
				}
			}
			if strings.Contains(body, "#namens Piet") {
				t.Errorf("notification shows the commands")
			}
		case "confirm":
			if !strings.Contains(body, ref) || !strings.Contains(body, "ontvangstbevestiging verstuurd naar piet@example.nl") {
				t.Errorf("confirmation:\n%s", body)
			}
		case "ack":
			if !strings.Contains(body, ref) || m.msg.Header.Get("In-Reply-To") != "" {
				t.Errorf("acknowledgement lacks the reference or threads on the registrar's mail")
			}
		}
	}
	if n := h.count(`SELECT count(*) FROM messages WHERE case_id = $1`, c.ID); n != 1 {
		t.Errorf("the registrar's mail is not the case's source: %d messages", n)
	}
	h.checkFieldsShown(ref, "telefoon", "registrar     "+handlerAddr, "desired       dat de container")
}

// checkFieldsShown checks that cases show (text and JSON), cases list
// --json and the register show a case's structured fields.
func (h *harness) checkFieldsShown(ref, channel string, lines ...string) {
	h.t.Helper()
	ctx := context.Background()
	var text, js, list bytes.Buffer
	if err := showCase(ctx, h.d.Store, ref, false, &text); err != nil {
		h.t.Fatal(err)
	}
	for _, l := range append([]string{"channel       " + channel}, lines...) {
		if !strings.Contains(text.String(), l) {
			h.t.Errorf("cases show lacks %q:\n%s", l, text.String())
		}
	}
	if err := showCase(ctx, h.d.Store, ref, true, &js); err != nil {
		h.t.Fatal(err)
	}
	var shown struct {
		Case struct {
			Channel string `json:"channel"`
		} `json:"case"`
	}
	if err := json.Unmarshal(js.Bytes(), &shown); err != nil || shown.Case.Channel != channel {
		h.t.Errorf("cases show --json: channel %q (%v)", shown.Case.Channel, err)
	}
	if err := listFiltered(ctx, h.d.Store, deadline.DateOf(h.now), store.CaseFilter{}, true, &list); err != nil {
		h.t.Fatal(err)
	}
	if !strings.Contains(list.String(), `"channel":"`+channel+`"`) {
		h.t.Errorf("cases list --json lacks the channel: %s", list.String())
	}
	rows, err := h.d.Store.RegisterBetween(ctx, time.Date(2026, 1, 1, 0, 0, 0, 0, deadline.Location()), time.Date(2027, 1, 1, 0, 0, 0, 0, deadline.Location()))
	if err != nil {
		h.t.Fatal(err)
	}
	for _, r := range rows {
		if r.Ref == ref && r.Channel != channel {
			h.t.Errorf("register channel of %s = %q, want %s", ref, r.Channel, channel)
		}
	}
}

// A letter registered by a registrar without an e-mail address gets no
// mail acknowledgement, and the case and the registrar say it must go by
// post. A bad registration opens nothing and says why; an ordinary
// complaint after it is still acknowledged once.
func TestLetterWithoutAddressAndBadRegistration(t *testing.T) {
	h := newHarness(t)
	h.withHandler("")
	h.withRegistrar()
	h.now = time.Date(2026, 11, 3, 10, 5, 0, 0, deadline.Location())
	h.deliver(staffMail(1, "Ria Balie <"+registrarAddr+">", "Brief van mevrouw Smit",
		"#namens A. Smit, Kerkplein 4, 1234 AB Dorp\n#kanaal brief\n#ontvangen 2026-10-30\n\nMevrouw Smit schrijft dat de stoep onbegaanbaar is."), h.now)
	h.runOnce()
	const ref = "KL-2026-000001"
	c := h.caseByRef(ref)
	f := h.fields(ref)
	if c.ComplainantAddress != "" || c.ComplainantName != "A. Smit" || f.PostalAddress != "Kerkplein 4, 1234 AB Dorp" ||
		!f.AckByPost || f.Channel != "brief" || f.Registrar != registrarAddr {
		t.Errorf("case %q <%s>, fields %+v", c.ComplainantName, c.ComplainantAddress, f)
	}
	if !c.ReceivedAt.Equal(time.Date(2026, 10, 30, 0, 0, 0, 0, deadline.Location())) {
		t.Errorf("received %s, want the letter's date", c.ReceivedAt)
	}
	h.checkFieldsShown(ref, "brief", "ack           by post", "postal addr   Kerkplein 4")
	if !strings.Contains(strings.Join(h.eventKinds(ref), " "), "ack_by_post") {
		t.Errorf("events %v lack ack_by_post", h.eventKinds(ref))
	}
	got := h.sentSince(0)
	if !sameKinds(got, "notify→"+handlerAddr, "confirm→"+registrarAddr) {
		t.Fatalf("sent: %s", kinds(got))
	}
	for _, m := range got {
		body := decodeQP(m.body)
		if m.kind == "confirm" && !strings.Contains(body, "per post") {
			t.Errorf("the registrar is not told to send the acknowledgement by post:\n%s", body)
		}
		if m.kind == "notify" && !strings.Contains(body, "per post") {
			t.Errorf("the handler is not told the acknowledgement goes by post:\n%s", body)
		}
	}

	// A registrar may not decide, a receipt time after the mail is refused,
	// #kanaal is missing: nothing opens, the registrar is told all three.
	h.deliver(staffMail(2, registrarAddr, "Telefoon",
		"#namens Kees piet@example.nl\n#ontvangen 2026-11-04 09:00\n#sluit gegrond\n\nKlacht."), h.now)
	h.runOnce()
	if n := h.count(`SELECT count(*) FROM cases`); n != 1 {
		t.Fatalf("a bad registration opened a case: %d cases", n)
	}
	refused := h.sentSince(2)
	if kinds(refused) != "confirm→"+registrarAddr {
		t.Fatalf("after the bad registration: %s", kinds(refused))
	}
	body := decodeQP(refused[0].body)
	for _, w := range []string{"#sluit gegrond", "later dan deze mail", "#kanaal ontbreekt", "niets geregistreerd"} {
		if !strings.Contains(body, w) {
			t.Errorf("refusal lacks %q:\n%s", w, body)
		}
	}
	h.deliver(strings.Replace(complaint, "complaint-1@", "complaint-2@", 1), h.now)
	h.runOnce()
	if n := h.count(`SELECT count(*) FROM outbox WHERE kind = 'ack'`); n != 1 {
		t.Errorf("acknowledgements after the ordinary complaint = %d, want 1", n)
	}
}

// A registration whose sender cannot be authenticated opens nothing and
// gets no answer.
func TestForgedRegistrationIsRefused(t *testing.T) {
	h := newHarness(t)
	h.withHandler("mx.gemeente.example")
	h.deliver(staffMail(1, handlerAddr, "Telefoon", "#namens Kees kees@example.nl\n#kanaal telefoon\n\nKlacht."), h.now)
	h.runOnce()
	if n := h.count(`SELECT count(*) FROM cases`); n != 0 {
		t.Errorf("a forged registration opened %d cases", n)
	}
	if n := len(h.sentSince(0)); n != 0 {
		t.Errorf("a forged registration was answered: %d mails", n)
	}
}

// cmsFormMail is what a website's contact form sends: from a no-reply
// address, with Auto-Submitted, the person only in the form's fields.
func cmsFormMail(n int, extraHeader, body string) string {
	return fmt.Sprintf("From: Website gemeente <noreply@www.gemeente.example>\nTo: klachten@gemeente.example\n"+
		"Subject: Nieuw formulier: Klacht\nDate: Tue, 3 Nov 2026 10:00:00 +0100\nMessage-ID: <form-%d@www.gemeente.example>\n"+
		"Auto-Submitted: auto-generated\n%sMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n%s\n", n, extraHeader, body)
}

const cmsForm = "Er is een nieuw formulier ingevuld.\n\nNaam: Karin de Boer\nE-mailadres: karin@example.nl\nTelefoonnummer: 06-87654321\n" +
	"Datum voorval: 28 oktober 2026\nAfdeling: Burgerzaken\nOmschrijving: Ik stond een uur aan de balie\nen niemand hielp mij.\n" +
	"Wat wilt u bereiken: Excuses en een afspraak\n"

// A CMS form mail from noreply@ with Auto-Submitted: auto-generated is
// acknowledged to the e-mail address in the form, with the structured
// fields; the same mail without an e-mail field, or with a spam flag,
// stays a case for review without acknowledgement (the old behaviour).
func TestCMSFormMailIsAcknowledgedToThePerson(t *testing.T) {
	h := newHarness(t)
	h.withHandler("")
	h.deliver(cmsFormMail(1, "", cmsForm), h.now)
	h.runOnce()
	const ref = "KL-2026-000001"
	c := h.caseByRef(ref)
	if c.ComplainantAddress != "karin@example.nl" || c.ComplainantName != "Karin de Boer" || c.NeedsReview {
		t.Errorf("case %q <%s>, review %v; want Karin de Boer <karin@example.nl>, no review", c.ComplainantName, c.ComplainantAddress, c.NeedsReview)
	}
	f := h.fields(ref)
	if f.Channel != "formulier" || f.Department != "Burgerzaken" || f.IncidentDate != "28 oktober 2026" ||
		f.DesiredOutcome != "Excuses en een afspraak" || f.Phone != "06-87654321" {
		t.Errorf("fields = %+v", f)
	}
	h.checkFieldsShown(ref, "formulier", "department    Burgerzaken", "incident      28 oktober 2026")
	got := h.sentSince(0)
	if !sameKinds(got, "ack→karin@example.nl", "notify→"+handlerAddr) {
		t.Fatalf("sent: %s", kinds(got))
	}
	for _, m := range got {
		if m.kind == "notify" && !strings.Contains(decodeQP(m.body), "Afdeling:         Burgerzaken") {
			t.Errorf("notification lacks the department:\n%s", decodeQP(m.body))
		}
	}

	// Not a form (no e-mail field): for review, not acknowledged.
	h.deliver(cmsFormMail(2, "", "Naam: Karin\nOmschrijving: iets\nTelefoon: 0612345678\n"), h.now)
	// A form, but with a spam flag: the spam flag still wins.
	h.deliver(cmsFormMail(3, "X-Spam-Flag: YES\n", strings.Replace(cmsForm, "karin@", "karin2@", 1)), h.now)
	// A hard proof of a machine still wins: no case at all.
	h.deliver(cmsFormMail(4, "List-Id: <nieuws.gemeente.example>\n", strings.Replace(cmsForm, "karin@", "karin3@", 1)), h.now)
	h.runOnce()
	for _, r := range []string{"KL-2026-000002", "KL-2026-000003"} {
		if c := h.caseByRef(r); !c.NeedsReview {
			t.Errorf("%s is not marked for review", r)
		}
	}
	if n := h.count(`SELECT count(*) FROM cases`); n != 3 {
		t.Errorf("cases = %d, want 3 (the list mail opens none)", n)
	}
	if n := h.count(`SELECT count(*) FROM outbox WHERE kind = 'ack'`); n != 1 {
		t.Errorf("acknowledgements = %d, want only Karin's", n)
	}
	// An ordinary complaint is still acknowledged once.
	h.deliver(complaint, h.now)
	h.runOnce()
	if n := h.count(`SELECT count(*) FROM outbox WHERE kind = 'ack' AND case_id = (SELECT id FROM cases WHERE complainant_address = 'jan@example.nl')`); n != 1 {
		t.Errorf("acknowledgements of the ordinary complaint = %d, want 1", n)
	}
}
