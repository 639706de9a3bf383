package schedule_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/outbox"
	"github.com/klachtd/klachtd/internal/schedule"
)

// The awb dates of a case received on Monday 2 November 2026 (klachtd due
// --policy awb, and by hand: six weeks is Monday 14 December; 10, 5 and 2
// working days back are 30 November, 7 and 10 December; 3 working days back
// is 9 December; overdue is the 15th and 5 working days later the 22nd).
var received = time.Date(2026, 11, 2, 8, 12, 0, 0, ams)

// sweepDays sweeps every day from first to last (inclusive) at 00:05,
// 09:00 and 17:30, with a fresh Sweeper for each sweep when restart.
func (e *env) sweepDays(sw *schedule.Sweeper, first, last string) {
	e.t.Helper()
	from, to := day(first), day(last)
	for d := deadline.DateOf(from); !d.After(deadline.DateOf(to)); d = d.AddDays(1) {
		for _, at := range []time.Duration{5 * time.Minute, 9 * time.Hour, 17*time.Hour + 30*time.Minute} {
			e.sweep(sw, d.Start().Add(at))
		}
	}
}

func TestRemindersAndEscalationsOnThePolicysDatesOnce(t *testing.T) {
	e := newEnv(t)
	c := e.openCase(received, bram.Address)
	e.sweepDays(e.sweeper(), "2026-11-02", "2027-01-15")

	tests := []struct {
		kind string
		want []point
	}{
		{schedule.KindReminder, []point{
			{"received+2w", "2026-11-16"}, {"due-10wd", "2026-11-30"}, {"due-5wd", "2026-12-07"}, {"due-2wd", "2026-12-10"}}},
		{schedule.KindEscalation, []point{
			{"escalate-due-3wd", "2026-12-09"}, {"overdue", "2026-12-15"}, {"overdue+5wd", "2026-12-22"}}},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			if got := e.points(tt.kind, c.ID); !slices.Equal(got, tt.want) {
				t.Errorf("%s mails\n got %v\nwant %v", tt.kind, got, tt.want)
			}
		})
	}
	for _, m := range e.mails(schedule.KindReminder) {
		if len(m.Rcpt) != 1 || m.Rcpt[0] != bram.Address {
			t.Errorf("reminder %s to %v, want the case's handler %s", m.Key, m.Rcpt, bram.Address)
		}
	}
	for _, m := range e.mails(schedule.KindEscalation) {
		if !slices.Equal(m.Rcpt, []string{mark.Address, saskia.Address}) {
			t.Errorf("escalation %s to %v, want both managers", m.Key, m.Rcpt)
		}
	}
	for kind, want := range map[string]int{"reminder_sent": 4, "escalated": 3} {
		if n := e.count(`SELECT count(*) FROM case_events WHERE case_id = $1 AND kind = $2 AND outbox IS NOT NULL`, c.ID, kind); n != want {
			t.Errorf("%d %s events, want %d", n, kind, want)
		}
	}
}

// One digest per manager per working day, from the digest time on: 2 Nov to
// 31 Dec 2026 has 43 working days (Christmas Day and the weekends off).
func TestOneDigestADayPerManager(t *testing.T) {
	e := newEnv(t)
	e.openCase(received, bram.Address)
	e.sweepDays(e.sweeper(), "2026-11-02", "2026-12-31")
	perDay := map[string][]string{}
	for _, m := range e.mails(schedule.KindDigest) {
		at := m.CreatedAt.In(ams)
		if at.Hour() < 8 {
			t.Errorf("digest %s queued at %s, before the digest time 08:00", m.Key, at)
		}
		perDay[deadline.DateOf(at).String()] = append(perDay[deadline.DateOf(at).String()], m.Rcpt...)
	}
	if len(perDay) != 43 {
		t.Errorf("digests on %d days, want 43 working days", len(perDay))
	}
	for _, d := range []string{"2026-11-07", "2026-11-08", "2026-12-25", "2026-12-26"} {
		if _, ok := perDay[d]; ok {
			t.Errorf("a digest on %s, not a working day", d)
		}
	}
	for d, rcpt := range perDay {
		slices.Sort(rcpt)
		if !slices.Equal(rcpt, []string{mark.Address, saskia.Address}) {
			t.Errorf("digests of %s went to %v, want one to each manager", d, rcpt)
		}
	}
}

// Two instances sweeping at the same moment, many times over, queue each
// mail once and record each event once.
func TestTwoInstancesSendEachMailOnce(t *testing.T) {
	e := newEnv(t)
	for range 5 {
		e.openCase(received, "")
	}
	e.now = day("2026-12-15") // overdue: one escalation per case; the digest
	a, b := e.sweeper(), e.sweeper()
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		sw := a
		if i%2 == 1 {
			sw = b
		}
		wg.Go(func() { errs <- sw.Sweep(context.Background()) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		query string
		want  int
	}{
		{`SELECT count(*) FROM outbox WHERE kind = 'escalation'`, 5},
		{`SELECT count(DISTINCT case_id) FROM outbox WHERE kind = 'escalation' AND dedupe_key LIKE '%:overdue:2026-12-15'`, 5},
		{`SELECT count(*) FROM case_events WHERE kind = 'escalated'`, 5},
		{`SELECT count(*) FROM outbox WHERE kind = 'digest'`, 2},
		{`SELECT count(*) FROM outbox WHERE kind = 'reminder'`, 0}, // overdue: the escalation says it
	}
	for _, tt := range tests {
		if n := e.count(tt.query); n != tt.want {
			t.Errorf("%s = %d, want %d", tt.query, n, tt.want)
		}
	}
}

// A daemon that was down catches up on its first sweep: the latest missed
// point once, not every missed point, and only today's digest.
func TestRestartCatchesUpOnce(t *testing.T) {
	tests := []struct {
		name             string
		upTo, downUntil  string // last day swept before the stop; the day of the restart
		wantReminders    []point
		wantEscalations  []point
		wantDigestsSince int // digests queued on the restart day and after, per manager
	}{
		{"down one day, on a reminder's day", "2026-12-06", "2026-12-08",
			[]point{{"received+2w", "2026-11-16"}, {"due-10wd", "2026-11-30"}, {"due-5wd", "2026-12-08"}},
			nil, 1},
		{"down two weeks across three points", "2026-11-26", "2026-12-11",
			[]point{{"received+2w", "2026-11-16"}, {"due-2wd", "2026-12-11"}},
			[]point{{"escalate-due-3wd", "2026-12-11"}}, 1},
		{"down until after the due date", "2026-12-01", "2026-12-16",
			[]point{{"received+2w", "2026-11-16"}, {"due-10wd", "2026-11-30"}},
			[]point{{"overdue", "2026-12-16"}}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			c := e.openCase(received, bram.Address)
			e.sweepDays(e.sweeper(), "2026-11-02", tt.upTo)
			before := len(e.mails(schedule.KindDigest))
			restarted := e.sweeper()
			for range 3 { // the first sweep and the next few minutes
				e.sweep(restarted, day(tt.downUntil).Add(time.Minute))
			}
			if got := e.points(schedule.KindReminder, c.ID); !slices.Equal(got, tt.wantReminders) {
				t.Errorf("reminders\n got %v\nwant %v", got, tt.wantReminders)
			}
			if got := e.points(schedule.KindEscalation, c.ID); !slices.Equal(got, tt.wantEscalations) {
				t.Errorf("escalations\n got %v\nwant %v", got, tt.wantEscalations)
			}
			if n := len(e.mails(schedule.KindDigest)) - before; n != tt.wantDigestsSince*len(managed) {
				t.Errorf("%d digests after the restart, want %d per manager", n, tt.wantDigestsSince)
			}
		})
	}
}

// An extension moves the points: reminders come for the new due date, the
// "before due" escalation no longer applies, and nothing comes for the old
// due date after the extension.
func TestExtendedCaseFollowsTheNewDueDate(t *testing.T) {
	e := newEnv(t)
	c := e.openCase(received, bram.Address)
	sw := e.sweeper()
	e.sweepDays(sw, "2026-11-02", "2026-12-01")
	// #verleng 4w on 1 December: 14 December 2026 + 4 weeks = Monday 11 January 2027.
	e.exec(`UPDATE cases SET extensions = 1, decision_due = '2027-01-11' WHERE id = $1`, c.ID)
	e.sweepDays(sw, "2026-12-02", "2027-01-25")

	// New points by hand on the default calendar (Christmas, Boxing Day and
	// New Year's Day off): 10 working days before 11 January is 24 December,
	// 5 is 4 January, 2 is 7 January; overdue 12 January, +5 wd 19 January.
	wantReminders := []point{
		{"received+2w", "2026-11-16"}, {"due-10wd", "2026-11-30"}, // before the extension
		{"due-10wd", "2026-12-24"}, {"due-5wd", "2027-01-04"}, {"due-2wd", "2027-01-07"},
	}
	wantEscalations := []point{{"overdue", "2027-01-12"}, {"overdue+5wd", "2027-01-19"}}
	if got := e.points(schedule.KindReminder, c.ID); !slices.Equal(got, wantReminders) {
		t.Errorf("reminders\n got %v\nwant %v", got, wantReminders)
	}
	if got := e.points(schedule.KindEscalation, c.ID); !slices.Equal(got, wantEscalations) {
		t.Errorf("escalations\n got %v\nwant %v", got, wantEscalations)
	}
}

// Cases that are answered or closed get nothing; a case without handler
// is reminded through the default handler, or not at all without one.
func TestWhoGetsReminded(t *testing.T) {
	tests := []struct {
		name     string
		status   string
		handler  string
		defaultH bool
		wantTo   []string
	}{
		{"assigned", "in_behandeling", bram.Address, true, []string{bram.Address}},
		{"unassigned goes to the default handler", "ontvangen", "", true, []string{anna.Address}},
		{"no handler at all", "ontvangen", "", false, nil},
		{"answered", "beantwoord", bram.Address, true, nil},
		{"closed", "gesloten", bram.Address, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			if !tt.defaultH {
				e.staff.DefaultHandler = outbox.Address{}
			}
			c := e.openCase(received, tt.handler)
			e.exec(`UPDATE cases SET status = $2 WHERE id = $1`, c.ID, tt.status)
			e.sweep(e.sweeper(), day("2026-11-16"))
			var to []string
			for _, m := range e.mails(schedule.KindReminder) {
				to = append(to, m.Rcpt...)
			}
			if !slices.Equal(to, tt.wantTo) {
				t.Errorf("reminders to %v, want %v", to, tt.wantTo)
			}
		})
	}
}

func TestReminderMail(t *testing.T) {
	e := newEnv(t)
	c := e.openCase(received, bram.Address)
	e.sweep(e.sweeper(), day("2026-12-07"))
	ms := e.mails(schedule.KindReminder)
	if len(ms) != 1 {
		t.Fatalf("%d reminders, want 1", len(ms))
	}
	h, text, html := bodies(t, ms[0].Raw)
	checks := []struct{ got, want string }{
		{h.Get("Subject"), "[" + c.Ref + "] Herinnering: afhandelen uiterlijk 14 december 2026"},
		{h.Get("Auto-Submitted"), "auto-generated"},
		{h.Get("Reply-To"), "<klachten@gemeente.example>"},
	}
	for _, ck := range checks {
		if ck.got != ck.want {
			t.Errorf("got %q, want %q", ck.got, ck.want)
		}
	}
	for _, want := range []string{"Beste Bram Kok", "nog 7 dagen (5 werkdagen)", "#verleng"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	if !strings.Contains(html, "<strong>14 december 2026</strong>") {
		t.Errorf("html lacks the due date:\n%s", html)
	}
}

// The digest lists what needs attention, most urgent first, as an HTML table
// with a text alternative.
func TestDigestContents(t *testing.T) {
	e := newEnv(t)
	e.staff.Managers = managed[:1]
	at := func(s string) time.Time { return day(s).Add(-time.Hour) }
	overdue := e.openCase(at("2026-10-26"), bram.Address) // due 7 Dec
	soon := e.openCase(at("2026-11-02"), "")              // due 14 Dec
	later := e.openCase(at("2026-11-05"), anna.Address)   // due 17 Dec: in 6 wd, not soon
	bounced := e.openCase(at("2026-11-06"), anna.Address) // due 18 Dec
	review := e.openCase(at("2026-11-06"), anna.Address)
	closed := e.openCase(at("2026-10-01"), anna.Address)
	e.exec(`UPDATE cases SET ack_bounced = true WHERE id = $1`, bounced.ID)
	e.exec(`UPDATE cases SET needs_review = true WHERE id = $1`, review.ID)
	e.exec(`UPDATE cases SET status = 'gesloten' WHERE id = $1`, closed.ID)
	sw := e.sweeper()
	e.sweep(sw, day("2026-12-08"))
	fresh := e.openCase(day("2026-12-08").Add(time.Hour), "") // after today's digest: new tomorrow
	e.sweep(sw, day("2026-12-09"))

	ds := e.mails(schedule.KindDigest)
	if len(ds) != 2 {
		t.Fatalf("%d digests, want 2", len(ds))
	}
	h, text, html := bodies(t, ds[1].Raw)
	if got, want := h.Get("Subject"), "Dagoverzicht klachten 9 december 2026: 1 te laat, 1 binnenkort"; got != want {
		t.Errorf("subject %q, want %q", got, want)
	}
	if h.Get("Auto-Submitted") != "auto-generated" {
		t.Errorf("Auto-Submitted = %q", h.Get("Auto-Submitted"))
	}
	// Urgency: overdue, due soon, bounced, review, new.
	order := []string{overdue.Ref, soon.Ref, bounced.Ref, review.Ref, fresh.Ref}
	last := -1
	for _, ref := range order {
		i := strings.Index(text, ref)
		if i < 0 || i < last {
			t.Errorf("text: %s missing or out of order:\n%s", ref, text)
		}
		last = i
	}
	for _, absent := range []string{later.Ref, closed.Ref} {
		if strings.Contains(text, absent) {
			t.Errorf("text lists %s, which needs no attention", absent)
		}
	}
	for _, want := range []string{"2 dagen te laat", "Bram Kok", "nog 5 dagen", "(niet toegewezen)",
		"[bevestiging onbestelbaar]", "[beoordelen]", "[nieuw]"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	if !strings.Contains(html, "<table") || !strings.Contains(html, "<td>"+overdue.Ref+"</td>") {
		t.Errorf("html has no table row for %s:\n%s", overdue.Ref, html)
	}
	// Yesterday's digest was the first: everything registered in the 24
	// hours before it was new; nothing here was.
	_, first, _ := bodies(t, ds[0].Raw)
	if strings.Contains(first, "[nieuw]") {
		t.Errorf("first digest marks old cases new:\n%s", first)
	}
}
