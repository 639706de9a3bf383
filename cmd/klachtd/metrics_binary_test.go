package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/mailbox/mailboxtest"
	"github.com/klachtd/klachtd/internal/oauth/oauthtest"
	"github.com/klachtd/klachtd/internal/outbox/smtptest"
	"github.com/klachtd/klachtd/internal/store/storetest"
)

// The built binary, configured only by environment with OAuth2 for IMAP and
// SMTP and a loopback token URL, takes a complaint in and acknowledges it;
// `curl 127.0.0.1:PORT/metrics` shows the counters move, and /healthz turns
// 503 (curl --fail exits 22) once the token server is gone and the session
// drops.
func TestBinaryOAuth2MetricsWithCurl(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("no curl")
	}
	bin := buildBinary(t)
	tok := oauthtest.Start(t, oauthtest.Options{Username: mailboxtest.DovecotUsername})
	dc := mailboxtest.StartDovecot(t, mailboxtest.WithOAuth2(tok.IntrospectionURL))
	smtp, err := smtptest.StartOAuth2(tok.IntrospectionURL)
	if err != nil {
		t.Fatal(err)
	}
	defer smtp.Close()
	listen := freeAddr(t)
	env := []string{
		"KLACHTD_DATABASE_URL=" + storetest.DSN(t), "KLACHTD_IMAP_ADDRESS=" + dc.Addr, "KLACHTD_IMAP_TLS=none",
		"KLACHTD_IMAP_USERNAME=" + dc.Username, "KLACHTD_IMAP_AUTH=oauth2", "KLACHTD_IMAP_POLL_INTERVAL=30s",
		"KLACHTD_SMTP_ADDRESS=" + smtp.Addr, "KLACHTD_SMTP_TLS=none",
		"KLACHTD_SMTP_AUTH=oauth2", "KLACHTD_SMTP_USERNAME=" + dc.Username,
		"KLACHTD_OAUTH2_PROVIDER=custom", "KLACHTD_OAUTH2_TOKEN_URL=" + tok.TokenURL,
		"KLACHTD_OAUTH2_CLIENT_ID=" + tok.ClientID, "KLACHTD_OAUTH2_CLIENT_SECRET=" + tok.ClientSecret(),
		"KLACHTD_INTAKE_ADDRESS=klachten@gemeente.example", "KLACHTD_INTAKE_NAME=Klachtenmeldpunt",
		"KLACHTD_HTTP_LISTEN=" + listen,
	}
	migrate := exec.Command(bin, "migrate")
	migrate.Env = append(os.Environ(), env...)
	if out, err := migrate.CombinedOutput(); err != nil {
		t.Fatalf("klachtd migrate: %v\n%s", err, out)
	}
	p := startServe(t, bin, env)
	if err := dc.AppendIMAP("INBOX", []byte(strings.ReplaceAll(complaint, "\n", "\r\n")), time.Now()); err != nil {
		t.Fatal(err)
	}
	wait, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	if _, err := smtp.WaitFor(wait, 1); err != nil {
		t.Fatalf("no acknowledgement from the binary: %v\n%s", err, p.log.String())
	}
	get := func(path string) (string, error) {
		out, err := exec.Command(curl, "-sS", "--fail", "http://"+listen+path).CombinedOutput()
		return string(out), err
	}
	until(t, wait, "the counters in curl's /metrics", func() bool {
		out, err := get("/metrics")
		return err == nil && strings.Contains(out, `klachtd_mails_handled_total{disposition="processed",kind="complaint"} 1`) &&
			strings.Contains(out, `klachtd_deliveries_total{kind="ack",result="sent"} 1`) &&
			strings.Contains(out, "klachtd_oauth2_token_expiry_timestamp_seconds ")
	})
	// The first pass is recorded when it ends, which may be just after the
	// acknowledgement went out: wait for it.
	until(t, wait, "/healthz 200 while all is well", func() bool {
		_, err := get("/healthz")
		return err == nil
	})
	tok.SetClientSecret("rotated")
	tok.RevokeAll()
	if err := dc.Kick(); err != nil {
		t.Fatal(err)
	}
	until(t, wait, "/healthz 503", func() bool {
		out, err := get("/healthz")
		var ee *exec.ExitError
		return err != nil && errors.As(err, &ee) && ee.ExitCode() == 22 && strings.Contains(out, "503")
	})
}
