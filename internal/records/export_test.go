package records_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/klachtd/klachtd/internal/records"
	"github.com/klachtd/klachtd/internal/store"
	"github.com/klachtd/klachtd/internal/store/storetest"
)

// unzip returns the files of a zip by name.
func unzip(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	return files
}

func names(files map[string][]byte) []string {
	var ns []string
	for n := range files {
		ns = append(ns, n)
	}
	sort.Strings(ns)
	return ns
}

// rawOf returns the raw bytes of every stored mail, in and out, that addr
// sent or received.
func rawOf(t *testing.T, s *store.Store, addr string) [][]byte {
	t.Helper()
	rows, err := s.DB().Query(`SELECT raw FROM messages WHERE from_address = $1
		UNION ALL SELECT raw FROM outbox WHERE $1 = ANY(rcpt)`, addr)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out [][]byte
	for rows.Next() {
		var b []byte
		rows.Scan(&b)
		out = append(out, b)
	}
	return out
}

// The access request for an address holds every mail of that address (in
// and out, and the ones without a case), their attachments and the events
// of its cases, with an index page; nothing of another person's case.
func TestSubjectAccessHoldsEveryMailOfTheAddressAndNothingElse(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	addCase(t, s, caseSpec{ref: "KL-2026-000001", who: jan, received: ams(2026, 3, 2), closed: ams(2026, 4, 1), outcome: "gegrond"})
	addCase(t, s, caseSpec{ref: "KL-2026-000002", who: piet, received: ams(2026, 3, 3)})
	addCase(t, s, caseSpec{ref: "KL-2026-000003", who: jan, received: ams(2026, 5, 4)})
	addCase(t, s, caseSpec{ref: "KL-2026-000004", who: kees, respondent: "jan@example.nl", received: ams(2026, 6, 1)})
	caselessMail(t, s, jan, ams(2026, 11, 1))
	caselessMail(t, s, piet, ams(2026, 11, 1))
	r := newRecords(s, ams(2026, 12, 1))
	var b bytes.Buffer
	idx, err := r.SubjectAccess(ctx, "Jan@Example.nl", &b)
	if err != nil {
		t.Fatal(err)
	}
	files := unzip(t, b.Bytes())
	var all []byte
	var emls int
	for n, f := range files {
		all = append(all, f...)
		if strings.HasSuffix(n, ".eml") {
			emls++
		}
	}
	for i, raw := range rawOf(t, s, "jan@example.nl") {
		if !bytes.Contains(all, raw) {
			t.Errorf("mail %d of jan is not in the zip", i)
		}
	}
	// jan: 2 cases × (2 in + ack out) + 1 case-less = 7; kees's case (jan is the respondent): no mail of or to jan.
	if emls != 7 || len(idx.Cases) != 3 || len(idx.Caseless) != 1 {
		t.Errorf("%d .eml, %d cases, %d case-less; want 7, 3, 1: %v", emls, len(idx.Cases), len(idx.Caseless), names(files))
	}
	for _, other := range []string{"piet", "Piet Pieters", "KL-2026-000002"} {
		if bytes.Contains(all, []byte(other)) {
			t.Errorf("the zip holds %q of another person's case: %v", other, names(files))
		}
	}
	if bytes.Contains(all, []byte("Kees Klaver")) && !bytes.Contains(files["index.html"], []byte("KL-2026-000004")) {
		t.Errorf("kees's mails are in jan's zip")
	}
	for _, want := range []string{"index.html", "KL-2026-000001/timeline.json", "KL-2026-000001/mails/001-in-complaint.eml"} {
		if _, ok := files[want]; !ok {
			t.Errorf("zip lacks %s: %v", want, names(files))
		}
	}
	if !bytes.Contains(files["index.html"], []byte(`href="KL-2026-000001/mails/001-in-complaint.eml"`)) {
		t.Errorf("index does not link the mails:\n%s", files["index.html"])
	}
	var pdfs int
	for n := range files {
		if strings.Contains(n, "bijlagen/") && strings.HasSuffix(n, ".pdf") {
			pdfs++
		}
	}
	if pdfs != 5 {
		t.Errorf("%d attachments, want 5 (one per mail of jan): %v", pdfs, names(files))
	}
}

// An erasure request is refused for a case under its term, on hold or
// open, with the reason; a case past its term is purged, and mails
// without a case go at once.
func TestEraseRefusesWhatTheLawKeeps(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	addCase(t, s, caseSpec{ref: "KL-2019-000001", who: jan, received: ams(2019, 3, 2), closed: ams(2019, 4, 1), outcome: "gegrond"})
	addCase(t, s, caseSpec{ref: "KL-2019-000002", who: jan, received: ams(2019, 3, 3), closed: ams(2019, 4, 1), outcome: "gegrond"})
	addCase(t, s, caseSpec{ref: "KL-2025-000001", who: jan, received: ams(2025, 3, 2), closed: ams(2025, 4, 1), outcome: "ongegrond"})
	addCase(t, s, caseSpec{ref: "KL-2026-000001", who: jan, received: ams(2026, 11, 2)})
	caselessMail(t, s, jan, ams(2026, 11, 20))
	s.SetHold(ctx, "KL-2019-000002", "rechtszaak", "cli:test", ams(2026, 1, 1))
	r := newRecords(s, ams(2026, 12, 1))
	res, err := r.Erase(ctx, "jan@example.nl")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Erased) != 1 || res.Erased[0] != "KL-2019-000001" || res.Caseless != 1 {
		t.Errorf("erased %v and %d case-less", res.Erased, res.Caseless)
	}
	for ref, want := range map[string]string{
		"KL-2019-000002": "(juridische blokkade): rechtszaak",
		"KL-2025-000001": "bewaartermijn (awb, 5 jaar na sluiting) loopt tot 2030-04-01",
		"KL-2026-000001": "nog in behandeling",
	} {
		if !strings.Contains(res.Refused[ref], want) {
			t.Errorf("%s refused %q, want %q", ref, res.Refused[ref], want)
		}
	}
	if n := count(t, s, `SELECT count(*) FROM messages WHERE from_address = 'jan@example.nl'`); n != 6 {
		t.Errorf("%d mails of jan left, want 6 (three kept cases)", n)
	}
}

// writeTemp writes b to a file in a directory the browser may read.
func writeTemp(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// keepShot saves a screenshot where a person can look at it:
// $KLACHTD_SCREENSHOTS or the test's temp dir; the path is logged.
func keepShot(t *testing.T, name string, png []byte) {
	t.Helper()
	dir := os.Getenv("KLACHTD_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d bytes)", p, len(png))
}

var _ = records.Year
