package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/klachtd/klachtd/internal/records/browsertest"
	"github.com/klachtd/klachtd/internal/web"
)

// The complaint form, driven in headless Chromium against the whole
// daemon: a missing e-mail address is refused with the message next to the
// field and the text kept; filled in, the form opens a case for the person,
// shows its reference, and the acknowledgement goes out by mail. Skipped
// without Chromium unless CI=true (browsertest).
func TestComplaintFormInABrowser(t *testing.T) {
	h := newHarness(t)
	h.withHandler("")
	h.cfg.Form.Definition = "Een klacht is een uiting van ongenoegen over de manier waarop de gemeente u heeft behandeld."
	h.cfg.Form.RegulationURL = "https://www.gemeente-voorbeeld.nl/klachtenregeling"
	h.cfg.Form.PrivacyURL = "https://www.gemeente-voorbeeld.nl/privacy"
	h.cfg.Form.PrivacyText = "Wij gebruiken uw gegevens alleen om uw klacht te behandelen en bewaren ze volgens de wet."
	form, err := web.NewForm(web.FormOptions{Form: h.cfg.Form, Submit: h.d.Intake.Submit, Intake: h.cfg.Intake.Address,
		Organisation: "Gemeente Voorbeeld", Now: func() time.Time { return h.now }})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(form)
	t.Cleanup(srv.Close)
	tab := browsertest.Tab(t)
	t.Cleanup(browsertest.Close)

	run := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(tab, steps...); err != nil {
			t.Fatal(err)
		}
	}
	str := func(a chromedp.Action[string]) string {
		t.Helper()
		v, err := chromedp.Run(tab, a)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}

	run(chromedp.Navigate(srv.URL+"/klacht"), chromedp.WaitVisible("#name"))
	shot, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	writeShot(t, "form.png", shot)

	// Keyboard: Tab goes from the name to the e-mail field.
	run(chromedp.Focus("#name"), chromedp.KeyEvent("\t"))
	if id := str(chromedp.Evaluate[string](`document.activeElement.id`)); id != "email" {
		t.Errorf("after Tab from the name, focus is on %q, want email", id)
	}

	// No e-mail address: refused next to the field, the text kept.
	const what = "Op 28 oktober stond ik een uur aan de balie van Burgerzaken en niemand hielp mij."
	run(chromedp.SendKeys("#name", "Karin de Boer"), chromedp.SendKeys("#what", what),
		chromedp.SendKeys("#department", "Burgerzaken"), chromedp.SendKeys("#desired", "Excuses"),
		chromedp.Click("#consent"), chromedp.Click("button[type=submit]"), chromedp.WaitVisible("#email-error"))
	if msg := str(chromedp.Text("#email-error")); !strings.Contains(msg, "Vul uw e-mailadres in") {
		t.Errorf("error next to the e-mail field = %q", msg)
	}
	if got := str(chromedp.Value("#what")); got != what {
		t.Errorf("the complaint's text was not kept: %q", got)
	}
	if d := str(chromedp.Evaluate[string](`document.querySelector('#email').getAttribute('aria-describedby')`)); !strings.Contains(d, "email-error") {
		t.Errorf("the e-mail field's aria-describedby = %q, want it to name the error", d)
	}
	if n := h.count(`SELECT count(*) FROM cases`); n != 0 {
		t.Fatalf("a refused form opened %d cases", n)
	}
	shot, _ = chromedp.Run(tab, chromedp.FullScreenshot(100))
	writeShot(t, "form-error.png", shot)

	// Filled in: a case, its reference on the page, the acknowledgement by mail.
	run(chromedp.SendKeys("#email", "karin@example.nl"), chromedp.Click("button[type=submit]"), chromedp.WaitVisible("#ref"))
	const ref = "KL-2026-000001"
	if got := str(chromedp.Text("#ref")); got != ref {
		t.Fatalf("reference on the thank-you page = %q, want %s", got, ref)
	}
	c := h.caseByRef(ref)
	f := h.fields(ref)
	if c.ComplainantAddress != "karin@example.nl" || c.ComplainantName != "Karin de Boer" || c.NeedsReview ||
		f.Channel != "formulier" || f.Department != "Burgerzaken" || f.DesiredOutcome != "Excuses" {
		t.Errorf("case %q <%s> review %v, fields %+v", c.ComplainantName, c.ComplainantAddress, c.NeedsReview, f)
	}
	h.runOnce()
	got := h.sentSince(0)
	if !sameKinds(got, "ack→karin@example.nl", "notify→"+handlerAddr) {
		t.Fatalf("sent: %s", kinds(got))
	}
	if n := h.count(`SELECT count(*) FROM messages WHERE mailbox = 'web-form' AND case_id = $1`, c.ID); n != 1 {
		t.Errorf("the submission is not stored as the case's message: %d", n)
	}
}

// writeShot writes a screenshot into the test's output folder (go test
// -artifacts keeps it) and, with KLACHTD_DOCS=1, form.png into docs/ for
// the README.
func writeShot(t *testing.T, name string, png []byte) {
	t.Helper()
	p := filepath.Join(t.ArtifactDir(), name)
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d bytes)", p, len(png))
	if os.Getenv("KLACHTD_DOCS") == "1" && name == "form.png" {
		if err := os.WriteFile(filepath.Join("..", "..", "docs", name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// With [http] listen and [form] enabled, serve's listener has the form at
// /klacht and /complaint, next to /healthz.
func TestFormIsMountedOnTheListener(t *testing.T) {
	h := newHarness(t)
	h.withHandler("")
	h.cfg.HTTP.Listen, h.cfg.Form.Enabled = "127.0.0.1:0", true
	d := h.daemon()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Web.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	for path, want := range map[string]string{"/klacht": `<html lang="nl">`, "/complaint": `<html lang="en">`} {
		resp, err := http.Get("http://" + d.Web.Addr() + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), want) || !strings.Contains(string(body), `name="token"`) {
			t.Errorf("GET %s = %d:\n%.300s", path, resp.StatusCode, body)
		}
	}
}
