package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/klachtd/klachtd/internal/config"
	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/mailbox"
	"github.com/klachtd/klachtd/internal/mailbox/mailboxtest"
	"github.com/klachtd/klachtd/internal/outbox"
	"github.com/klachtd/klachtd/internal/outbox/smtptest"
	"github.com/klachtd/klachtd/internal/schedule"
	"github.com/klachtd/klachtd/internal/store"
	"github.com/klachtd/klachtd/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// harness is the whole daemon between an in-memory IMAP server, a recording
// SMTP server and a fresh database, on a fixed clock.
type harness struct {
	t    *testing.T
	imap *mailboxtest.MemServer
	smtp *smtptest.Server
	d    *Daemon
	cfg  *config.Config
	now  time.Time
}

func newHarness(t *testing.T, extraEnv ...string) *harness {
	t.Helper()
	h := &harness{t: t, now: time.Date(2026, 11, 2, 9, 0, 0, 0, deadline.Location())}
	dsn := storetest.DSN(t)
	h.imap = mailboxtest.StartMemServer(t, mailboxtest.MemOptions{})
	var err error
	if h.smtp, err = smtptest.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.smtp.Close() })
	env := map[string]string{
		"KLACHTD_DATABASE_URL": dsn, "KLACHTD_IMAP_ADDRESS": h.imap.Addr, "KLACHTD_IMAP_TLS": "none",
		"KLACHTD_IMAP_USERNAME": h.imap.Username, "KLACHTD_IMAP_PASSWORD": h.imap.Password,
		"KLACHTD_SMTP_ADDRESS": h.smtp.Addr, "KLACHTD_SMTP_TLS": "none",
		"KLACHTD_INTAKE_ADDRESS": "klachten@gemeente.example", "KLACHTD_INTAKE_NAME": "Klachtenmeldpunt",
		"KLACHTD_POLICY_PRESET": "awb",
	}
	for i := 0; i+1 < len(extraEnv); i += 2 {
		env[extraEnv[i]] = extraEnv[i+1]
	}
	if h.cfg, err = config.Load("", func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	h.d = h.daemon()
	return h
}

// daemon builds a new daemon instance on the same servers, as a restart would.
func (h *harness) daemon() *Daemon {
	h.t.Helper()
	d := &Daemon{Config: h.cfg, Now: func() time.Time { return h.now }, QueuePoll: 20 * time.Millisecond}
	if err := d.Open(context.Background()); err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { d.Close() })
	return d
}

func (h *harness) deliver(raw string, at time.Time) {
	h.t.Helper()
	if _, err := h.imap.Append("INBOX", []byte(strings.ReplaceAll(raw, "\n", "\r\n")), at); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) runOnce() {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := h.d.RunOnce(ctx); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) count(query string, args ...any) int {
	h.t.Helper()
	var n int
	if err := h.d.Store.DB().QueryRow(query, args...).Scan(&n); err != nil {
		h.t.Fatal(err)
	}
	return n
}

func (h *harness) folder(name string) int {
	h.t.Helper()
	ms, err := h.imap.List(name)
	if err != nil {
		h.t.Fatalf("list %s: %v", name, err)
	}
	return len(ms)
}

const complaint = `From: Jan de Vries <jan@example.nl>
To: klachten@gemeente.example
Subject: Overlast bouwplaats
Date: Mon, 2 Nov 2026 08:12:31 +0100
Message-ID: <complaint-1@example.nl>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Sinds drie weken begint de bouwplaats elke ochtend om half zes met heien.
Ik vind dat de gemeente moet optreden en wil graag weten wat u gaat doen.
`

func TestComplaintOpensCaseAndIsAcknowledgedOnce(t *testing.T) {
	h := newHarness(t)
	received := time.Date(2026, 11, 2, 8, 12, 40, 0, deadline.Location())
	h.deliver(complaint, received)
	h.runOnce()

	c, err := h.d.Store.CaseByRef(context.Background(), "KL-2026-000001")
	if err != nil {
		t.Fatal(err)
	}
	if !c.ReceivedAt.Equal(received) {
		t.Errorf("received_at = %v, want the delivery time %v", c.ReceivedAt, received)
	}
	// Awb 9:11: six weeks after 2 November 2026 is Monday 14 December 2026.
	if got := c.DecisionDue.String(); got != "2026-12-14" {
		t.Errorf("decision due = %s, want 2026-12-14", got)
	}
	if c.ComplainantAddress != "jan@example.nl" || c.ComplainantName != "Jan de Vries" {
		t.Errorf("complainant = %q <%s>", c.ComplainantName, c.ComplainantAddress)
	}
	mails := h.smtp.Mails()
	if len(mails) != 1 {
		t.Fatalf("%d mails sent, want 1 acknowledgement", len(mails))
	}
	ack := mustParse(t, mails[0].Data)
	checks := []struct{ header, want string }{
		{"Subject", "[KL-2026-000001] Ontvangstbevestiging: Overlast bouwplaats"},
		{"In-Reply-To", "<complaint-1@example.nl>"},
		{"References", "<complaint-1@example.nl>"},
		{"Auto-Submitted", "auto-replied"},
		{"X-Auto-Response-Suppress", "All"},
	}
	for _, c := range checks {
		if got := ack.Header.Get(c.header); got != c.want {
			t.Errorf("ack %s = %q, want %q", c.header, got, c.want)
		}
	}
	if from, _ := mail.ParseAddress(ack.Header.Get("From")); from == nil || from.Address != "klachten@gemeente.example" {
		t.Errorf("ack From = %q, want the intake address", ack.Header.Get("From"))
	}
	if id := ack.Header.Get("Message-Id"); !strings.HasSuffix(id, "@gemeente.example>") {
		t.Errorf("ack Message-ID = %q, want our own id in the intake's domain", id)
	}
	if mails[0].Rcpt[0] != "jan@example.nl" {
		t.Errorf("ack sent to %v", mails[0].Rcpt)
	}
	body := string(mails[0].Data)
	for _, want := range []string{"KL-2026-000001", "14 december 2026", "2 november 2026 om 08:12"} {
		if !strings.Contains(body, want) {
			t.Errorf("ack body lacks %q", want)
		}
	}
	if n := h.folder("INBOX"); n != 0 {
		t.Errorf("%d mails left in INBOX", n)
	}
	if n := h.folder("Processed"); n != 1 {
		t.Errorf("%d mails in Processed, want 1", n)
	}
	if n := h.count(`SELECT count(*) FROM outbox WHERE status = 'sent' AND kind = 'ack'`); n != 1 {
		t.Errorf("%d sent acks in the outbox, want 1", n)
	}
}

func TestSameMailTwiceIsOneCase(t *testing.T) {
	h := newHarness(t)
	at := time.Date(2026, 11, 2, 8, 13, 0, 0, deadline.Location())
	h.deliver(complaint, at)
	h.deliver(complaint, at.Add(time.Minute)) // the MTA delivered it twice
	h.runOnce()
	h.deliver(complaint, at.Add(time.Hour)) // and once more, later
	h.runOnce()
	if n := h.count(`SELECT count(*) FROM cases`); n != 1 {
		t.Errorf("%d cases, want 1", n)
	}
	if n := h.count(`SELECT count(*) FROM messages`); n != 1 {
		t.Errorf("%d message rows, want 1", n)
	}
	if n := len(h.smtp.Mails()); n != 1 {
		t.Errorf("%d mails sent, want 1 acknowledgement", n)
	}
	if n := h.folder("Processed"); n != 3 {
		t.Errorf("%d mails in Processed, want all 3 copies moved", n)
	}
}

// A crash after the transaction committed but before the mail was moved: the
// next daemon sees the mail again, recognises it, and moves it.
func TestCrashBetweenCommitAndMove(t *testing.T) {
	h := newHarness(t)
	at := time.Date(2026, 11, 2, 8, 13, 0, 0, deadline.Location())
	h.deliver(complaint, at)
	msgs, err := h.imap.List("INBOX")
	if err != nil || len(msgs) != 1 {
		t.Fatalf("inbox: %v %v", msgs, err)
	}
	// The first daemon handles the mail (commit) and dies before the move.
	raw := []byte(strings.ReplaceAll(complaint, "\n", "\r\n"))
	st, err := h.imap.User.Status("INBOX", &imap.StatusOptions{UIDValidity: true})
	if err != nil {
		t.Fatal(err)
	}
	mb := mailbox.Mail{Mailbox: "INBOX", UIDValidity: st.UIDValidity, UID: uint32(msgs[0].UID), InternalDate: at, Raw: raw, Size: int64(len(raw))}
	if _, err := h.d.Intake.Handle(context.Background(), mb); err != nil {
		t.Fatal(err)
	}
	h.d.Close()

	h.d = h.daemon() // restart
	h.runOnce()
	if n := h.count(`SELECT count(*) FROM cases`); n != 1 {
		t.Errorf("%d cases, want 1", n)
	}
	if n := h.count(`SELECT count(*) FROM outbox`); n != 1 {
		t.Errorf("%d outgoing mails, want 1", n)
	}
	if n := len(h.smtp.Mails()); n != 1 {
		t.Errorf("%d mails sent, want 1", n)
	}
	if in, done := h.folder("INBOX"), h.folder("Processed"); in != 0 || done != 1 {
		t.Errorf("INBOX %d, Processed %d; want 0 and 1", in, done)
	}
}

const outOfOffice = `From: Petra Jansen <petra@example.org>
To: klachten@gemeente.example
Subject: Automatisch antwoord: Uw melding
Date: Mon, 2 Nov 2026 08:47:10 +0100
Message-ID: <ooo-1@example.org>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Ik ben tot en met 13 november afwezig.
`

func TestOutOfOfficeIsStoredNotAnswered(t *testing.T) {
	h := newHarness(t)
	h.deliver(outOfOffice, time.Date(2026, 11, 2, 8, 47, 0, 0, deadline.Location()))
	h.runOnce()
	if n := h.count(`SELECT count(*) FROM messages WHERE kind = 'auto_reply' AND case_id IS NULL`); n != 1 {
		t.Errorf("%d stored auto-replies without a case, want 1", n)
	}
	if n := h.count(`SELECT count(*) FROM cases`); n != 0 {
		t.Errorf("%d cases, want 0", n)
	}
	if n := len(h.smtp.Mails()); n != 0 {
		t.Errorf("%d mails sent to an out-of-office reply, want 0", n)
	}
	if n := h.folder("Processed"); n != 1 {
		t.Errorf("%d mails in Processed, want 1", n)
	}
}

func TestOversizedMailIsQuarantinedAndTheQueueGoesOn(t *testing.T) {
	h := newHarness(t, "KLACHTD_LIMITS_MAX_MESSAGE_BYTES", "2000")
	at := time.Date(2026, 11, 2, 8, 0, 0, 0, deadline.Location())
	// No usable sender: a mail over a limit with a sender opens a case
	// (intake_test.go); this one can only go to quarantine.
	big := strings.NewReplacer("<complaint-1@", "<big-1@", "From: Jan de Vries <jan@example.nl>", "From: Jan de Vries").
		Replace(complaint) + strings.Repeat("Een heel lange klacht.\n", 200)
	h.deliver(big, at)
	h.deliver(complaint, at.Add(time.Minute))
	h.runOnce()
	if n := h.count(`SELECT count(*) FROM messages`); n != 2 {
		t.Errorf("%d messages stored, want both", n)
	}
	if n := h.count(`SELECT count(*) FROM messages WHERE quarantined AND message_id = 'big-1@example.nl' AND case_id IS NULL`); n != 1 {
		t.Errorf("the oversized mail is not stored flagged as quarantined")
	}
	if n := h.count(`SELECT count(*) FROM cases`); n != 1 {
		t.Errorf("%d cases, want 1 (the good complaint)", n)
	}
	if in, q, p := h.folder("INBOX"), h.folder("Quarantine"), h.folder("Processed"); in != 0 || q != 1 || p != 1 {
		t.Errorf("INBOX %d, Quarantine %d, Processed %d; want 0, 1, 1", in, q, p)
	}
	// The managers' digest names it, so that nobody's complaint sits unseen in a folder.
	h.d.Sweeper.SetStaff(schedule.Staff{Managers: []outbox.Address{{Name: "Manager", Address: "manager@gemeente.example"}}})
	h.d.SweepOnce = true
	h.runOnce()
	var digest string
	for _, m := range h.smtp.Mails() {
		if m.Rcpt[0] == "manager@gemeente.example" {
			digest = decodeQP(string(m.Data))
		}
	}
	if !strings.Contains(digest, "In quarantaine") || !strings.Contains(digest, "(geen afzender): Overlast bouwplaats") {
		t.Errorf("the digest does not report the quarantined mail:\n%s", digest)
	}
}

func mustParse(t *testing.T, raw []byte) *mail.Message {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("parse sent mail: %v\n%s", err, raw)
	}
	return m
}

// Two instances on one database and one mailbox: whatever the interleaving,
// one case and one acknowledgement.
func TestTwoInstancesAcknowledgeOnce(t *testing.T) {
	h := newHarness(t)
	other := h.daemon()
	at := time.Date(2026, 11, 2, 8, 13, 0, 0, deadline.Location())
	h.deliver(complaint, at)
	h.deliver(strings.Replace(complaint, "complaint-1@", "complaint-2@", 1), at.Add(time.Minute))
	msgs, err := h.imap.List("INBOX")
	if err != nil {
		t.Fatal(err)
	}
	st, err := h.imap.User.Status("INBOX", &imap.StatusOptions{UIDValidity: true})
	if err != nil {
		t.Fatal(err)
	}
	// Both instances handle both mails at the same time, as if both had fetched them.
	ctx := context.Background()
	errs := make(chan error, 4)
	for _, d := range []*Daemon{h.d, other} {
		for _, m := range msgs {
			go func() {
				_, err := d.Intake.Handle(ctx, mailbox.Mail{Mailbox: "INBOX", UIDValidity: st.UIDValidity, UID: uint32(m.UID),
					InternalDate: m.InternalDate, Raw: m.Raw, Size: int64(len(m.Raw))})
				errs <- err
			}()
		}
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	// Then both run their normal pass concurrently; one of them holds the mailbox lock.
	done := make(chan error, 2)
	for _, d := range []*Daemon{h.d, other} {
		go func() { done <- d.RunOnce(ctx) }()
	}
	for range 2 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if n := h.count(`SELECT count(*) FROM cases`); n != 2 {
		t.Errorf("%d cases, want 2", n)
	}
	if n := h.count(`SELECT count(*) FROM outbox WHERE kind = 'ack'`); n != 2 {
		t.Errorf("%d acknowledgements queued, want 2", n)
	}
	if n := len(h.smtp.Mails()); n != 2 {
		t.Errorf("%d mails sent, want 2", n)
	}
	if h.folder("INBOX") != 0 {
		t.Errorf("mails left in INBOX")
	}
}

// A manager answering the daily digest (our mail that belongs to no case)
// opens no case and gets no acknowledgement.
func TestReplyToDigestOpensNoCase(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	err := h.d.Store.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.InsertOutbox(ctx, &store.OutboxMail{Kind: "digest", MessageID: "klachtd.digest.1@gemeente.example",
			MailFrom: "klachten@gemeente.example", Rcpt: []string{"manager@gemeente.example"}, Raw: []byte("x"), CreatedAt: h.now})
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE outbox SET status = 'sent', attempts = 1`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	h.deliver("From: Manager <manager@gemeente.example>\nTo: klachten@gemeente.example\nSubject: RE: Dagoverzicht klachten\n"+
		"Message-ID: <mgr-1@gemeente.example>\nIn-Reply-To: <klachtd.digest.1@gemeente.example>\nContent-Type: text/plain\n\nWie pakt KL-2026-000004 op?\n",
		h.now)
	h.runOnce()
	if n := h.count(`SELECT count(*) FROM cases`); n != 0 {
		t.Errorf("%d cases opened by a reply to the digest", n)
	}
	if n := h.count(`SELECT count(*) FROM messages`); n != 1 {
		t.Errorf("the reply was not stored")
	}
	if n := len(h.smtp.Mails()); n != 0 {
		t.Errorf("%d mails sent in answer to a manager's reply", n)
	}
}

func dsn(id int, origID, rcpt, action, status string) string {
	return fmt.Sprintf(`Return-Path: <>
From: MAILER-DAEMON@mail.gemeente.example (Mail Delivery System)
To: klachten@gemeente.example
Subject: Undelivered Mail Returned to Sender
Date: Mon, 2 Nov 2026 09:05:00 +0100
Message-ID: <dsn-%d@mail.gemeente.example>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

Your message could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.gemeente.example

Final-Recipient: rfc822; %s
Action: %s
Status: %s

--B
Content-Type: text/rfc822-headers

From: klachten@gemeente.example
To: %s
Message-ID: <%s>
Subject: [KL-2026-000001] Ontvangstbevestiging

--B--
`, id, rcpt, action, status, rcpt, origID)
}

// A bounced acknowledgement flags the case: the complainant's address is bad.
// A delay report does not; neither is answered or opens a case.
func TestBouncedAcknowledgementFlagsTheCase(t *testing.T) {
	h := newHarness(t)
	h.deliver(complaint, time.Date(2026, 11, 2, 8, 12, 0, 0, deadline.Location()))
	h.runOnce()
	ack := mustParse(t, h.smtp.Mails()[0].Data)
	ackID := strings.Trim(ack.Header.Get("Message-Id"), "<>")

	h.deliver(dsn(1, ackID, "jan@example.nl", "delayed", "4.4.7"), h.now)
	h.runOnce()
	if c := h.caseByRef("KL-2026-000001"); c.AckBounced {
		t.Error("a delay report flagged the acknowledgement as bounced")
	}
	h.deliver(dsn(2, ackID, "jan@example.nl", "failed", "5.1.1"), h.now)
	h.runOnce()
	c := h.caseByRef("KL-2026-000001")
	if !c.AckBounced || !c.NeedsReview {
		t.Errorf("after a 5.1.1 bounce: ack_bounced %v, needs_review %v", c.AckBounced, c.NeedsReview)
	}
	if n := h.count(`SELECT count(*) FROM cases`); n != 1 {
		t.Errorf("%d cases: a bounce opened one", n)
	}
	if n := len(h.smtp.Mails()); n != 1 {
		t.Errorf("%d mails sent: a bounce was answered", n)
	}
	if n := h.count(`SELECT count(*) FROM messages WHERE kind = 'bounce' AND case_id = $1`, c.ID); n != 2 {
		t.Errorf("%d bounces stored on the case, want 2", n)
	}
}

// No address gets more than the configured number of automatic mails a day:
// the next complaint opens a case for review, without an acknowledgement.
func TestAutomaticMailsPerSenderAreCapped(t *testing.T) {
	h := newHarness(t, "KLACHTD_INTAKE_AUTO_REPLIES_PER_DAY", "2")
	h.withHandler("")
	for i := 1; i <= 3; i++ {
		h.deliver(strings.Replace(complaint, "complaint-1@", fmt.Sprintf("complaint-cap-%d@", i), 1),
			time.Date(2026, 11, 2, 8, i, 0, 0, deadline.Location()))
	}
	h.runOnce()
	if n := h.count(`SELECT count(*) FROM outbox WHERE rcpt = '{jan@example.nl}'`); n != 2 {
		t.Errorf("%d acknowledgements to one sender, want 2", n)
	}
	if n := h.count(`SELECT count(*) FROM cases`); n != 3 {
		t.Errorf("%d cases, want 3: every complaint is registered", n)
	}
	if n := h.count(`SELECT count(*) FROM cases WHERE needs_review`); n != 1 {
		t.Errorf("%d cases for review, want the capped one", n)
	}
	if n := h.count(`SELECT count(*) FROM case_events WHERE kind = 'ack_withheld'`); n != 1 {
		t.Errorf("%d ack_withheld events, want 1", n)
	}
}

// `klachtd status` says OK while intake reaches the mailbox, and exits 1 with
// the last error once it has not for too long (say, an expired password).
func TestStatusShowsAStalledIntake(t *testing.T) {
	h := newHarness(t)
	h.now = time.Now().Add(-time.Hour) // status compares with the wall clock
	h.deliver(complaint, h.now)
	h.runOnce()
	t.Setenv("KLACHTD_DATABASE_URL", h.cfg.Database.URL)
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"status", "--stale", "2h"}, nil, &out, &errOut); code != 0 {
		t.Fatalf("status exited %d after a good pass:\n%s%s", code, out.String(), errOut.String())
	}
	if !strings.Contains(out.String(), "status               OK") || !strings.Contains(out.String(), "1 open") {
		t.Errorf("status after a good pass:\n%s", out.String())
	}

	// The IMAP password is changed on the server: the next look fails.
	h.cfg.IMAP.Password = "wrong"
	h.d = h.daemon()
	h.now = time.Now()
	if err := h.d.RunOnce(context.Background()); err == nil {
		t.Fatal("RunOnce with a wrong password succeeded")
	}
	out.Reset()
	if code := run(context.Background(), []string{"status", "--json"}, nil, &out, &errOut); code != 1 {
		t.Errorf("status exited %d for a stalled intake, want 1", code)
	}
	var st struct {
		OK       bool     `json:"ok"`
		Problems []string `json:"problems"`
	}
	if err := json.Unmarshal(out.Bytes(), &st); err != nil || st.OK || len(st.Problems) != 1 || !strings.Contains(st.Problems[0], "last error") {
		t.Errorf("status --json = %s (%v)", out.String(), err)
	}
}

// serve refuses a database whose schema is older than the binary, unless
// told to migrate; `klachtd migrate` brings it up to date.
func TestServeRefusesAnOldSchema(t *testing.T) {
	env := map[string]string{
		"KLACHTD_DATABASE_URL": storetest.EmptyDSN(t), "KLACHTD_IMAP_ADDRESS": "127.0.0.1:1", "KLACHTD_IMAP_TLS": "none",
		"KLACHTD_IMAP_USERNAME": "u", "KLACHTD_SMTP_ADDRESS": "127.0.0.1:1", "KLACHTD_SMTP_TLS": "none",
		"KLACHTD_INTAKE_ADDRESS": "klachten@gemeente.example",
	}
	for k, v := range env {
		t.Setenv(k, v)
	}
	var out bytes.Buffer
	if code := run(context.Background(), []string{"serve", "--once"}, nil, &out, &out); code != 1 || !strings.Contains(out.String(), "klachtd migrate") {
		t.Fatalf("serve on an empty database: exit %d\n%s", code, out.String())
	}
	out.Reset()
	if code := run(context.Background(), []string{"migrate"}, nil, &out, &out); code != 0 {
		t.Fatalf("migrate: exit %d\n%s", code, out.String())
	}
	s, err := store.Open(context.Background(), env["KLACHTD_DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.CheckSchema(context.Background()); err != nil {
		t.Errorf("after migrate: %v", err)
	}
}

// The handler's notification carries the complaint's attachments.
func TestNotificationCarriesAttachments(t *testing.T) {
	h := newHarness(t)
	h.withHandler("")
	h.deliver(`From: Jan de Vries <jan@example.nl>
To: klachten@gemeente.example
Subject: Schade aan mijn auto
Date: Mon, 2 Nov 2026 08:12:31 +0100
Message-ID: <with-photo@example.nl>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="X"

--X
Content-Type: text/plain; charset=utf-8

Door een gat in de weg is mijn band kapot. Foto bijgevoegd.

--X
Content-Type: image/jpeg; name="gat.jpg"
Content-Disposition: attachment; filename="gat.jpg"
Content-Transfer-Encoding: base64

/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0a
--X--
`, time.Date(2026, 11, 2, 8, 13, 0, 0, deadline.Location()))
	h.runOnce()
	for _, m := range h.sentSince(0) {
		if m.kind != "notify" {
			continue
		}
		if !strings.Contains(m.body, `filename="gat.jpg"`) || !strings.Contains(m.body, "/9j/4AAQSkZJRgABAQAAAQABAAD") {
			t.Errorf("notification lacks the attachment:\n%s", m.body)
		}
		return
	}
	t.Fatal("no notification sent")
}

// SMTP is never part of intake: with the relay down the complaint is still
// stored, its case opened and its acknowledgement queued; nothing waits on SMTP.
func TestIntakeDoesNotNeedSMTP(t *testing.T) {
	h := newHarness(t)
	h.smtp.Close()
	h.deliver(complaint, time.Date(2026, 11, 2, 8, 12, 0, 0, deadline.Location()))
	h.runOnce()
	if n := h.count(`SELECT count(*) FROM cases`); n != 1 {
		t.Errorf("%d cases with SMTP down, want 1", n)
	}
	if n := h.count(`SELECT count(*) FROM outbox WHERE kind = 'ack' AND status = 'queued' AND attempts = 1 AND last_error <> ''`); n != 1 {
		t.Errorf("the acknowledgement is not queued for a retry")
	}
	if h.folder("Processed") != 1 {
		t.Errorf("the mail was not moved although it was stored")
	}
}
