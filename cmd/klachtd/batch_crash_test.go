package main

import (
	"bytes"
	"context"
	"errors"
	"net/mail"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/mailbox/mailboxtest"
	"github.com/klachtd/klachtd/internal/outbox/smtptest"
	"github.com/klachtd/klachtd/internal/store"
	"github.com/klachtd/klachtd/internal/store/storetest"
)

// A SIGKILL in the middle of a batch: the watcher fetched 200 waiting mails,
// the first 128 as one batch, and stores them 64 to a transaction (one
// savepoint per mail), moving the 128 with one UID MOVE after the second
// commit. The daemon is killed after the first of those commits and before
// the second: between two commits of the batch, with the committed mails
// not yet moved (between commit and move). The restarted daemon hands every
// mail over again; the committed ones are recognised (dedupe) and moved, the
// rest stored. Nothing is lost or doubled: 200 messages, 200 cases, 200
// acknowledgements, each accepted once by SMTP, INBOX empty, no mail left
// marked in hand, and no mail got the safe header read (the transaction
// that was open at the kill held a batch: its mails are parsed again, one at
// a time, not taken for mails that kill).
func TestSIGKILLInTheMiddleOfABatch(t *testing.T) {
	sigkillDuringBatch(t, func(count func(string) int) bool {
		c := count(`SELECT count(*) FROM messages`)
		return c >= 64
	}, func(t *testing.T, committed, inbox int) {
		if committed < 64 || committed >= 128 || inbox != 200 {
			t.Fatalf("killed with %d of 200 mails committed and %d in INBOX: want the kill between the two commits of the first batch, before its move", committed, inbox)
		}
	})
}

// A SIGKILL while a batch transaction is open (its mails marked in hand
// together, none of them committed yet): the restarted daemon finds the
// batch's marks of a dead process and hands those mails over one at a
// time (mail_batch_died_in_hand), each parsed normally: not one of them
// gets the safe header read, which is kept for a mail that killed a
// process alone. Nothing lost or doubled, as above.
func TestSIGKILLDuringABatchTransaction(t *testing.T) {
	p2log := sigkillDuringBatch(t, func(count func(string) int) bool {
		return count(`SELECT count(*) FROM mails_in_hand WHERE in_batch`) > 0
	}, func(t *testing.T, committed, inbox int) {
		if committed >= 128 || inbox != 200 {
			t.Fatalf("killed with %d of 200 mails committed and %d in INBOX: want the kill inside the first batch", committed, inbox)
		}
	})
	if !strings.Contains(p2log, "mail_batch_died_in_hand") {
		t.Errorf("the restarted daemon did not take the dead batch one mail at a time:\n%s", p2log)
	}
}

// sigkillDuringBatch runs klachtd on 200 waiting mails, kills it with
// SIGKILL as soon as killNow says so, checks the state at the kill with
// atKill, restarts it and checks that nothing was lost or doubled. It
// returns the restarted process's log.
func sigkillDuringBatch(t *testing.T, killNow func(count func(string) int) bool, atKill func(t *testing.T, committed, inbox int)) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	const n = 200
	bin := buildBinary(t)
	dsn := storetest.DSN(t)
	imapSrv := mailboxtest.StartMemServer(t, mailboxtest.MemOptions{})
	smtpSrv, err := smtptest.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer smtpSrv.Close()
	// While the first process runs, the relay hangs in DATA: no delivery
	// completes, so that a kill cannot fall between a 250 and its record
	// (the one documented way to send twice) and every acknowledgement
	// counted at the end was sent by the restarted process.
	var hang atomic.Bool
	hang.Store(true)
	release := make(chan struct{})
	smtpSrv.BeforeAccept = func(smtptest.Received) error {
		if hang.Load() {
			<-release
			return errors.New("the client went away")
		}
		return nil
	}
	env := []string{
		"KLACHTD_DATABASE_URL=" + dsn, "KLACHTD_IMAP_ADDRESS=" + imapSrv.Addr, "KLACHTD_IMAP_TLS=none",
		"KLACHTD_IMAP_USERNAME=" + imapSrv.Username, "KLACHTD_IMAP_PASSWORD=" + imapSrv.Password,
		"KLACHTD_SMTP_ADDRESS=" + smtpSrv.Addr, "KLACHTD_SMTP_TLS=none", "KLACHTD_SMTP_TIMEOUT=2s",
		"KLACHTD_INTAKE_ADDRESS=klachten@gemeente.example", "KLACHTD_INTAKE_NAME=Klachtenmeldpunt",
		"KLACHTD_POLICY_PRESET=awb", "KLACHTD_LOG_LEVEL=info",
	}
	at := time.Now().Add(-time.Minute)
	for i := range n {
		if _, err := imapSrv.Append("INBOX", benchMail(i, at), at); err != nil {
			t.Fatal(err)
		}
	}
	s, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	count := func(query string) int {
		t.Helper()
		var c int
		if err := s.DB().QueryRow(query).Scan(&c); err != nil {
			t.Fatal(err)
		}
		return c
	}

	p1 := startServe(t, bin, env)
	for limit := time.Now().Add(60 * time.Second); !killNow(count); time.Sleep(2 * time.Millisecond) {
		select {
		case <-p1.done:
			t.Fatalf("klachtd exited: %v\n%s", p1.err, p1.log.String())
		default:
		}
		if time.Now().After(limit) {
			t.Fatalf("no moment to kill within 60s\n%s", p1.log.String())
		}
	}
	if err := p1.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-p1.done
	close(release)
	committed := count(`SELECT count(*) FROM messages`)
	inbox := len(mustList(t, imapSrv, "INBOX"))
	atKill(t, committed, inbox)
	t.Logf("killed with %d of %d mails committed, none moved", committed, n)

	hang.Store(false)
	p2 := startServe(t, bin, env)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	if _, err := smtpSrv.WaitFor(ctx, n); err != nil {
		t.Fatalf("%d of %d acknowledgements within 90s of the restart\n%s", len(smtpSrv.Mails()), n, p2.log.String())
	}
	for limit := time.Now().Add(30 * time.Second); len(mustList(t, imapSrv, "INBOX")) > 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(limit) {
			t.Fatalf("mails left in INBOX\n%s", p2.log.String())
		}
	}
	if err := p2.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	<-p2.done

	if got := len(mustList(t, imapSrv, "Processed")); got != n {
		t.Errorf("Processed holds %d mails, want %d", got, n)
	}
	for what, query := range map[string]string{
		"messages":          `SELECT count(*) FROM messages`,
		"cases":             `SELECT count(*) FROM cases`,
		"queued acks":       `SELECT count(*) FROM outbox WHERE kind = 'ack'`,
		"distinct sources":  `SELECT count(DISTINCT uid) FROM messages`,
		"acks sent (table)": `SELECT count(*) FROM outbox WHERE kind = 'ack' AND status = 'sent'`,
	} {
		if got := count(query); got != n {
			t.Errorf("%s: %d, want %d", what, got, n)
		}
	}
	if got := count(`SELECT count(*) FROM mails_in_hand`); got != 0 {
		t.Errorf("%d mails still marked in hand", got)
	}
	if got := count(`SELECT count(*) FROM case_events WHERE kind = 'not_read'`); got != 0 {
		t.Errorf("%d mails got the safe header read; a death during a batch points at none of its mails", got)
	}
	acks := map[string]int{}
	for _, m := range smtpSrv.Mails() {
		msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
		if err != nil {
			t.Fatal(err)
		}
		acks[msg.Header.Get("In-Reply-To")]++
	}
	if len(acks) != n || len(smtpSrv.Mails()) != n {
		t.Errorf("SMTP accepted %d mails answering %d complaints, want %d each: nothing lost or doubled", len(smtpSrv.Mails()), len(acks), n)
	}
	return p2.log.String()
}

func mustList(t *testing.T, srv *mailboxtest.MemServer, mailbox string) []mailboxtest.Message {
	t.Helper()
	ms, err := srv.List(mailbox)
	if err != nil {
		t.Fatal(err)
	}
	return ms
}
