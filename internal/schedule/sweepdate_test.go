package schedule_test

import (
	"strings"
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/schedule"
	"github.com/klachtd/klachtd/internal/store"
)

// A sweep reads only the cases whose sweep date has come, in pages; it
// dates every case it handled to its next point, so the next sweep reads
// none of them, and nothing is sent twice.
func TestSweepPagesAndDatesEveryCase(t *testing.T) {
	const n = 1100 // more than one page
	e := newEnv(t)
	s := e.policy.Compute(received, false, nil)
	e.exec(`INSERT INTO cases (ref, status, complainant_address, subject, language, received_at, policy,
			ack_due, decision_due, created_at, updated_at)
		SELECT 'KL-2026-' || lpad(g::text, 6, '0'), $1, 'burger' || g || '@example.nl', 'Overlast', 'nl',
			$2::timestamptz, $3, $4, $5, $2::timestamptz, $2::timestamptz
		FROM generate_series(1, $6::int) g`,
		store.StatusReceived, received, e.policy.Name, s.AckDue, s.DecisionDue, n)
	sw := e.sweeper()
	e.sweep(sw, day("2026-11-16").Add(10*time.Hour))
	if got := len(e.mails(schedule.KindReminder)); got != n {
		t.Fatalf("%d reminders, want %d", got, n)
	}
	if got := e.count(`SELECT count(*) FROM cases WHERE sweep_at <> '2026-11-30'`); got != 0 {
		t.Errorf("%d cases not dated to their next point (30 November)", got)
	}
	e.sweep(sw, day("2026-11-17").Add(10*time.Hour))
	if got := len(e.mails(schedule.KindReminder)); got != n {
		t.Errorf("%d reminders after a second sweep, want %d", got, n)
	}
}

// A daemon started with other rules (here a reminder added to the policy)
// computes the points of every open case again, though their sweep dates
// lay ahead: the new, earlier reminder is sent on its day.
func TestChangedRulesRedateTheCases(t *testing.T) {
	e := newEnv(t)
	c := e.openCase(received, bram.Address)
	e.sweep(e.sweeper(), day("2026-11-17").Add(10*time.Hour)) // received+2w; next point 30 November
	rule, err := deadline.ParseReminderRule("received+3w")
	if err != nil {
		t.Fatal(err)
	}
	e.policy.Reminders = append(e.policy.Reminders, rule)
	e.sweep(e.sweeper(), day("2026-11-23").Add(10*time.Hour))
	got := e.points(schedule.KindReminder, c.ID)
	want := []point{{"received+2w", "2026-11-16"}, {"received+3w", "2026-11-23"}}
	if len(got) != 2 || got[1] != want[1] {
		t.Errorf("reminders %v, want %v", got, want)
	}
}

// A reminder that had no recipient is not dated away: once a handler is
// configured, the next sweep sends it.
func TestUnsentReminderIsTriedAgain(t *testing.T) {
	e := newEnv(t)
	e.staff.DefaultHandler = schedule.Staff{}.DefaultHandler
	c := e.openCase(received, "")
	sw := e.sweeper()
	e.sweep(sw, day("2026-11-16").Add(10*time.Hour))
	if got := len(e.mails(schedule.KindReminder)); got != 0 {
		t.Fatalf("%d reminders without a handler, want 0", got)
	}
	sw.SetStaff(schedule.Staff{DefaultHandler: anna, Managers: managed})
	e.sweep(sw, day("2026-11-16").Add(11*time.Hour))
	ms := e.mails(schedule.KindReminder)
	if len(ms) != 1 || len(ms[0].Rcpt) != 1 || ms[0].Rcpt[0] != anna.Address {
		t.Errorf("reminders %+v, want one to %s for %s", ms, anna.Address, c.Ref)
	}
}

// A digest lists at most DigestMaxCases cases, the most urgent first, and
// counts and mentions the rest.
func TestDigestListsTheMostUrgentAndCountsTheRest(t *testing.T) {
	e := newEnv(t)
	e.staff.Managers = managed[:1]
	overdue := e.openCase(day("2026-10-26").Add(-time.Hour), bram.Address) // due 7 Dec
	soon := e.openCase(day("2026-11-02").Add(-time.Hour), "")              // due 14 Dec
	var others []*store.Case
	for range 3 {
		others = append(others, e.openCase(day("2026-12-08").Add(-2*time.Hour), "")) // new
	}
	sw := schedule.New(schedule.Options{
		Store: e.st, Queue: e.queue, Policy: e.policy, Staff: e.staff, DigestHour: 8, DueSoonWorkingDays: 5,
		DigestMaxCases: 2, Language: "nl", IntakeName: "Klachtenmeldpunt", Now: e.clock,
	})
	e.sweep(sw, day("2026-12-08").Add(9*time.Hour))
	ds := e.mails(schedule.KindDigest)
	if len(ds) != 1 {
		t.Fatalf("%d digests, want 1", len(ds))
	}
	_, text, html := bodies(t, ds[0].Raw)
	if i, j := strings.Index(text, overdue.Ref), strings.Index(text, soon.Ref); i < 0 || j < i {
		t.Errorf("text lacks %s then %s:\n%s", overdue.Ref, soon.Ref, text)
	}
	for _, c := range others {
		if strings.Contains(text, c.Ref) {
			t.Errorf("text lists %s beyond the limit of 2:\n%s", c.Ref, text)
		}
	}
	for _, want := range []string{"1 te laat", "3 nieuw", "En nog 3 klachten die aandacht vragen"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	if !strings.Contains(html, "En nog 3 klachten") {
		t.Errorf("html lacks the count of the rest:\n%s", html)
	}
}

// A paused case (generic policy, waiting on the complainant) is dated to
// no point at all; taking it up again sets its date back, and the
// reminder that is due then is sent.
func TestResumedCaseIsSweptAgain(t *testing.T) {
	e := newEnv(t)
	var err error
	if e.policy, err = deadline.Preset(deadline.PresetGeneric); err != nil {
		t.Fatal(err)
	}
	c := e.openCase(received, bram.Address)
	reminders, _ := e.policy.PointsFor(c.DecisionDue, c.ReceivedAt, nil)
	if len(reminders) == 0 {
		t.Fatal("the generic policy has no reminder")
	}
	at := reminders[0].Date.Start().Add(10 * time.Hour)
	e.exec(`UPDATE cases SET status = $2 WHERE id = $1`, c.ID, store.StatusWaiting)
	sw := e.sweeper()
	e.sweep(sw, at)
	if n := len(e.mails(schedule.KindReminder)); n != 0 {
		t.Fatalf("%d reminders for a paused case", n)
	}
	if n := e.count(`SELECT count(*) FROM cases WHERE sweep_at = 'infinity'`); n != 1 {
		t.Errorf("the paused case is not dated to no point (%d)", n)
	}
	e.exec(`UPDATE cases SET status = $2 WHERE id = $1`, c.ID, store.StatusInProgress)
	e.sweep(sw, at.Add(time.Hour))
	if n := len(e.mails(schedule.KindReminder)); n != 1 {
		t.Errorf("%d reminders after the case was taken up again, want 1", n)
	}
}
