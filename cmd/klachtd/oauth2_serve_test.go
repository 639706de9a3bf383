package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/mailbox/mailboxtest"
	"github.com/klachtd/klachtd/internal/oauth/oauthtest"
	"github.com/klachtd/klachtd/internal/outbox/smtptest"
	"github.com/klachtd/klachtd/internal/store/storetest"
)

// `klachtd serve` configured only by environment, with KLACHTD_IMAP_AUTH and
// KLACHTD_SMTP_AUTH oauth2 and a loopback token URL, takes a complaint in
// from Dovecot and sends the acknowledgement over XOAUTH2; /metrics shows the
// counters move. When the client secret is revoked and the session dropped,
// the log says why intake stopped and /healthz turns 503; after the secret
// is fixed and SIGHUP sent, intake resumes by itself.
func TestServeOAuth2FromEnvironment(t *testing.T) {
	tok := oauthtest.Start(t, oauthtest.Options{Username: mailboxtest.DovecotUsername})
	dc := mailboxtest.StartDovecot(t, mailboxtest.WithOAuth2(tok.IntrospectionURL))
	smtp, err := smtptest.StartOAuth2(tok.IntrospectionURL)
	if err != nil {
		t.Fatal(err)
	}
	defer smtp.Close()
	listen := freeAddr(t)
	env := map[string]string{
		"KLACHTD_DATABASE_URL": storetest.DSN(t), "KLACHTD_IMAP_ADDRESS": dc.Addr, "KLACHTD_IMAP_TLS": "none",
		"KLACHTD_IMAP_USERNAME": dc.Username, "KLACHTD_IMAP_AUTH": "oauth2", "KLACHTD_IMAP_POLL_INTERVAL": "30s",
		"KLACHTD_SMTP_ADDRESS": smtp.Addr, "KLACHTD_SMTP_TLS": "none",
		"KLACHTD_SMTP_AUTH": "oauth2", "KLACHTD_SMTP_USERNAME": dc.Username,
		"KLACHTD_OAUTH2_PROVIDER": "custom", "KLACHTD_OAUTH2_TOKEN_URL": tok.TokenURL,
		"KLACHTD_OAUTH2_CLIENT_ID": tok.ClientID, "KLACHTD_OAUTH2_CLIENT_SECRET": tok.ClientSecret(),
		"KLACHTD_INTAKE_ADDRESS": "klachten@gemeente.example", "KLACHTD_INTAKE_NAME": "Klachtenmeldpunt",
		"KLACHTD_HTTP_LISTEN": listen,
	}
	for k, v := range env {
		t.Setenv(k, v)
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	var stderr syncBuffer
	exit := make(chan int, 1)
	go func() { exit <- run(ctx, []string{"serve", "--migrate"}, nil, &stderr, &stderr) }()

	if err := dc.AppendIMAP("INBOX", []byte(strings.ReplaceAll(complaint, "\n", "\r\n")), time.Now()); err != nil {
		t.Fatal(err)
	}
	wait, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if _, err := smtp.WaitFor(wait, 1); err != nil {
		t.Fatalf("no acknowledgement from serve: %v\n%s", err, stderr.String())
	}
	until(t, wait, "the complaint counted in /metrics", func() bool {
		_, body := httpGet(t, "http://"+listen+"/metrics")
		return strings.Contains(body, `klachtd_mails_handled_total{disposition="processed",kind="complaint"} 1`) &&
			strings.Contains(body, `klachtd_deliveries_total{kind="ack",result="sent"} 1`)
	})
	until(t, wait, "/healthz 200", func() bool { code, _ := httpGet(t, "http://"+listen+"/healthz"); return code == 200 })

	// The secret is revoked at the provider and the session ends.
	tok.SetClientSecret("rotated-secret")
	tok.RevokeAll()
	if err := dc.Kick(); err != nil {
		t.Fatal(err)
	}
	until(t, wait, "the log naming the refused secret", func() bool {
		return strings.Contains(stderr.String(), "mailbox_reconnect") && strings.Contains(stderr.String(), "invalid_client")
	})
	until(t, wait, "/healthz 503", func() bool {
		code, body := httpGet(t, "http://"+listen+"/healthz")
		return code == http.StatusServiceUnavailable && strings.Contains(body, "invalid_client")
	})

	// The operator fixes the secret and sends SIGHUP.
	t.Setenv("KLACHTD_OAUTH2_CLIENT_SECRET", "rotated-secret")
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	until(t, wait, "intake to recover", func() bool { return strings.Contains(stderr.String(), "mailbox_recovered") })
	second := strings.NewReplacer("complaint-1@", "complaint-2@", "Overlast bouwplaats", "Geluidsoverlast", "\n", "\r\n").Replace(complaint)
	if err := dc.AppendIMAP("INBOX", []byte(second), time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := smtp.WaitFor(wait, 2); err != nil {
		t.Fatalf("no acknowledgement after the reload: %v\n%s", err, stderr.String())
	}
	stop()
	if code := <-exit; code != 0 {
		t.Errorf("serve exited %d:\n%s", code, stderr.String())
	}
	if strings.Contains(stderr.String(), "rotated-secret") || strings.Contains(stderr.String(), oauthtest.DefaultClientSecret) {
		t.Error("a client secret appears in the log")
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// until polls cond every 20ms until it holds or ctx ends.
func until(t *testing.T, ctx context.Context, what string, cond func() bool) {
	t.Helper()
	for tick := time.NewTicker(20 * time.Millisecond); !cond(); {
		select {
		case <-tick.C:
		case <-ctx.Done():
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}
