package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/config"
	"github.com/klachtd/klachtd/internal/mailbox/mailboxtest"
	"github.com/klachtd/klachtd/internal/oauth/oauthtest"
	"github.com/klachtd/klachtd/internal/outbox/smtptest"
	"github.com/klachtd/klachtd/internal/store/storetest"
)

// oauthRig is the daemon between Dovecot with an oauth2 passdb, the SMTP
// capture server accepting XOAUTH2, and a token server that both ask.
type oauthRig struct {
	t    *testing.T
	tok  *oauthtest.Server
	dc   *mailboxtest.Dovecot
	smtp *smtptest.Server
	env  map[string]string
	d    *Daemon
	log  *bytes.Buffer
	base string // http://listen address
}

func newOAuthRig(t *testing.T) *oauthRig {
	t.Helper()
	r := &oauthRig{t: t, log: &bytes.Buffer{}}
	r.tok = oauthtest.Start(t, oauthtest.Options{Username: mailboxtest.DovecotUsername, Lifetime: 10 * time.Minute})
	r.dc = mailboxtest.StartDovecot(t, mailboxtest.WithOAuth2(r.tok.IntrospectionURL))
	var err error
	if r.smtp, err = smtptest.StartOAuth2(r.tok.IntrospectionURL); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.smtp.Close() })
	r.env = map[string]string{
		"KLACHTD_DATABASE_URL": storetest.DSN(t), "KLACHTD_IMAP_ADDRESS": r.dc.Addr, "KLACHTD_IMAP_TLS": "none",
		"KLACHTD_IMAP_USERNAME": r.dc.Username, "KLACHTD_IMAP_AUTH": "oauth2",
		"KLACHTD_SMTP_ADDRESS": r.smtp.Addr, "KLACHTD_SMTP_TLS": "none",
		"KLACHTD_SMTP_AUTH": "oauth2", "KLACHTD_SMTP_USERNAME": r.dc.Username,
		"KLACHTD_OAUTH2_PROVIDER": "custom", "KLACHTD_OAUTH2_TOKEN_URL": r.tok.TokenURL,
		"KLACHTD_OAUTH2_CLIENT_ID": r.tok.ClientID, "KLACHTD_OAUTH2_CLIENT_SECRET": r.tok.ClientSecret(),
		"KLACHTD_INTAKE_ADDRESS": "klachten@gemeente.example", "KLACHTD_INTAKE_NAME": "Klachtenmeldpunt",
		"KLACHTD_HTTP_LISTEN": "127.0.0.1:0",
	}
	cfg, err := config.Load("", r.getenv)
	if err != nil {
		t.Fatal(err)
	}
	r.d = &Daemon{Config: cfg, Migrate: true, QueuePoll: 20 * time.Millisecond, Now: r.tok.Clock.Now,
		Logger: slog.New(config.ScrubHandler(slog.NewTextHandler(r.log, nil), cfg.Scrubber()))}
	r.d.OAuth2.Now = r.tok.Clock.Now
	if err := r.d.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.d.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.d.Web.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	r.base = "http://" + r.d.Web.Addr()
	return r
}

func (r *oauthRig) getenv(k string) string { return r.env[k] }

func (r *oauthRig) deliver(n int) {
	r.t.Helper()
	raw := strings.ReplaceAll(complaint, "<complaint-1@", "<complaint-"+string(rune('0'+n))+"@")
	raw = strings.ReplaceAll(raw, "Overlast bouwplaats", "Overlast bouwplaats "+string(rune('0'+n)))
	if err := r.dc.AppendIMAP("INBOX", []byte(strings.ReplaceAll(raw, "\n", "\r\n")), time.Now()); err != nil {
		r.t.Fatal(err)
	}
}

func (r *oauthRig) runOnce() error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	return r.d.RunOnce(ctx)
}

// get fetches path from the daemon's HTTP listener.
func (r *oauthRig) get(path string) (int, string) {
	r.t.Helper()
	resp, err := http.Get(r.base + path)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// metric is the value line of name{labels} in /metrics, "" when absent.
func (r *oauthRig) metric(series string) string {
	r.t.Helper()
	_, body := r.get("/metrics")
	for _, l := range strings.Split(body, "\n") {
		if v, ok := strings.CutPrefix(l, series+" "); ok {
			return v
		}
	}
	return ""
}

// TestOAuth2IntakeAndDelivery: intake over Dovecot's oauth2 passdb and the
// acknowledgement over SMTP XOAUTH2, with one token for both; a token that
// expires between two passes is replaced without losing a mail; a revoked
// client secret stops intake with a clear error in the log, in `klachtd
// status`, in /healthz and in /metrics, and intake resumes when the fixed
// secret is reloaded (SIGHUP's Reload).
func TestOAuth2IntakeAndDelivery(t *testing.T) {
	r := newOAuthRig(t)
	r.deliver(1)
	if err := r.runOnce(); err != nil {
		t.Fatalf("first pass: %v\n%s", err, r.log)
	}
	if n := len(r.smtp.Mails()); n != 1 {
		t.Fatalf("%d mails sent over XOAUTH2, want 1 acknowledgement", n)
	}
	if got := r.tok.TokenRequests(); got != 1 {
		t.Errorf("token requests after the first pass = %d, want 1 (IMAP and SMTP share the token)", got)
	}
	if v := r.metric(`klachtd_mails_handled_total{disposition="processed",kind="complaint"}`); v != "1" {
		t.Errorf("mails handled metric = %q, want 1", v)
	}
	if v := r.metric(`klachtd_deliveries_total{kind="ack",result="sent"}`); v != "1" {
		t.Errorf("deliveries metric = %q, want 1", v)
	}
	if code, body := r.get("/healthz"); code != http.StatusOK {
		t.Errorf("/healthz = %d %s, want 200", code, body)
	}

	// The token expires between two passes.
	r.tok.Clock.Advance(11 * time.Minute)
	r.deliver(2)
	if err := r.runOnce(); err != nil {
		t.Fatalf("pass after the token expired: %v\n%s", err, r.log)
	}
	if n := len(r.smtp.Mails()); n != 2 {
		t.Fatalf("%d mails sent after the token expired, want 2", n)
	}
	if got := r.tok.TokenRequests(); got != 2 {
		t.Errorf("token requests = %d, want 2 (one new token for the new pass)", got)
	}

	// The client secret is revoked (rotated at the provider), the tokens too.
	r.tok.SetClientSecret("rotated-secret")
	r.tok.RevokeAll()
	r.deliver(3)
	err := r.runOnce()
	if err == nil || !strings.Contains(err.Error(), "invalid_client") {
		t.Fatalf("pass with a revoked secret = %v, want an error naming invalid_client", err)
	}
	if n := len(r.smtp.Mails()); n != 2 {
		t.Errorf("%d mails sent while intake was stopped, want still 2", n)
	}
	if v := r.metric(`klachtd_mailbox_consecutive_errors{mailbox="INBOX"}`); v != "1" {
		t.Errorf("consecutive errors = %q, want 1", v)
	}
	if v := r.metric(`klachtd_oauth2_refresh_failures_total`); v != "1" {
		t.Errorf("refresh failures = %q, want 1", v)
	}
	code, body := r.get("/healthz")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "invalid_client") {
		t.Errorf("/healthz = %d %s, want 503 naming invalid_client", code, body)
	}
	var hb struct {
		OK     bool
		Checks []struct {
			Name string
			OK   bool
		}
	}
	if err := json.Unmarshal([]byte(body), &hb); err != nil || hb.OK {
		t.Errorf("/healthz body %s: %v", body, err)
	}
	t.Setenv("KLACHTD_DATABASE_URL", r.env["KLACHTD_DATABASE_URL"])
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"status", "--stale", "24h"}, nil, &out, &errOut); code != 0 {
		t.Errorf("status exit %d: %s %s", code, out.String(), errOut.String())
	}
	if !strings.Contains(out.String(), "klachten@"+r.dc.Addr+"/INBOX") || !strings.Contains(out.String(), "invalid_client") {
		t.Errorf("klachtd status does not show the account's error:\n%s", out.String())
	}
	if strings.Contains(r.log.String(), "rotated-secret") || strings.Contains(r.log.String(), oauthtest.DefaultClientSecret) {
		t.Error("a client secret appears in the log")
	}

	// The operator puts the new secret in the config and sends SIGHUP.
	r.env["KLACHTD_OAUTH2_CLIENT_SECRET"] = "rotated-secret"
	if err := r.d.Reload("", r.getenv); err != nil {
		t.Fatal(err)
	}
	if err := r.runOnce(); err != nil {
		t.Fatalf("pass after the reload: %v\n%s", err, r.log)
	}
	if n := len(r.smtp.Mails()); n != 3 {
		t.Errorf("%d mails sent after the reload, want 3", n)
	}
	if v := r.metric(`klachtd_mailbox_consecutive_errors{mailbox="INBOX"}`); v != "0" {
		t.Errorf("consecutive errors after recovery = %q, want 0", v)
	}
	if code, body := r.get("/healthz"); code != http.StatusOK {
		t.Errorf("/healthz after recovery = %d %s", code, body)
	}
	if ms, _ := r.dc.List("Processed"); len(ms) != 3 {
		t.Errorf("%d mails in Processed, want 3", len(ms))
	}
}
