package records_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/klachtd/klachtd/internal/records"
	"github.com/klachtd/klachtd/internal/records/browsertest"
	"github.com/klachtd/klachtd/internal/store"
	"github.com/klachtd/klachtd/internal/store/storetest"
)

// The dossier zip holds every mail of the case and a dossier.html whose
// rendering in headless Chromium shows the timeline, with each document on
// a page of its own when printed.
func TestDossierHoldsEveryMailAndShowsTheTimeline(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	id := addCase(t, s, caseSpec{ref: "KL-2026-000007", who: jan, respondent: "ambtenaar@gemeente.example", category: "bouw",
		received: ams(2026, 3, 2), closed: ams(2026, 4, 1), outcome: "gegrond", extensions: 1, measures: []string{"ja"}})
	addCase(t, s, caseSpec{ref: "KL-2026-000008", who: piet, received: ams(2026, 3, 3)})
	r := newRecords(s, ams(2026, 12, 1))
	var b bytes.Buffer
	f, err := r.Dossier(ctx, "KL-2026-000007", "Gemeente Voorbeeld", &b)
	if err != nil {
		t.Fatal(err)
	}
	files := unzip(t, b.Bytes())
	var emls [][]byte
	for n, data := range files {
		if strings.HasSuffix(n, ".eml") {
			emls = append(emls, data)
		}
	}
	mails := count(t, s, `SELECT count(*) FROM messages WHERE case_id = $1`, id) + count(t, s, `SELECT count(*) FROM outbox WHERE case_id = $1`, id)
	if len(emls) != mails || len(f.Docs) != mails {
		t.Errorf("%d .eml files, %d documents; the case has %d mails: %v", len(emls), len(f.Docs), mails, names(files))
	}
	all := bytes.Join(emls, nil)
	if bytes.Contains(all, []byte("Piet")) {
		t.Errorf("another case's mail is in the dossier")
	}
	page := files["dossier.html"]
	for _, want := range []string{"@page", "counter(page)", "KL-2026-000007", "break-before: page", "Ontvangstbevestiging",
		"Jan de Vries vertelde over het lawaai", "bouwtijden in de vergunning"} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("dossier.html lacks %q", want)
		}
	}

	tab := browsertest.Tab(t)
	path := writeTemp(t, "dossier.html", page)
	png := browsertest.Screenshot(t, tab, "file://"+path)
	keepShot(t, "dossier.png", png)
	rows, err := chromedp.Run(tab, chromedp.Evaluate[int](`document.querySelectorAll('#timeline tr').length`))
	if err != nil {
		t.Fatal(err)
	}
	visible, err := chromedp.Run(tab, chromedp.Evaluate[bool](`(() => { const r = document.querySelector('#timeline').getBoundingClientRect();
		return r.width > 300 && r.height > 20 && getComputedStyle(document.querySelector('#timeline')).visibility === 'visible' })()`))
	if err != nil {
		t.Fatal(err)
	}
	evs, _ := s.Events(ctx, id)
	if rows != len(evs) || !visible || len(png) < 10000 {
		t.Errorf("timeline: %d rows shown (want %d), visible %v, screenshot %d bytes", rows, len(evs), visible, len(png))
	}
	pdf, err := chromedp.Run(tab, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize()))
	if err != nil {
		t.Fatal(err)
	}
	if pages := len(pdfPage.FindAll(pdf, -1)); pages < 1+len(f.Docs) {
		t.Errorf("printed %d pages, want at least %d (facts and timeline, then one per document)", pages, 1+len(f.Docs))
	}
}

// addYear adds a deterministic spread of complaints over a year: several
// per month, categories, outcomes, extensions, late and open ones.
func addYear(t *testing.T, s *store.Store, year, from int, cats []string) {
	t.Helper()
	outcomes := []string{"gegrond", "ongegrond", "deels_gegrond", "gegrond", "informeel_opgelost", "ongegrond", "ingetrokken"}
	n := from
	for m := 1; m <= 11; m++ {
		for i := 0; i < 2+(m*7)%5; i++ {
			n++
			received := ams(year, time.Month(m), 1+(i*6)%27)
			spec := caseSpec{ref: fmt.Sprintf("KL-%d-%06d", year, n), who: person{"Burger", fmt.Sprintf("b%d@example.nl", n)},
				category: cats[(n*3+m)%len(cats)], received: received, extensions: (n % 6) / 5,
				measures: [][]string{nil, {"ja"}, nil, {"nee", "ja"}, {""}}[n%5]}
			if received.Before(ams(year, 11, 1)) || n%2 == 0 {
				spec.closed = received.AddDate(0, 0, 10+(n*13)%50)
				spec.outcome = outcomes[n%len(outcomes)]
			}
			addCase(t, s, spec)
		}
	}
}

var pdfPage = regexp.MustCompile(`/Type\s*/Page[^s]`)

// The register page renders its charts in headless Chromium, and the
// numbers drawn are the numbers of register --csv.
func TestRegisterPageChartsEqualTheCSV(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	cats := []string{"bouw", "afval", "parkeren", "wachttijd", "bejegening"}
	addCase(t, s, caseSpec{ref: "KL-2026-000001", who: jan, category: "bouw", received: ams(2026, 1, 5), closed: ams(2026, 2, 2), outcome: "gegrond"})
	addCase(t, s, caseSpec{ref: "KL-2026-000002", who: piet, category: "afval", received: ams(2026, 1, 12), closed: ams(2026, 4, 20), outcome: "ongegrond", extensions: 1})
	addCase(t, s, caseSpec{ref: "KL-2026-000003", who: kees, category: "=HYPERLINK(\"http://evil\")", received: ams(2026, 3, 9), closed: ams(2026, 3, 30), outcome: "gegrond"})
	addCase(t, s, caseSpec{ref: "KL-2026-000004", who: anna, category: "bouw", received: ams(2026, 7, 1)})
	addCase(t, s, caseSpec{ref: "KL-2026-000005", who: jan, category: "", received: ams(2026, 11, 30), closed: ams(2026, 12, 1), outcome: "deels_gegrond"})
	addYear(t, s, 2026, 6, cats)
	r := newRecords(s, ams(2026, 12, 1))
	st, err := r.Stats(ctx, records.Year(2026), cats)
	if err != nil {
		t.Fatal(err)
	}
	var page, csvOut bytes.Buffer
	if err := records.WriteHTML(&page, st, nil, ams(2026, 12, 1)); err != nil {
		t.Fatal(err)
	}
	rows, _ := s.RegisterBetween(ctx, records.Year(2026).From.Start(), records.Year(2026).To.Start())
	if err := records.WriteCSV(&csvOut, rows, cats); err != nil {
		t.Fatal(err)
	}
	want := fromCSV(t, csvOut.Bytes())
	for _, private := range []string{"KL-2026", "jan@", "Jan de Vries", "Overlast", "HYPERLINK"} {
		if strings.Contains(page.String()+csvOut.String(), private) {
			t.Errorf("the register shows %q", private)
		}
	}

	tab := browsertest.Tab(t)
	png := browsertest.Screenshot(t, tab, "file://"+writeTemp(t, "register.html", page.Bytes()))
	keepShot(t, "register.png", png)
	got, err := chromedp.Run(tab, chromedp.Evaluate[map[string]int](`(() => {
		const m = {};
		for (const id of ['received', 'closed', 'ontime', 'extended', 'open', 'measures', 'effective']) m[id] = +document.getElementById(id).textContent;
		for (const svg of document.querySelectorAll('svg.chart')) {
			const box = svg.getBoundingClientRect();
			m['drawn:' + svg.id] = (box.width > 200 && box.height > 20) ? 1 : 0;
			for (const r of svg.querySelectorAll('rect.bar')) m[svg.id + ':' + r.dataset.label] = +r.dataset.n;
			for (const r of svg.querySelectorAll('rect.bar2')) m[svg.id + '/closed:' + r.dataset.label] = +r.dataset.n;
		}
		return m })()`))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: page shows %d, the CSV says %d", k, got[k], v)
		}
	}
	if want["measures"] == 0 || want["effective"] == 0 {
		t.Errorf("the fixture has no measures: %v", want)
	}
	for _, id := range []string{"chart-months", "chart-ontime", "chart-extended", "chart-categories", "chart-outcomes", "chart-channels", "chart-measures"} {
		if got["drawn:"+id] != 1 {
			t.Errorf("chart %s is not drawn", id)
		}
	}
}

// fromCSV counts the register's CSV the way the page should: totals and
// every bar of every chart.
func fromCSV(t *testing.T, b []byte) map[string]int {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil || len(recs) < 1 {
		t.Fatalf("csv: %v", err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	m := map[string]int{}
	for _, r := range recs[1:] {
		ms, _ := strconv.Atoi(r[col["measures"]])
		eff, _ := strconv.Atoi(r[col["measures_effective"]])
		m["measures"] += ms
		m["effective"] += eff
		m["chart-measures:effectief"] += eff
		m["received"]++
		m["chart-months:"+r[col["month_received"]]]++
		m["chart-categories:"+r[col["category"]]]++
		m["chart-channels:"+r[col["channel"]]]++
		if r[col["extended"]] == "true" {
			m["extended"]++
		}
		if r[col["month_closed"]] == "" {
			m["open"]++
			continue
		}
		m["closed"]++
		m["chart-months/closed:"+r[col["month_closed"]]]++
		m["chart-outcomes:"+r[col["outcome"]]]++
		if r[col["on_time"]] == "true" {
			m["ontime"]++
		}
		if d, _ := strconv.Atoi(r[col["days_to_close"]]); d < 0 {
			t.Errorf("negative days to close: %v", r)
		}
	}
	m["chart-ontime:binnen de termijn"] = m["ontime"]
	return m
}

func TestSafeCell(t *testing.T) {
	for in, want := range map[string]string{
		"=1+2": "'=1+2", "+31 6": "'+31 6", "-2": "-2", "-x": "'-x", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx",
		"bouw": "bouw", "": "",
	} {
		if got := records.SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
	}
}
