package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/mailbox/mailboxtest"
	"github.com/klachtd/klachtd/internal/outbox/smtptest"
	"github.com/klachtd/klachtd/internal/store"
	"github.com/klachtd/klachtd/internal/store/storetest"
)

// buildBinary builds bin/klachtd into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "klachtd")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// proc is one `klachtd serve` process and what it logged.
type proc struct {
	cmd  *exec.Cmd
	log  *syncBuffer
	done chan struct{} // closed when the process has exited; then err is set
	err  error
}

func startServe(t *testing.T, bin string, env []string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(bin, "serve"), log: &syncBuffer{}, done: make(chan struct{})}
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.done
		if t.Failed() {
			t.Logf("klachtd log:\n%s", p.log.String())
		}
	})
	return p
}

// A SIGKILL of the daemon while a delivery is in flight (the relay has the
// mail's bytes but has not answered) does not hold the acknowledgement back
// for River's default hour: the restarted daemon retries it within the
// rescue time (here smtp.timeout = 2s, so about 6s plus River's leader
// hand-over), logs the interrupted delivery at WARN, and the complainant
// gets exactly one acknowledgement.
func TestSIGKILLDuringDeliveryIsRetriedSoon(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	dsn := storetest.DSN(t)
	imapSrv := mailboxtest.StartMemServer(t, mailboxtest.MemOptions{})
	smtpSrv, err := smtptest.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer smtpSrv.Close()
	inData := make(chan struct{})
	release := make(chan struct{})
	var first sync.Once
	smtpSrv.BeforeAccept = func(smtptest.Received) error {
		hang := false
		first.Do(func() { hang = true })
		if !hang {
			return nil
		}
		close(inData)
		<-release // the relay hangs in DATA until the test lets go
		return errors.New("the client went away")
	}
	env := []string{
		"KLACHTD_DATABASE_URL=" + dsn, "KLACHTD_IMAP_ADDRESS=" + imapSrv.Addr, "KLACHTD_IMAP_TLS=none",
		"KLACHTD_IMAP_USERNAME=" + imapSrv.Username, "KLACHTD_IMAP_PASSWORD=" + imapSrv.Password,
		"KLACHTD_SMTP_ADDRESS=" + smtpSrv.Addr, "KLACHTD_SMTP_TLS=none", "KLACHTD_SMTP_TIMEOUT=2s",
		"KLACHTD_INTAKE_ADDRESS=klachten@gemeente.example", "KLACHTD_INTAKE_NAME=Klachtenmeldpunt",
		"KLACHTD_POLICY_PRESET=awb", "KLACHTD_LOG_LEVEL=info",
	}
	at := time.Date(2026, 11, 2, 8, 12, 0, 0, deadline.Location())
	if _, err := imapSrv.Append("INBOX", []byte(strings.ReplaceAll(complaint, "\n", "\r\n")), at); err != nil {
		t.Fatal(err)
	}
	p1 := startServe(t, bin, env)
	select {
	case <-inData:
	case <-p1.done:
		t.Fatalf("klachtd exited before delivering: %v\n%s", p1.err, p1.log.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("no delivery reached DATA\n%s", p1.log.String())
	}
	if err := p1.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-p1.done
	close(release)

	p2 := startServe(t, bin, env)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	mails, err := smtpSrv.WaitFor(ctx, 1)
	if err != nil {
		t.Fatalf("no acknowledgement within 90s of the restart (River's default rescue is an hour)\n%s", p2.log.String())
	}
	if !strings.Contains(p2.log.String(), "level=WARN msg=mail_retry_after_interrupted_delivery") {
		t.Errorf("the retried in-flight delivery was not logged at WARN:\n%s", p2.log.String())
	}
	s, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var sent int
	for deadline := time.Now().Add(10 * time.Second); sent != 1 && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		s.DB().QueryRow(`SELECT count(*) FROM outbox WHERE kind = 'ack' AND status = 'sent'`).Scan(&sent)
	}
	if sent != 1 {
		t.Errorf("the acknowledgement is not marked sent")
	}
	if err := p2.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	<-p2.done
	if p2.err != nil {
		t.Errorf("klachtd after SIGTERM: %v", p2.err)
	}
	if n := len(smtpSrv.Mails()); n != 1 || len(mails) != 1 {
		t.Errorf("%d acknowledgements captured, want exactly 1", n)
	}
}
