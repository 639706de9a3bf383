package main

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/deadline"
)

// runRecords runs a subcommand against the harness's database.
func (h *harness) runRecords(args ...string) string {
	h.t.Helper()
	h.t.Setenv("KLACHTD_DATABASE_URL", h.cfg.Database.URL)
	h.t.Setenv("KLACHTD_POLICY_PRESET", "awb")
	var out, errOut bytes.Buffer
	if code := run(context.Background(), args, nil, &out, &errOut); code != 0 {
		h.t.Fatalf("klachtd %s exited %d: %s", strings.Join(args, " "), code, errOut.String())
	}
	return out.String()
}

// openAndReply opens case KL-2026-000001 (the complaint, on 2 November,
// with a handler) and, a week later, delivers the handler's reply with text
// to its notification; the caller runs intake.
func (h *harness) openAndReply(text string) {
	h.t.Helper()
	h.withHandler("")
	h.deliver(complaint, time.Date(2026, 11, 2, 8, 0, 0, 0, deadline.Location()))
	h.runOnce()
	var notify sent
	for _, m := range h.sentSince(0) {
		if m.kind == "notify" {
			notify = m
		}
	}
	h.now = time.Date(2026, 11, 9, 10, 0, 0, 0, deadline.Location())
	h.deliver(handlerReply(1, "klachten@gemeente.example", "", messageID(notify), "[KL-2026-000001] Nieuwe klacht", text), h.now)
}

func zipFiles(t *testing.T, path string) map[string][]byte {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, _ := f.Open()
		files[f.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	return files
}

// A case that went through the daemon: its dossier and the subject-access
// export hold its mails; the purge (past the term, with --before a later
// day) keeps the register equal and removes the complainant from the case;
// an open case and a held case stay.
func TestRecordsOfACaseThroughTheDaemon(t *testing.T) {
	h := newHarness(t)
	h.openAndReply("#geen-hoorzitting klager wil niet gehoord worden\n#maatregel bouwtijden in de vergunning uiterlijk 2026-12-15\n#sluit gegrond\n\nBeste heer De Vries,\n\nUw klacht is gegrond.")
	h.deliver(strings.NewReplacer("Jan de Vries <jan@example.nl>", "Piet Pieters <piet@example.nl>",
		"complaint-1@", "complaint-2@", "Overlast bouwplaats", "Afval niet opgehaald").Replace(complaint), h.now)
	h.runOnce()
	if c := h.caseByRef("KL-2026-000001"); !c.ClosedAt.Valid {
		t.Fatalf("case not closed: %+v", c)
	}
	dir := t.TempDir()

	// The dossier: every mail of the case.
	out := h.runRecords("export", "KL-2026-000001", "--out", filepath.Join(dir, "d.zip"))
	files := zipFiles(t, filepath.Join(dir, "d.zip"))
	var emls int
	for n := range files {
		if strings.HasSuffix(n, ".eml") {
			emls++
		}
	}
	mails := h.count(`SELECT count(*) FROM messages WHERE case_id = 1`) + h.count(`SELECT count(*) FROM outbox WHERE case_id = 1`)
	if emls != mails || mails < 5 || !bytes.Contains(files["dossier.html"], []byte(`id="timeline"`)) {
		t.Errorf("dossier: %d .eml of %d mails (%s), dossier.html %d bytes", emls, mails, out, len(files["dossier.html"]))
	}

	// The access request of jan: his mails, nothing of piet's.
	h.runRecords("subject-access", "jan@example.nl", "--out", filepath.Join(dir, "s.zip"))
	var all []byte
	for _, f := range zipFiles(t, filepath.Join(dir, "s.zip")) {
		all = append(all, f...)
	}
	if !bytes.Contains(all, []byte("complaint-1@example.nl")) || bytes.Contains(all, []byte("piet")) {
		t.Errorf("subject access: jan's complaint %v, piet's data %v", bytes.Contains(all, []byte("complaint-1@example.nl")), bytes.Contains(all, []byte("piet")))
	}

	// The purge, as a trial on a day past the awb term, then for real.
	before := h.runRecords("register", "--year", "2026", "--csv") + h.runRecords("register", "--year", "2026")
	if !strings.Contains(before, "1,2026-11,(geen categorie),e-mail,awb,gesloten,gegrond,2026-11,7,true,false,0,1,0") {
		t.Errorf("register --csv lacks the closed case with its measure:\n%s", before)
	}
	dry := h.runRecords("purge", "--dry-run", "--before", "2032-01-01")
	if !strings.Contains(dry, "KL-2026-000001  would purge") || strings.Contains(dry, "KL-2026-000002") {
		t.Errorf("purge --dry-run:\n%s", dry)
	}
	h.runRecords("purge", "--before", "2032-01-01")
	h.runRecords("purge", "--before", "2032-01-01")
	after := h.runRecords("register", "--year", "2026", "--csv") + h.runRecords("register", "--year", "2026")
	if before != after {
		t.Errorf("the register changed:\n%s\n---\n%s", before, after)
	}
	if show := h.runRecords("cases", "show", "KL-2026-000001"); strings.Contains(show, "jan@example.nl") || strings.Contains(show, "Overlast") {
		t.Errorf("the purged case still shows personal data:\n%s", show)
	}
	if n := h.count(`SELECT count(*) FROM messages WHERE case_id = 2`); n != 1 {
		t.Errorf("the open case lost its mail: %d", n)
	}
	if n := h.count(`SELECT count(*) FROM case_events WHERE kind = 'purged'`); n != 1 {
		t.Errorf("%d purge events, want 1", n)
	}
	if out := h.runRecords("hold", "KL-2026-000002", "--reason", "bezwaar loopt"); !strings.Contains(out, "on hold (bezwaar loopt)") {
		t.Errorf("hold: %s", out)
	}
	if out := h.runRecords("subject-access", "piet@example.nl", "--erase"); !strings.Contains(out, "KL-2026-000002  refused: de klacht is nog in behandeling") {
		t.Errorf("subject-access --erase:\n%s", out)
	}
	if n := h.count(`SELECT count(*) FROM messages WHERE case_id = 2`); n != 1 {
		t.Errorf("an erasure request removed an open case's mail")
	}

	// The register page and the quarter report.
	h.runRecords("register", "--year", "2026", "--html", filepath.Join(dir, "r.html"))
	page := zipless(t, filepath.Join(dir, "r.html"))
	if !strings.Contains(page, `<svg id="chart-months"`) || strings.Contains(page, "KL-2026") {
		t.Errorf("register page without charts or with references")
	}
	if rep := h.runRecords("report", "--quarter", "2026Q4"); !strings.Contains(rep, "vergeleken met Klachten 2026Q3") || !regexp.MustCompile(`(?m)^ontvangen +2$`).MatchString(rep) {
		t.Errorf("report:\n%s", rep)
	}
}

func zipless(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A handler's "#bewaren <reden>" puts a legal hold on the case: it is
// confirmed, recorded, and the purge keeps the case past its term.
func TestHoldByMailSurvivesThePurge(t *testing.T) {
	h := newHarness(t)
	h.openAndReply("#bewaren bezwaar bij de Nationale ombudsman\n#geen-hoorzitting klager wil niet gehoord worden\n#sluit gegrond\n\nUw klacht is gegrond.")
	h.runOnce()
	if kinds := h.eventKinds("KL-2026-000001"); !strings.Contains(strings.Join(kinds, " "), "hold") {
		t.Errorf("no hold event: %v", kinds)
	}
	var confirmed bool
	for _, m := range h.sentSince(2) {
		if m.kind == "confirm" && strings.Contains(decodeQP(m.body), "juridische blokkade: bezwaar bij de Nationale ombudsman") {
			confirmed = true
		}
	}
	if !confirmed {
		t.Errorf("the hold was not confirmed to the handler: %s", kinds(h.sentSince(2)))
	}
	out := h.runRecords("purge", "--before", "2040-01-01")
	if !strings.Contains(out, "KL-2026-000001  kept: legal hold (bezwaar bij de Nationale ombudsman)") {
		t.Errorf("purge:\n%s", out)
	}
	if n := h.count(`SELECT count(*) FROM messages WHERE case_id = 1`); n != 2 {
		t.Errorf("the held case has %d mails left, want 2", n)
	}
	// Released by the operator, the next run purges it.
	h.runRecords("hold", "KL-2026-000001", "--release")
	h.runRecords("purge", "--before", "2040-01-01")
	if n := h.count(`SELECT count(*) FROM messages WHERE case_id = 1`); n != 0 {
		t.Errorf("after release %d mails left, want 0", n)
	}

	// One bad mail does not stop the next: an ordinary complaint is
	// still acknowledged exactly once.
	h.deliver(strings.NewReplacer("complaint-1@", "complaint-9@", "jan@", "els@").Replace(complaint), h.now)
	h.runOnce()
	if n := h.count(`SELECT count(*) FROM outbox WHERE kind = 'ack' AND 'els@example.nl' = ANY(rcpt)`); n != 1 {
		t.Errorf("%d acknowledgements to the next complainant, want 1", n)
	}
}

// "#dossier" sends the case's dossier as a zip to the handler who asked,
// and to no one else.
func TestDossierByMail(t *testing.T) {
	h := newHarness(t)
	h.openAndReply("#dossier\n#intern\n\nvoor de ombudsman")
	h.runOnce()
	var dossier *sent
	for _, m := range h.sentSince(2) {
		if m.kind == "dossier" {
			dossier = &m
		}
	}
	if dossier == nil {
		t.Fatalf("no dossier mail: %s", kinds(h.sentSince(2)))
	}
	if len(dossier.rcpt) != 1 || dossier.rcpt[0] != handlerAddr {
		t.Errorf("dossier sent to %v, want only %s", dossier.rcpt, handlerAddr)
	}
	if !strings.Contains(dossier.body, "dossier-KL-2026-000001.zip") || !strings.Contains(dossier.body, "application/zip") {
		t.Errorf("dossier mail without the zip:\n%.600s", dossier.body)
	}
	if n := h.count(`SELECT count(*) FROM case_events WHERE kind = 'dossier_sent'`); n != 1 {
		t.Errorf("%d dossier_sent events, want 1", n)
	}
}
