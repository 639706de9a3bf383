package records_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/records"
	"github.com/klachtd/klachtd/internal/store"
	"github.com/klachtd/klachtd/internal/store/storetest"
)

var (
	jan  = person{"Jan de Vries", "jan@example.nl"}
	piet = person{"Piet Pieters", "piet@example.nl"}
	kees = person{"Kees Klaver", "kees@example.nl"}
	anna = person{"Anna Open", "anna@example.nl"}
)

// registerText is the register of a year as text and as CSV.
func registerText(t *testing.T, s *store.Store, r *records.Records, year int) string {
	t.Helper()
	ctx := context.Background()
	st, err := r.Stats(ctx, records.Year(year), []string{"bouw"})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	records.WriteSummary(&b, st)
	rows, err := s.RegisterBetween(ctx, records.Year(year).From.Start(), records.Year(year).To.Start())
	if err != nil {
		t.Fatal(err)
	}
	records.WriteCSV(&b, rows, []string{"bouw"})
	return b.String()
}

// A case closed longer ago than its policy's term loses every personal
// datum and keeps the stub: the register reads the same before and after.
// A held case, a case under its term and an open case are untouched. The
// run is idempotent, the dry run changes nothing, and the audit trail is
// still closed to DELETE afterwards.
func TestPurgeRemovesPersonalDataKeepsTheStub(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	old := addCase(t, s, caseSpec{ref: "KL-2020-000001", who: jan, respondent: "ambtenaar@gemeente.example", category: "bouw",
		received: ams(2020, 3, 2), closed: ams(2020, 4, 1), outcome: "gegrond", extensions: 1, measures: []string{"ja", "nee"}})
	held := addCase(t, s, caseSpec{ref: "KL-2020-000002", who: piet, category: "bouw",
		received: ams(2020, 3, 9), closed: ams(2020, 4, 2), outcome: "ongegrond"})
	recent := addCase(t, s, caseSpec{ref: "KL-2020-000003", who: kees, policy: "awb",
		received: ams(2020, 11, 2), closed: ams(2023, 1, 5), outcome: "deels_gegrond"})
	open := addCase(t, s, caseSpec{ref: "KL-2020-000004", who: anna, received: ams(2020, 12, 1)})
	if _, err := s.SetHold(ctx, "KL-2020-000002", "WOO-verzoek 2026-17", "cli:test", ams(2026, 1, 5)); err != nil {
		t.Fatal(err)
	}
	caselessMail(t, s, person{"Mailer", "mailer-daemon@example.org"}, ams(2026, 8, 1)) // older than 90 days
	caselessMail(t, s, person{"Robot", "noreply@example.org"}, ams(2026, 11, 20))      // newer
	now := ams(2026, 12, 1)
	r := newRecords(s, now)
	before := registerText(t, s, r, 2020)
	eventsBefore := count(t, s, `SELECT count(*) FROM case_events WHERE case_id = $1`, old)

	var dry bytes.Buffer
	res, err := r.Purge(ctx, deadline.DateOf(now), true, &dry)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Purged, []string{"KL-2020-000001"}) || !slices.Equal(res.Held, []string{"KL-2020-000002"}) || res.CaselessIn != 1 {
		t.Errorf("dry run: %+v\n%s", res, dry.String())
	}
	if n := count(t, s, `SELECT count(*) FROM messages`); n != 10 {
		t.Errorf("the dry run removed mails: %d left, want 10", n)
	}
	for _, want := range []string{"KL-2020-000001  would purge", "KL-2020-000002  kept: legal hold (WOO-verzoek 2026-17)", "would remove 1 incoming"} {
		if !strings.Contains(dry.String(), want) {
			t.Errorf("dry run output lacks %q:\n%s", want, dry.String())
		}
	}

	for run := 1; run <= 2; run++ {
		res, err = r.Purge(ctx, deadline.DateOf(now), false, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"KL-2020-000001"}
		if run == 2 {
			want = nil
		}
		if !slices.Equal(res.Purged, want) {
			t.Errorf("run %d purged %v, want %v", run, res.Purged, want)
		}
	}
	if after := registerText(t, s, r, 2020); after != before {
		t.Errorf("the register changed by the purge:\nbefore\n%s\nafter\n%s", before, after)
	}

	// Nothing personal is left of the old case, anywhere.
	if n := count(t, s, `SELECT count(*) FROM messages WHERE case_id = $1`, old) +
		count(t, s, `SELECT count(*) FROM outbox WHERE case_id = $1`, old); n != 0 {
		t.Errorf("%d mails of the purged case left", n)
	}
	var dump string
	err = s.DB().QueryRow(`SELECT concat_ws('|', k.*) || (SELECT string_agg(concat_ws('|', e.*), '|') FROM case_events e WHERE e.case_id = k.id)
		FROM cases k WHERE id = $1`, old).Scan(&dump)
	if err != nil {
		t.Fatal(err)
	}
	var proc string
	err = s.DB().QueryRow(`SELECT (SELECT string_agg(concat_ws('|', p.*), '|') FROM case_procedure p WHERE p.case_id = $1) ||
		(SELECT string_agg(concat_ws('|', m.*), '|') FROM measures m WHERE m.case_id = $1)`, old).Scan(&proc)
	if err != nil {
		t.Fatal(err)
	}
	dump += proc
	if n := count(t, s, `SELECT count(*) FROM measures WHERE case_id = $1 AND result IS NOT NULL`, old); n != 2 {
		t.Errorf("the purge lost measure results: %d left, want 2", n)
	}
	for _, personal := range []string{"jan", "Vries", "ambtenaar", handler, "Overlast", "gebeld", "Dorpsstraat", "bouwtijden"} {
		if strings.Contains(strings.ToLower(dump), strings.ToLower(personal)) {
			t.Errorf("the purged case still holds %q: %s", personal, dump)
		}
	}
	// The stub: what the register counts, and the trail's shape.
	c, err := s.CaseByRef(ctx, "KL-2020-000001")
	if err != nil {
		t.Fatal(err)
	}
	if c.Outcome.String != "gegrond" || c.Extensions != 1 || !c.ClosedAt.Valid || c.Category != "bouw" || c.Policy != "awb" {
		t.Errorf("stub lost register data: %+v", c)
	}
	evs, _ := s.Events(ctx, old)
	if len(evs) != eventsBefore+1 || evs[len(evs)-1].Kind != "purged" || evs[0].Kind != "opened" || evs[0].Actor != "klager" {
		t.Errorf("events after purge: %d (want %d), first %+v", len(evs), eventsBefore+1, evs[0])
	}
	var detail struct {
		Rule    string `json:"rule"`
		MailsIn int    `json:"mails_in"`
	}
	json.Unmarshal(evs[len(evs)-1].Detail, &detail)
	if !strings.HasPrefix(detail.Rule, "retention: awb, 5 years after closing") || detail.MailsIn != 2 {
		t.Errorf("purge event detail: %s", evs[len(evs)-1].Detail)
	}
	if n := count(t, s, `SELECT count(*) FROM case_events WHERE kind = 'purged'`); n != 1 {
		t.Errorf("%d purge events, want exactly 1", n)
	}

	// Held, under the term, open: everything still there.
	for _, id := range []int64{held, recent, open} {
		if n := count(t, s, `SELECT count(*) FROM messages WHERE case_id = $1`, id); n != 2 {
			t.Errorf("case %d: %d mails left, want 2", id, n)
		}
	}
	if n := count(t, s, `SELECT count(*) FROM messages WHERE case_id IS NULL`); n != 1 {
		t.Errorf("%d case-less mails left, want the recent 1", n)
	}

	// The purge opened nothing for anyone else.
	_, err = s.DB().Exec(`DELETE FROM case_events WHERE case_id = $1`, held)
	if err == nil || !strings.Contains(err.Error(), "DELETE is not allowed") {
		t.Errorf("DELETE on the audit trail outside the purge: %v", err)
	}

	// Releasing the hold lets the next run purge it.
	if _, err := s.SetHold(ctx, "KL-2020-000002", "", "cli:test", now); err != nil {
		t.Fatal(err)
	}
	if res, _ := r.Purge(ctx, deadline.DateOf(now), false, nil); !slices.Equal(res.Purged, []string{"KL-2020-000002"}) {
		t.Errorf("after release purged %v", res.Purged)
	}
}

// A case with a mail still queued for delivery waits for the next run.
func TestPurgeWaitsForQueuedMail(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	id := addCase(t, s, caseSpec{ref: "KL-2019-000001", who: jan, received: ams(2019, 3, 2), closed: ams(2019, 4, 1), outcome: "gegrond"})
	if _, err := s.DB().Exec(`UPDATE outbox SET status = 'queued' WHERE case_id = $1 AND kind = 'ack'`, id); err != nil {
		t.Fatal(err)
	}
	r := newRecords(s, ams(2026, 12, 1))
	res, err := r.Purge(ctx, deadline.NewDate(2026, 12, 1), false, nil)
	if err != nil || len(res.Purged) != 0 || !slices.Equal(res.Busy, []string{"KL-2019-000001"}) {
		t.Errorf("purge with a queued mail: %+v, %v", res, err)
	}
	s.DB().Exec(`UPDATE outbox SET status = 'sent' WHERE case_id = $1`, id)
	if res, _ := r.Purge(ctx, deadline.NewDate(2026, 12, 1), false, nil); len(res.Purged) != 1 {
		t.Errorf("after delivery: %+v", res)
	}
}

// --before a later day purges what will be past its term then: a trial run.
func TestPurgeBeforeALaterDay(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	addCase(t, s, caseSpec{ref: "KL-2025-000001", who: jan, policy: "wkkgz", received: ams(2025, 1, 6), closed: ams(2025, 2, 3), outcome: "gegrond"})
	r := newRecords(s, ams(2026, 12, 1))
	for _, tc := range []struct {
		on   deadline.Date
		want int
	}{{deadline.NewDate(2027, 2, 3), 0}, {deadline.NewDate(2027, 2, 4), 1}} {
		res, err := r.Purge(ctx, tc.on, true, nil)
		if err != nil || len(res.Purged) != tc.want {
			t.Errorf("on %s: %v (%v), want %d (wkkgz keeps 2 years)", tc.on, res.Purged, err, tc.want)
		}
	}
}

func TestRetentionYearsByPreset(t *testing.T) {
	r := newRecords(nil, ams(2026, 1, 1))
	for name, want := range map[string]int{"awb": 5, "wkkgz": 2, "generic": 2, "": 5} {
		if got := r.RetentionYears(name); got != want {
			t.Errorf("%q: %d years, want %d", name, got, want)
		}
	}
}

// With [retention] auto the daemon runs the purge at once and then daily.
func TestRunDailyPurgesAtStart(t *testing.T) {
	s := storetest.New(t)
	addCase(t, s, caseSpec{ref: "KL-2019-000001", who: jan, received: ams(2019, 3, 2), closed: ams(2019, 4, 1), outcome: "gegrond"})
	r := newRecords(s, ams(2026, 12, 1))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.RunDaily(ctx, time.Hour) }()
	until := time.Now().Add(10 * time.Second)
	for count(t, s, `SELECT count(*) FROM cases WHERE purged_at IS NOT NULL`) == 0 {
		if time.Now().After(until) {
			t.Fatal("the daily purge did not run at start")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("RunDaily: %v", err)
	}
}

// The purge pages through the closed cases (here two at a time): every case
// past its term is purged, on hold or not yet due ones are left, whatever
// page they fall on, and a case purged on one page does not shift the next.
func TestPurgePagesThroughClosedCases(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	for i, closed := range []time.Time{ams(2019, 4, 1), ams(2019, 5, 1), ams(2019, 6, 1), ams(2019, 7, 1), ams(2026, 6, 1)} {
		addCase(t, s, caseSpec{ref: fmt.Sprintf("KL-2019-%06d", i+1), who: jan, received: closed.AddDate(0, -1, 0), closed: closed, outcome: "gegrond"})
	}
	r := newRecords(s, ams(2026, 12, 1))
	records.SetPurgePage(r, 2)
	res, err := r.Purge(ctx, deadline.NewDate(2026, 12, 1), false, nil)
	want := []string{"KL-2019-000001", "KL-2019-000002", "KL-2019-000003", "KL-2019-000004"}
	if err != nil || !slices.Equal(res.Purged, want) {
		t.Errorf("purged %v (%v), want %v", res.Purged, err, want)
	}
	if n := count(t, s, `SELECT count(*) FROM cases WHERE purged_at IS NULL`); n != 1 {
		t.Errorf("%d cases kept, want 1 (closed in 2026)", n)
	}
}
