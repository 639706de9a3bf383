package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/config"
	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/schedule"
	"github.com/klachtd/klachtd/internal/store"
)

// Tests of the complaint procedure (issue 13): mail in through IMAP, mails
// out captured over SMTP, state in PostgreSQL.

const refOne = "KL-2026-000001"

func on(month time.Month, day, hour, minute int) time.Time {
	return time.Date(2026, month, day, hour, minute, 0, 0, deadline.Location())
}

// complaintWithPhoto is the complaint with a photo attached.
const complaintWithPhoto = `From: Jan de Vries <jan@example.nl>
To: klachten@gemeente.example
Subject: Overlast bouwplaats
Date: Mon, 2 Nov 2026 08:12:31 +0100
Message-ID: <complaint-1@example.nl>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="X"

--X
Content-Type: text/plain; charset=utf-8

Sinds drie weken begint de bouwplaats elke ochtend om half zes met heien.
--X
Content-Type: image/jpeg
Content-Disposition: attachment; filename="heipaal.jpg"
Content-Transfer-Encoding: base64

/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDAoNDAwM
--X--
`

// command sends a handler's mail with text on the first case and runs intake.
func (h *harness) command(id int, text string) []sent {
	h.t.Helper()
	n := len(h.smtp.Mails())
	h.deliver(handlerReply(id, "klachten@gemeente.example", "", "complaint-1@example.nl", "["+refOne+"] x", text), h.now)
	h.runOnce()
	return h.sentSince(n)
}

func bodyOf(ms []sent, kind, rcpt string) string {
	for _, m := range ms {
		if m.kind == kind && strings.Join(m.rcpt, ",") == rcpt {
			return decodeQP(m.body)
		}
	}
	return ""
}

// Point 1: the person complained about gets the complaint and its
// attachments; their reply is recorded and forwarded to the handler, never
// relayed to the complainant.
func TestRespondentGetsACopyAndTheirReplyGoesToTheHandlerOnly(t *testing.T) {
	h := newHarness(t)
	h.withHandler("")
	h.now = on(11, 2, 9, 0)
	h.deliver(complaintWithPhoto, on(11, 2, 8, 13))
	h.runOnce()
	h.now = on(11, 3, 10, 0)
	got := h.command(1, "#beklaagde Afdeling Toezicht toezicht@gemeente.example")
	if !sameKinds(got, "respondent_copy→toezicht@gemeente.example", "confirm→"+handlerAddr) {
		t.Fatalf("after #beklaagde: %s", kinds(got))
	}
	var cp sent
	for _, m := range got {
		if m.kind == "respondent_copy" {
			cp = m
		}
	}
	body := decodeQP(cp.body)
	for _, want := range []string{"half zes met heien", `filename="heipaal.jpg"`, "niet aan\nde klager doorgestuurd", refOne} {
		if !strings.Contains(body, want) {
			t.Errorf("respondent copy lacks %q:\n%s", want, body)
		}
	}
	if rt := cp.msg.Header.Get("Reply-To"); !strings.Contains(rt, "klachten@gemeente.example") {
		t.Errorf("respondent copy Reply-To %q, want the intake", rt)
	}

	// The respondent answers the copy.
	n := len(h.smtp.Mails())
	h.now = on(11, 4, 9, 0)
	h.deliver(fmt.Sprintf("From: Afdeling Toezicht <toezicht@gemeente.example>\nTo: klachten@gemeente.example\nSubject: RE: [%s] Afschrift\n"+
		"Date: Wed, 4 Nov 2026 09:00:00 +0100\nMessage-ID: <toezicht-1@gemeente.example>\nIn-Reply-To: <%s>\nContent-Type: text/plain\n\n"+
		"Wij hebben de aannemer vorige week al gewaarschuwd.\n", refOne, messageID(cp)), h.now)
	h.runOnce()
	reply := h.sentSince(n)
	if kinds(reply) != "forward→"+handlerAddr || !strings.Contains(decodeQP(reply[0].body), "al gewaarschuwd") {
		t.Fatalf("after the respondent's reply: %s", kinds(reply))
	}
	evs := strings.Join(h.eventKinds(refOne), " ")
	if !strings.Contains(evs, "respondent_copy respondent_copy_queued") || !strings.Contains(evs, "respondent_reply followup_forwarded") {
		t.Errorf("events %s", evs)
	}

	// "geen-afschrift <reden>" records why no copy went out.
	h.now = on(11, 5, 9, 0)
	got = h.command(2, "#beklaagde Piet Post piet@gemeente.example geen-afschrift dreiging tegen de medewerker")
	if kinds(got) != "confirm→"+handlerAddr {
		t.Errorf("after geen-afschrift: %s", kinds(got))
	}
	if n := h.count(`SELECT count(*) FROM case_events WHERE kind = 'respondent_copy_withheld' AND detail->>'reason' = 'dreiging tegen de medewerker'`); n != 1 {
		t.Errorf("%d withheld events", n)
	}
}

// Point 2: the hearing invites both parties, its reminder comes the day
// before, and #sluit is refused under awb without a report or a reason.
func TestHearingInvitesBothPartiesRemindsAndGuardsTheDecision(t *testing.T) {
	h := newHarness(t)
	h.withHandler("")
	h.d.SweepOnce = true
	h.now = on(11, 2, 9, 0)
	h.deliver(complaint, on(11, 2, 8, 13))
	h.runOnce()

	// #sluit with a judgment is refused: no hearing, no lawful reason.
	h.now = on(11, 10, 10, 0)
	got := h.command(1, "#sluit ongegrond\n\nUw klacht is ongegrond.")
	if kinds(got) != "confirm→"+handlerAddr || !strings.Contains(decodeQP(got[0].body), "Awb 9:10") {
		t.Fatalf("a #sluit without hearing: %s", kinds(got))
	}
	if c := h.caseByRef(refOne); c.Status == store.StatusClosed {
		t.Fatal("#sluit closed the case without a hearing under awb")
	}

	got = h.command(2, "#beklaagde Afdeling Toezicht toezicht@gemeente.example geen-afschrift al bekend\n#hoorzitting 8 december 10:30 Stadhuis, kamer 2")
	if !sameKinds(got, "hearing→jan@example.nl", "hearing→toezicht@gemeente.example", "confirm→"+handlerAddr) {
		t.Fatalf("after #hoorzitting: %s", kinds(got))
	}
	for _, rcpt := range []string{"jan@example.nl", "toezicht@gemeente.example"} {
		if b := bodyOf(got, "hearing", rcpt); !strings.Contains(b, "8 december 2026 om 10:30") || !strings.Contains(b, "Stadhuis, kamer 2") {
			t.Errorf("invitation to %s:\n%s", rcpt, b)
		}
	}

	// The reminder: not two days before, once on the day before.
	for _, now := range []time.Time{on(12, 6, 9, 0), on(12, 7, 8, 0), on(12, 7, 16, 0)} {
		h.now = now
		h.runOnce()
	}
	if n := h.count(`SELECT count(*) FROM outbox WHERE kind = 'hearing_reminder'`); n != 1 {
		t.Fatalf("%d hearing reminders, want 1", n)
	}
	if n := h.count(`SELECT count(*) FROM outbox WHERE kind = 'hearing_reminder' AND created_at::date = '2026-12-07' AND rcpt = ARRAY[$1]`, handlerAddr); n != 1 {
		t.Errorf("the hearing reminder was not sent to the handler on 7 December")
	}

	// The report, then the decision.
	h.now = on(12, 8, 14, 0)
	got = h.command(3, "#verslag\n\nKlager en Toezicht gehoord. Er is vóór zeven uur geheid.")
	if kinds(got) != "confirm→"+handlerAddr {
		t.Fatalf("after #verslag: %s (the report must not be relayed)", kinds(got))
	}
	got = h.command(4, "#sluit gegrond\n\nDe aannemer hield zich niet aan de werktijden.")
	if !sameKinds(got, "decision→jan@example.nl", "confirm→"+handlerAddr) {
		t.Fatalf("after #sluit with a report: %s", kinds(got))
	}
	if b := bodyOf(got, "decision", "jan@example.nl"); !strings.Contains(b, "Klager en Toezicht gehoord") || !strings.Contains(b, "niet aan de werktijden") {
		t.Errorf("the decision letter lacks the report or the reasoning:\n%s", b)
	}
}

// Point 3: the decision letter carries the configured recourse name, URL
// and term, the outcome in words and the measures with their terms.
func TestDecisionLetterNamesTheConfiguredRecourse(t *testing.T) {
	h := newHarness(t, "KLACHTD_POLICY_RECOURSE_NAME", "de Ombudscommissie Voorbeeld",
		"KLACHTD_POLICY_RECOURSE_URL", "https://ombudscommissie.example/klacht",
		"KLACHTD_POLICY_RECOURSE_TERM", "12 maanden")
	h.withHandler("")
	h.now = on(11, 2, 9, 0)
	h.deliver(complaint, on(11, 2, 8, 13))
	h.runOnce()
	h.now = on(11, 20, 10, 0)
	got := h.command(1, "#maatregel werktijden in de vergunning controleren uiterlijk 15-01-2027\n#geen-hoorzitting klager wil niet gehoord worden\n"+
		"#sluit deels\n\nDe aannemer begon te vroeg; de hinder zelf valt binnen de vergunning.")
	if !sameKinds(got, "decision→jan@example.nl", "confirm→"+handlerAddr) {
		t.Fatalf("after #sluit: %s", kinds(got))
	}
	b := bodyOf(got, "decision", "jan@example.nl")
	for _, want := range []string{"de Ombudscommissie Voorbeeld", "https://ombudscommissie.example/klacht", "binnen 12 maanden",
		"uw klacht is deels gegrond", "de hinder zelf valt binnen de vergunning", "werktijden in de vergunning controleren (uiterlijk 15 januari 2027)"} {
		if !strings.Contains(b, want) {
			t.Errorf("decision letter lacks %q:\n%s", want, b)
		}
	}
	if strings.Contains(b, "Nationale ombudsman") || strings.Contains(b, "#sluit") {
		t.Errorf("decision letter names the preset's recourse or shows a command:\n%s", b)
	}
}

// Point 5: the committee's 10 weeks, with the Atw across Christmas, told
// to the complainant; reminders follow the new date.
func TestCommitteeMovesTheTermAcrossAHoliday(t *testing.T) {
	h := newHarness(t)
	h.withHandler("")
	// Friday 16 October 2026: six weeks is 27 November; ten weeks ends on
	// Friday 25 December, Christmas, and so on Monday 28 December.
	h.now = time.Date(2026, 10, 16, 9, 0, 0, 0, deadline.Location())
	h.deliver(strings.Replace(complaint, "Mon, 2 Nov 2026", "Fri, 16 Oct 2026", 1), time.Date(2026, 10, 16, 8, 30, 0, 0, deadline.Location()))
	h.runOnce()
	if c := h.caseByRef(refOne); c.DecisionDue.String() != "2026-11-27" {
		t.Fatalf("due %s, want 2026-11-27", c.DecisionDue)
	}
	h.now = time.Date(2026, 10, 20, 9, 0, 0, 0, deadline.Location())
	got := h.command(1, "#commissie Klachtadviescommissie Voorbeeld")
	if !sameKinds(got, "committee→jan@example.nl", "confirm→"+handlerAddr) {
		t.Fatalf("after #commissie: %s", kinds(got))
	}
	if b := bodyOf(got, "committee", "jan@example.nl"); !strings.Contains(b, "28 december 2026") || !strings.Contains(b, "Klachtadviescommissie Voorbeeld") {
		t.Errorf("committee notice:\n%s", b)
	}
	if c := h.caseByRef(refOne); c.DecisionDue.String() != "2026-12-28" {
		t.Errorf("due after #commissie %s, want 2026-12-28", c.DecisionDue)
	}
	if n := h.count(`SELECT count(*) FROM case_procedure WHERE committee = 'Klachtadviescommissie Voorbeeld'`); n != 1 {
		t.Errorf("committee not recorded")
	}
}

// Point 6: a measure's effectiveness reminder comes on its date, once, and
// #effectief records the result; open measures appear in the digest.
func TestMeasureIsCheckedOnItsDate(t *testing.T) {
	h := newHarness(t)
	h.withHandler("")
	h.cfg.Managers = []config.Manager{{Name: "Mark", Address: "mark@gemeente.example"}}
	h.d.Sweeper.SetStaff(schedule.StaffFromConfig(h.cfg))
	h.d.SweepOnce = true
	h.now = on(11, 2, 7, 0)
	h.deliver(complaint, on(11, 2, 6, 13))
	h.runOnce()
	h.now = on(11, 3, 7, 0)
	if got := h.command(1, "#maatregel instructie aan aannemers over werktijden uiterlijk 2026-11-16"); kinds(got) != "confirm→"+handlerAddr {
		t.Fatalf("after #maatregel: %s", kinds(got))
	}
	h.now = on(11, 13, 7, 0) // Friday before the date: nothing yet
	h.runOnce()
	if n := h.count(`SELECT count(*) FROM outbox WHERE kind = 'measure_check'`); n != 0 {
		t.Fatalf("%d measure checks before the date", n)
	}
	n := len(h.smtp.Mails())
	h.now = on(11, 16, 7, 0)
	h.runOnce()
	h.runOnce()
	got := h.sentSince(n)
	checks := 0
	for _, m := range got {
		if m.kind == "measure_check" {
			checks++
			if strings.Join(m.rcpt, ",") != handlerAddr || !strings.Contains(decodeQP(m.body), "#effectief 1") {
				t.Errorf("measure check to %v:\n%s", m.rcpt, decodeQP(m.body))
			}
		}
	}
	if checks != 1 {
		t.Fatalf("%d measure checks on the date, want 1 (%s)", checks, kinds(got))
	}
	h.now = on(11, 16, 7, 30)
	if got := h.command(2, "#effectief deels aannemer A houdt zich eraan, B niet"); kinds(got) != "confirm→"+handlerAddr {
		t.Fatalf("after #effectief: %s", kinds(got))
	}
	if n := h.count(`SELECT count(*) FROM measures WHERE result = 'deels' AND result_note = 'aannemer A houdt zich eraan, B niet'`); n != 1 {
		t.Errorf("measure result not recorded")
	}
	// The next digest lists the measure with its result.
	n = len(h.smtp.Mails())
	h.now = on(11, 16, 9, 0)
	h.runOnce()
	if b := bodyOf(h.sentSince(n), "digest", "mark@gemeente.example"); !strings.Contains(b, "instructie aan aannemers over werktijden") || !strings.Contains(b, "effectief: deels") {
		t.Errorf("digest lacks the measure:\n%s", b)
	}
}

// Point 8: a "Bedankt!" after an on-time #sluit neither reopens the case
// nor makes it escalate once its old due date passes.
func TestThanksAfterClosingNeitherReopensNorEscalates(t *testing.T) {
	h := newHarness(t)
	h.withHandler("")
	h.cfg.Managers = []config.Manager{{Name: "Mark", Address: "mark@gemeente.example", Digest: "none"}}
	h.d.Sweeper.SetStaff(schedule.StaffFromConfig(h.cfg))
	h.d.SweepOnce = true
	h.now = on(11, 2, 9, 0)
	h.deliver(complaint, on(11, 2, 8, 13))
	h.runOnce()
	h.now = on(11, 20, 10, 0)
	h.command(1, "#geen-hoorzitting klager wil niet gehoord worden\n#sluit gegrond\n\nU hebt gelijk; de aannemer is gewaarschuwd.")
	n := len(h.smtp.Mails())
	h.now = on(11, 21, 9, 0)
	h.deliver("From: Jan de Vries <jan@example.nl>\nTo: klachten@gemeente.example\nSubject: Re: [KL-2026-000001] Beslissing op uw klacht\n"+
		"Date: Sat, 21 Nov 2026 09:00:00 +0100\nMessage-ID: <bedankt@example.nl>\nContent-Type: text/plain\n\nBedankt!\n", h.now)
	h.runOnce()
	if got := h.sentSince(n); kinds(got) != "forward→"+handlerAddr {
		t.Errorf("after the thanks: %s", kinds(got))
	}
	// Past the old due date (14 December) and the next level.
	for _, now := range []time.Time{on(12, 15, 9, 0), on(12, 23, 9, 0)} {
		h.now = now
		h.runOnce()
	}
	c := h.caseByRef(refOne)
	if c.Status != store.StatusClosed || c.Outcome.String != "gegrond" {
		t.Errorf("after the thanks: %s %s", c.Status, c.Outcome.String)
	}
	if n := h.count(`SELECT count(*) FROM outbox WHERE kind IN ('escalation', 'reminder') AND created_at > '2026-11-20'`); n != 0 {
		t.Errorf("%d reminders or escalations after closing", n)
	}
	if n := h.count(`SELECT count(*) FROM case_events WHERE kind = 'reopened'`); n != 0 {
		t.Errorf("the case was reopened")
	}
}

// Point 9: a level-2 escalation goes to the level-2 managers only; level 1
// to the level-1 managers.
func TestLevelTwoEscalationGoesToLevelTwoManagers(t *testing.T) {
	h := newHarness(t)
	h.withHandler("")
	h.cfg.Managers = []config.Manager{
		{Name: "Teamleider", Address: "team@gemeente.example", Digest: "none"},
		{Name: "Directeur", Address: "directie@gemeente.example", Level: 2, Digest: "none"},
	}
	h.d.Sweeper.SetStaff(schedule.StaffFromConfig(h.cfg))
	h.d.SweepOnce = true
	h.now = on(11, 2, 9, 0)
	h.deliver(complaint, on(11, 2, 8, 13))
	h.runOnce()
	// Due 14 December; overdue on the 15th; +5 working days is the 22nd.
	rcpts := map[string]string{}
	for _, now := range []time.Time{on(12, 15, 9, 0), on(12, 22, 9, 0)} {
		n := len(h.smtp.Mails())
		h.now = now
		h.runOnce()
		for _, m := range h.sentSince(n) {
			if m.kind == "escalation" {
				rcpts[now.Format("01-02")] += strings.Join(m.rcpt, ",")
			}
		}
	}
	if rcpts["12-15"] != "team@gemeente.example" || rcpts["12-22"] != "directie@gemeente.example" {
		t.Errorf("escalations went to %v; want level 1 to team@, level 2 to directie@ only", rcpts)
	}
	if n := h.count(`SELECT count(*) FROM outbox WHERE kind = 'digest'`); n != 0 {
		t.Errorf("%d digests to managers with digest = none", n)
	}
}

// Point 4: the acknowledgement names the contact person, the handler, and
// what happens next under the policy.
func TestAcknowledgementNamesContactAndNextSteps(t *testing.T) {
	h := newHarness(t, "KLACHTD_INTAKE_CONTACT_NAME", "Petra Smit", "KLACHTD_INTAKE_CONTACT_ROLE", "klachtencoördinator",
		"KLACHTD_INTAKE_CONTACT_PHONE", "14 020")
	h.withHandler("")
	h.now = on(11, 2, 9, 0)
	h.deliver(complaint, on(11, 2, 8, 13))
	h.runOnce()
	b := bodyOf(h.sentSince(0), "ack", "jan@example.nl")
	for _, want := range []string{"Petra Smit (klachtenco", "), telefoon 14 020", "behandeld door Bea Handel", "gehoord te worden", "14 december 2026"} {
		if !strings.Contains(b, want) {
			t.Errorf("acknowledgement lacks %q:\n%s", want, b)
		}
	}
}

// Point 7: followup_days after closing the complainant is asked whether
// the answer helped, once; the answer is recorded as feedback and does not
// reopen the case.
func TestFollowupQuestionAfterClosing(t *testing.T) {
	h := newHarness(t, "KLACHTD_POLICY_FOLLOWUP_DAYS", "14")
	h.withHandler("")
	h.d.SweepOnce = true
	h.now = on(11, 2, 9, 0)
	h.deliver(complaint, on(11, 2, 8, 13))
	h.runOnce()
	h.now = on(11, 20, 10, 0)
	h.command(1, "#geen-hoorzitting klager wil niet gehoord worden\n#sluit gegrond\n\nU hebt gelijk.")
	h.now = on(12, 3, 9, 0) // 13 days: not yet
	h.runOnce()
	if n := h.count(`SELECT count(*) FROM outbox WHERE kind = 'followup'`); n != 0 {
		t.Fatalf("%d follow-ups after 13 days", n)
	}
	n := len(h.smtp.Mails())
	h.now = on(12, 4, 9, 0)
	h.runOnce()
	h.runOnce()
	got := h.sentSince(n)
	if kinds(got) != "followup→jan@example.nl" || !strings.Contains(got[0].msg.Header.Get("Subject"), refOne) {
		t.Fatalf("on day 14: %s", kinds(got))
	}
	h.deliver("From: Jan de Vries <jan@example.nl>\nTo: klachten@gemeente.example\nSubject: Re: [KL-2026-000001] Heeft ons antwoord u geholpen?\n"+
		"Date: Fri, 4 Dec 2026 10:00:00 +0100\nMessage-ID: <feedback@example.nl>\nIn-Reply-To: <"+messageID(got[0])+">\nContent-Type: text/plain\n\nJa, het is nu rustig.\n", h.now)
	h.runOnce()
	if c := h.caseByRef(refOne); c.Status != store.StatusClosed {
		t.Errorf("the feedback reopened the case: %s", c.Status)
	}
	if n := h.count(`SELECT count(*) FROM case_events WHERE kind = 'feedback_received'`); n != 1 {
		t.Errorf("%d feedback events, want 1", n)
	}
}

// config check warns when a legal preset names no recourse for the
// decision letter.
func TestConfigCheckWarnsWithoutRecourse(t *testing.T) {
	setEnv(t, "KLACHTD_DATABASE_URL", "postgres://localhost/x", "KLACHTD_POLICY_PRESET", "wkkgz")
	code, out := runCmd(t, "config", "check")
	if code != 0 || !strings.Contains(out, "warning: config: policy.recourse_name: not set") {
		t.Errorf("config check (wkkgz without recourse) exited %d:\n%s", code, out)
	}
	setEnv(t, "KLACHTD_DATABASE_URL", "postgres://localhost/x", "KLACHTD_POLICY_PRESET", "wkkgz",
		"KLACHTD_POLICY_RECOURSE_NAME", "De Geschillencommissie Zorg")
	if code, out := runCmd(t, "config", "check"); code != 0 || strings.Contains(out, "warning") {
		t.Errorf("config check with a recourse exited %d:\n%s", code, out)
	}
	code, out = runCmd(t, "templates", "preview", "decision")
	if code != 0 || !strings.Contains(out, "Nationale ombudsman") || !strings.Contains(out, "binnen 1 jaar") {
		t.Errorf("templates preview decision exited %d:\n%s", code, out)
	}
}
