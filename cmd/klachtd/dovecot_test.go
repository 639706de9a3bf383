package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/mailbox/mailboxtest"
	"github.com/klachtd/klachtd/internal/outbox/smtptest"
	"github.com/klachtd/klachtd/internal/store/storetest"
)

// `klachtd serve`, configured only through the environment, against a real
// Dovecot over implicit TLS, STARTTLS and (loopback only) plain text: a
// complaint delivered while it runs is acknowledged and moved, and SIGTERM (a
// cancelled context) stops it cleanly.
func TestServeFromEnvironmentAgainstDovecot(t *testing.T) {
	for _, mode := range []string{"implicit", "starttls", "none"} {
		t.Run(mode, func(t *testing.T) { serveAgainstDovecot(t, mode) })
	}
}

func serveAgainstDovecot(t *testing.T, mode string) {
	dc := mailboxtest.StartDovecot(t)
	addr := dc.Addr
	if mode == "implicit" {
		addr = dc.TLSAddr
	}
	smtp, err := smtptest.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer smtp.Close()
	env := map[string]string{
		"KLACHTD_DATABASE_URL": storetest.DSN(t), "KLACHTD_IMAP_ADDRESS": addr, "KLACHTD_IMAP_TLS": mode,
		"KLACHTD_IMAP_CA_FILE":  filepath.Join(dc.Dir, "cert.pem"),
		"KLACHTD_IMAP_USERNAME": dc.Username, "KLACHTD_IMAP_PASSWORD": dc.Password,
		"KLACHTD_IMAP_POLL_INTERVAL": "30s", "KLACHTD_SMTP_ADDRESS": smtp.Addr, "KLACHTD_SMTP_TLS": "none",
		"KLACHTD_INTAKE_ADDRESS": "klachten@gemeente.example", "KLACHTD_INTAKE_NAME": "Klachtenmeldpunt",
	}
	for k, v := range env {
		t.Setenv(k, v)
	}
	ctx, stop := context.WithCancel(context.Background())
	var stderr bytes.Buffer
	exit := make(chan int, 1)
	go func() { exit <- run(ctx, []string{"serve", "--migrate"}, nil, &stderr, &stderr) }()

	raw := strings.ReplaceAll(complaint, "\n", "\r\n")
	if err := dc.AppendIMAP("INBOX", []byte(raw), time.Now()); err != nil {
		t.Fatal(err)
	}
	wait, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	mails, err := smtp.WaitFor(wait, 1)
	if err != nil {
		stop()
		t.Fatalf("no acknowledgement from serve: %v\n%s", err, stderr.String())
	}
	if !bytes.Contains(mails[0].Data, []byte("[KL-")) {
		t.Errorf("first mail is not an acknowledgement:\n%s", mails[0].Data)
	}
	// The move follows the commit; wait for it (up to the guard) before SIGTERM.
	for tick := time.NewTicker(10 * time.Millisecond); ; {
		if ms, _ := dc.List("Processed"); len(ms) == 1 {
			tick.Stop()
			break
		}
		select {
		case <-tick.C:
		case <-wait.Done():
			t.Fatal("the mail was not moved to Processed")
		}
	}
	stop()
	select {
	case code := <-exit:
		if code != 0 {
			t.Errorf("serve exited %d after SIGTERM:\n%s", code, stderr.String())
		}
	case <-wait.Done():
		t.Fatal("serve did not stop after its context was cancelled")
	}
	if strings.Contains(stderr.String(), dc.Password) {
		t.Error("the IMAP password appears in the log")
	}
	processed, err := dc.List("Processed")
	if err != nil {
		t.Fatal(err)
	}
	inbox, _ := dc.List("INBOX")
	if len(processed) != 1 || len(inbox) != 0 {
		t.Errorf("Dovecot: INBOX %d, Processed %d; want 0 and 1", len(inbox), len(processed))
	}
}
