package main

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	_ "github.com/lib/pq"

	"github.com/klachtd/klachtd/internal/config"
	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/mailbox/mailboxtest"
	"github.com/klachtd/klachtd/internal/outbox/smtptest"
	"github.com/klachtd/klachtd/internal/pgtemp"
	"github.com/klachtd/klachtd/internal/schedule"
	"github.com/klachtd/klachtd/internal/store"
)

//go:embed demomail/*.eml
var demoMail embed.FS

const demoIntake = "klachten@gemeente-voorbeeld.nl"

// demo runs the real daemon code between an in-process IMAP server, an
// in-process SMTP server that writes .eml files, and a throwaway database,
// on a clock that starts on Monday 2 November 2026.
type demo struct {
	out    io.Writer
	dir    string
	d      *Daemon
	imap   *mailboxtest.MemServer
	clock  time.Time
	lastID int64
	// stop and lastOutbox: the next sweep stop, the last timed mail printed.
	stop       int
	lastOutbox int64

	mu   sync.Mutex
	sent map[string][]byte // Message-ID → the bytes the SMTP server received
}

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("out", "demo-out", "directory for the mails klachtd sends")
	verbose := fs.Bool("v", false, "show the daemon's log")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	logger := slog.New(slog.DiscardHandler)
	if *verbose {
		logger = slog.New(slog.NewTextHandler(stderr, nil))
	}
	if err := demoMain(ctx, stdout, *dir, logger); err != nil {
		fmt.Fprintln(stderr, "klachtd demo:", err)
		return 1
	}
	return 0
}

func demoMain(ctx context.Context, stdout io.Writer, dir string, logger *slog.Logger) error {
	dsn, cleanup, err := demoDatabase(ctx, stdout)
	if err != nil {
		return err
	}
	defer cleanup()
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	x := &demo{out: stdout, dir: dir, sent: map[string][]byte{},
		clock: time.Date(2026, 11, 2, 9, 0, 0, 0, deadline.Location())}
	smtp, err := smtptest.Start()
	if err != nil {
		return err
	}
	defer smtp.Close()
	smtp.OnMail = x.keep
	if x.imap, err = mailboxtest.NewMemServer(mailboxtest.MemOptions{}); err != nil {
		return err
	}
	defer x.imap.Close()
	cfg, err := config.Load("", demoEnv(dsn, x.imap.Addr, x.imap.Username, x.imap.Password, smtp.Addr))
	if err != nil {
		return err
	}
	cfg.Handlers = []config.Handler{{Name: "Bea de Wit", Address: "b.dewit@gemeente-voorbeeld.nl", Default: true}}
	cfg.Managers = []config.Manager{{Name: "Mark Visser", Address: "m.visser@gemeente-voorbeeld.nl"}}
	x.d = &Daemon{Config: cfg, Logger: logger, Now: x.now, Migrate: true, QueuePoll: 50 * time.Millisecond}
	defer x.d.Close()
	if err := x.d.Open(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Intake %s, policy %q, IMAP %s, SMTP %s\n\n", demoIntake, cfg.Policy.Preset, x.imap.Addr, smtp.Addr)
	return x.story(ctx)
}

// story is the timeline: three mails arrive on Monday morning, the first
// complainant follows up on Tuesday.
func (x *demo) story(ctx context.Context) error {
	for _, f := range []string{"01-complaint-nl.eml", "02-complaint-en.eml", "03-out-of-office.eml",
		"11-form-auto-submitted.eml", "12-bounce-exim.eml"} {
		if err := x.deliver(f, nil); err != nil {
			return err
		}
	}
	if err := x.step(ctx); err != nil {
		return err
	}
	x.clock = time.Date(2026, 11, 3, 7, 5, 0, 0, deadline.Location())
	first, err := x.d.Store.CaseByRef(ctx, "KL-2026-000001")
	if err != nil {
		return err
	}
	ack, err := x.ackMessageID(ctx, first.ID)
	if err != nil {
		return err
	}
	if err := x.deliver("04-followup.eml", map[string]string{"{{ACK_ID}}": ack, "{{SUBJECT}}": first.Subject}); err != nil {
		return err
	}
	if err := x.step(ctx); err != nil {
		return err
	}
	// A phone complaint, registered by the handler on the caller's behalf.
	x.clock = time.Date(2026, 11, 3, 11, 45, 0, 0, deadline.Location())
	if err := x.deliver("14-handler-phone.eml", nil); err != nil {
		return err
	}
	if err := x.step(ctx); err != nil {
		return err
	}
	if err := x.handlerStory(ctx); err != nil {
		return err
	}
	if err := x.sweepUntil(ctx, time.Date(2027, 12, 31, 0, 0, 0, 0, deadline.Location())); err != nil {
		return err
	}
	fmt.Fprintf(x.out, "\nklachtd cases list, on %s:\n", deadline.DateOf(x.clock))
	if err := listCases(ctx, x.d.Store, deadline.DateOf(x.clock), "", false, false, x.out); err != nil {
		return err
	}
	if err := x.records(ctx); err != nil {
		return err
	}
	fmt.Fprintf(x.out, "\nThe mails klachtd sent are in %s/ (open them in any mail client).\n", x.dir)
	fmt.Fprintf(x.out, "Inbox after the run: %s\n", x.folderSummary())
	return nil
}

// handlerStory: the handler answers from Outlook (relayed to the
// complainant), names the person complained about and plans a hearing
// (copy and invitations), extends the English case, records the hearing's
// report and a measure, closes the Dutch one (a decision letter with the
// recourse), and later records that the measure worked.
func (x *demo) handlerStory(ctx context.Context) error {
	for _, st := range []struct {
		day   time.Time
		file  string
		ref   string
		kinds []string // the outbox kinds the mail answers (the newest wins)
	}{
		{time.Date(2026, 11, 4, 10, 35, 0, 0, deadline.Location()), "05-handler-answer.eml", "KL-2026-000001", []string{"notify"}},
		{time.Date(2026, 11, 6, 14, 25, 0, 0, deadline.Location()), "15-handler-phone-close.eml", "KL-2026-000004", []string{"notify"}},
		{time.Date(2026, 11, 10, 11, 25, 0, 0, deadline.Location()), "08-handler-hearing.eml", "KL-2026-000001", []string{"forward"}},
		{time.Date(2026, 11, 23, 14, 5, 0, 0, deadline.Location()), "06-handler-extend.eml", "KL-2026-000002", []string{"notify"}},
		{time.Date(2026, 11, 24, 12, 15, 0, 0, deadline.Location()), "09-handler-report.eml", "KL-2026-000001", []string{"hearing_reminder"}},
		{time.Date(2026, 11, 25, 22, 14, 0, 0, deadline.Location()), "13-forged-handler.eml", "KL-2026-000002", []string{"notify"}},
		{time.Date(2026, 11, 27, 16, 50, 0, 0, deadline.Location()), "07-handler-close.eml", "KL-2026-000001", []string{"forward"}},
		{time.Date(2026, 12, 14, 9, 45, 0, 0, deadline.Location()), "10-handler-effective.eml", "KL-2026-000001", []string{"measure_check"}},
	} {
		if err := x.sweepUntil(ctx, st.day); err != nil {
			return err
		}
		x.clock = st.day
		c, err := x.d.Store.CaseByRef(ctx, st.ref)
		if err != nil {
			return err
		}
		id, err := x.lastSent(ctx, c.ID, st.kinds[0])
		if err != nil {
			return err
		}
		if err := x.deliver(st.file, map[string]string{"{{NOTIFY_ID}}": id, "{{REF}}": st.ref, "{{SUBJECT}}": c.Subject}); err != nil {
			return err
		}
		if err := x.step(ctx); err != nil {
			return err
		}
	}
	return nil
}

func (x *demo) now() time.Time { return x.clock }

// deliver puts a seed mail in the IMAP inbox with its Date as delivery time.
func (x *demo) deliver(name string, vars map[string]string) error {
	raw, err := demoMail.ReadFile("demomail/" + name)
	if err != nil {
		return err
	}
	s := string(raw)
	for k, v := range vars {
		s = strings.ReplaceAll(s, k, v)
	}
	date := x.clock
	if m := regexp.MustCompile(`(?m)^Date: (.+)\r$`).FindStringSubmatch(s); m != nil {
		if t, err := time.Parse("Mon, 2 Jan 2006 15:04:05 -0700", m[1]); err == nil {
			date = t
		}
	}
	_, err = x.imap.Append("INBOX", []byte(s), date)
	return err
}

// step runs the daemon over the mailbox once and prints what happened.
func (x *demo) step(ctx context.Context) error {
	if err := x.d.RunOnce(ctx); err != nil {
		return err
	}
	msgs, err := x.d.Store.MessagesAfter(ctx, x.lastID)
	if err != nil {
		return err
	}
	for _, m := range msgs {
		x.lastID = m.ID
		if err := x.printMessage(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

func (x *demo) printMessage(ctx context.Context, m store.Message) error {
	at := m.InternalDate.In(deadline.Location()).Format("Mon 2 Jan 15:04")
	fmt.Fprintf(x.out, "%s  mail received from %s: %q\n", at, m.FromAddress, m.Subject)
	pad := strings.Repeat(" ", len(at)+2)
	if !m.CaseID.Valid {
		fmt.Fprintf(x.out, "%s→ %s: stored, no case, not answered (%s)\n", pad, m.Kind, strings.Join(m.Reasons, "; "))
		return nil
	}
	evs, err := x.d.Store.EventsOfMessage(ctx, m.ID)
	if err != nil {
		return err
	}
	ref, err := x.d.Store.CaseRef(ctx, m.CaseID.Int64)
	if err != nil {
		return err
	}
	for _, e := range evs {
		fmt.Fprintf(x.out, "%s→ %s\n", pad, x.describe(ctx, ref, e))
	}
	return nil
}

func (x *demo) describe(ctx context.Context, ref string, e store.Event) string {
	if e.Outbox.Valid {
		m, err := x.d.Store.OutboxMail(ctx, e.Outbox.Int64)
		if err != nil {
			return err.Error()
		}
		what := map[string]string{"ack": "acknowledgement", "notify": "notification to the handler",
			"forward": "follow-up forwarded to the handler", "relay": "handler's answer relayed to the complainant",
			"confirm": "confirmation to the handler", "extension": "extension notice to the complainant",
			"extension_respondent": "extension notice to the person complained about",
			"respondent_copy":      "copy of the complaint and its attachments to the person complained about",
			"hearing":              "invitation to the hearing", "committee": "committee notice to the complainant",
			"decision": "decision letter (reasoning, measures, hearing report, recourse) to the complainant"}[m.Kind]
		if what == "" {
			what = m.Kind
		}
		return fmt.Sprintf("%s, %s to %s: %q → %s", what, m.Status, strings.Join(m.Rcpt, ", "), m.Subject, x.file(m, ref))
	}
	var d map[string]any
	json.Unmarshal(e.Detail, &d)
	switch e.Kind {
	case "opened":
		c, err := x.d.Store.CaseByRef(ctx, ref)
		if err != nil {
			return err.Error()
		}
		if d["registrar"] != nil {
			return fmt.Sprintf("#namens: case %s registered on behalf of %s by %s, channel %s, received %s; decision due %s",
				ref, d["on_behalf_of"], d["registrar"], d["channel"], c.ReceivedAt.In(deadline.Location()).Format("Mon 2 Jan 15:04"), c.DecisionDue)
		}
		return fmt.Sprintf("case %s opened (language %s), assigned to %s; decision due %s", ref, c.Language, c.HandlerAddress, c.DecisionDue)
	case "followup_received":
		return fmt.Sprintf("threaded into case %s as a follow-up (no second acknowledgement)", ref)
	case "category_changed":
		return fmt.Sprintf("#categorie: case %s is now in category %q", ref, d["to"])
	case "respondent_set":
		return fmt.Sprintf("#beklaagde: the complaint is about %s <%s>", d["name"], d["address"])
	case "extended":
		return fmt.Sprintf("#verleng: decision due moved from %s to %s (%s)", d["from"], d["to"], d["reason"])
	case "closed":
		return fmt.Sprintf("#sluit: case %s closed, outcome %s", ref, d["outcome"])
	case "answered":
		return "the handler's text (without commands and quoted history) goes to the complainant"
	case "internal_note":
		return "kept as an internal note"
	case "hearing_planned":
		return fmt.Sprintf("#hoorzitting: hearing on case %s at %s (%s)", ref, d["at"], d["place"])
	case "hearing_report":
		return "#verslag: the text is the hearing report (internal, goes with the decision)"
	case "hearing_waived":
		return fmt.Sprintf("#geen-hoorzitting: %s", d["reason"])
	case "respondent_copy":
		return fmt.Sprintf("the person complained about (%s) gets a copy of the complaint", d["to"])
	case "measure_added":
		return fmt.Sprintf("#maatregel: %q, check due %v", d["text"], d["due"])
	case "measure_checked":
		return fmt.Sprintf("#effectief: measure %v worked: %s (%s)", d["n"], d["result"], d["note"])
	case "decision_sent":
		return "the handler's text is the reasoning of the decision letter"
	case "committee":
		return fmt.Sprintf("#commissie: %s; decision due moved from %s to %s", d["name"], d["from"], d["to"])
	case "reopened":
		return fmt.Sprintf("#heropen: case %s taken up again (%s)", ref, d["reason"])
	case "marked_for_review":
		return fmt.Sprintf("marked for review: a person looks at it first (%s)", joinAny(d["reasons"]))
	case "ack_by_post":
		return "no e-mail address: the acknowledgement must go by post (the handler is told)"
	case "form_mail":
		return fmt.Sprintf("a website's form: the complainant is %s, not the web server %s", d["complainant"], d["sender"])
	case "ack_withheld":
		return fmt.Sprintf("no acknowledgement (%s)", joinAny(d["reasons"]))
	case "handler_mail_refused":
		return fmt.Sprintf("refused whole: no command applied, nothing relayed (%s)", d["reason"])
	case "mail_after_closing":
		return fmt.Sprintf("mail to the closed case %s: recorded and forwarded; the case stays closed", ref)
	default:
		return fmt.Sprintf("%s on case %s %s", e.Kind, ref, string(e.Detail))
	}
}

// joinAny joins a JSON list of strings from an event's detail.
func joinAny(v any) string {
	l, _ := v.([]any)
	parts := make([]string, 0, len(l))
	for _, s := range l {
		parts = append(parts, fmt.Sprint(s))
	}
	return strings.Join(parts, "; ")
}

func (x *demo) ackMessageID(ctx context.Context, caseID int64) (string, error) {
	return x.lastSent(ctx, caseID, "ack")
}

// lastSent is the Message-ID of the newest mail of kind sent on a case.
func (x *demo) lastSent(ctx context.Context, caseID int64, kind string) (string, error) {
	ms, err := x.d.Store.OutboxForCase(ctx, caseID)
	if err != nil {
		return "", err
	}
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].Kind == kind {
			return ms[i].MessageID, nil
		}
	}
	return "", fmt.Errorf("no %s mail on case %d", kind, caseID)
}

var messageIDRE = regexp.MustCompile(`(?mi)^Message-Id:\s*<([^>\s]*)>`)

// keep remembers a mail the SMTP server received.
func (x *demo) keep(r smtptest.Received) {
	m := messageIDRE.FindSubmatch(r.Data)
	if m == nil {
		return
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	x.sent[string(m[1])] = r.Data
}

// file writes a sent mail as NN-kind-REF.eml, NN its outbox number, and
// returns the file's name.
func (x *demo) file(m *store.OutboxMail, ref string) string {
	x.mu.Lock()
	data, ok := x.sent[m.MessageID]
	x.mu.Unlock()
	if !ok {
		return "(not delivered)"
	}
	name := filepath.Join(x.dir, fmt.Sprintf("%02d-%s-%s.eml", m.ID, m.Kind, ref))
	if err := os.WriteFile(name, data, 0o644); err != nil {
		return err.Error()
	}
	return name
}

func (x *demo) folderSummary() string {
	var parts []string
	for _, mb := range []string{"INBOX", "Processed", "Quarantine"} {
		ms, err := x.imap.List(mb)
		if err != nil {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s %d", mb, len(ms)))
	}
	return strings.Join(parts, ", ")
}

func demoEnv(dsn, imapAddr, user, pass, smtpAddr string) func(string) string {
	env := map[string]string{
		"KLACHTD_DATABASE_URL":   dsn,
		"KLACHTD_IMAP_ADDRESS":   imapAddr,
		"KLACHTD_IMAP_TLS":       "none",
		"KLACHTD_IMAP_USERNAME":  user,
		"KLACHTD_IMAP_PASSWORD":  pass,
		"KLACHTD_SMTP_ADDRESS":   smtpAddr,
		"KLACHTD_SMTP_TLS":       "none",
		"KLACHTD_INTAKE_ADDRESS": demoIntake,
		"KLACHTD_INTAKE_NAME":    "Klachtenmeldpunt Gemeente Voorbeeld",
		"KLACHTD_POLICY_PRESET":  "awb",
		// The receiving host's Authentication-Results are trusted: a forged
		// handler mail is refused.
		"KLACHTD_INTAKE_TRUSTED_AUTHSERV_ID": "mx.gemeente-voorbeeld.nl",
	}
	return func(k string) string { return env[k] }
}

// demoDatabase gives the demo a fresh database: a new one on the server of
// KLACHTD_DATABASE_URL (dropped afterwards), or a throwaway cluster.
func demoDatabase(ctx context.Context, stdout io.Writer) (dsn string, cleanup func(), err error) {
	if server := os.Getenv("KLACHTD_DATABASE_URL"); server != "" {
		name := fmt.Sprintf("klachtd_demo_%d", os.Getpid())
		if err := execSQL(ctx, server, "CREATE DATABASE "+name); err != nil {
			return "", nil, fmt.Errorf("creating a demo database on KLACHTD_DATABASE_URL: %w", err)
		}
		fmt.Fprintf(stdout, "Database: %s on the server of KLACHTD_DATABASE_URL (dropped afterwards)\n", name)
		u, err := url.Parse(server)
		if err != nil {
			return "", nil, err
		}
		u.Path = "/" + name
		return u.String(), func() { execSQL(context.Background(), server, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)") }, nil
	}
	c, err := pgtemp.Start(ctx)
	if err != nil {
		return "", nil, fmt.Errorf("%w (or set KLACHTD_DATABASE_URL)", err)
	}
	fmt.Fprintln(stdout, "Database: a throwaway PostgreSQL cluster (removed afterwards)")
	return c.DSN, func() { c.Stop() }, nil
}

func execSQL(ctx context.Context, dsn, stmt string) error {
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, stmt)
	return err
}

// demoStops are the moments the demo sweeps for timed work (reminders,
// escalations, digests) with the clock moved there. Digests go out from
// 08:00, so the early stops show reminders alone.
var demoStops = []struct {
	at  time.Time
	why string
}{
	{time.Date(2026, 11, 16, 7, 30, 0, 0, deadline.Location()), "two weeks after receipt"},
	{time.Date(2026, 11, 23, 7, 30, 0, 0, deadline.Location()), "the day before the hearing"},
	{time.Date(2026, 12, 11, 7, 30, 0, 0, deadline.Location()), "the measure's date"},
	{time.Date(2026, 12, 24, 7, 30, 0, 0, deadline.Location()), "10 working days before the extended due date"},
	{time.Date(2027, 1, 12, 9, 0, 0, 0, deadline.Location()), "the day after the extended due date"},
	{time.Date(2027, 1, 12, 15, 0, 0, 0, deadline.Location()), "the same day, a later sweep"},
	{time.Date(2027, 1, 13, 8, 0, 0, 0, deadline.Location()), "the next morning"},
}

// sweepUntil runs the demo's sweep stops before until, in order, each once.
func (x *demo) sweepUntil(ctx context.Context, until time.Time) error {
	for x.stop < len(demoStops) && demoStops[x.stop].at.Before(until) {
		s := demoStops[x.stop]
		x.stop++
		x.clock = s.at
		if err := x.sweep(ctx, s.why); err != nil {
			return err
		}
	}
	return nil
}

// sweep runs the daemon once at the demo clock — a look at the (empty)
// mailbox and the scheduler — lets the queue deliver, and prints the
// reminders, escalations and digests it queued.
func (x *demo) sweep(ctx context.Context, why string) error {
	x.d.SweepOnce = true
	err := x.d.RunOnce(ctx)
	x.d.SweepOnce = false
	if err != nil {
		return err
	}
	at := x.clock.Format("Mon 2 Jan 2006 15:04")
	fmt.Fprintf(x.out, "%s  scheduler sweep (%s)\n", at, why)
	pad := strings.Repeat(" ", len(at)+2)
	ms, err := x.d.Store.OutboxAfter(ctx, x.lastOutbox, []string{"reminder", "escalation", "digest",
		schedule.KindHearingReminder, schedule.KindMeasureCheck, schedule.KindFollowup})
	if err != nil {
		return err
	}
	if len(ms) == 0 {
		fmt.Fprintf(x.out, "%s→ nothing new: every reminder, escalation and digest goes out once\n", pad)
	}
	for i := range ms {
		m := &ms[i]
		x.lastOutbox = m.ID
		// The dedupe key names the point: reminder:<case>:<point>:<date>, digest:<date>:<manager>.
		parts := strings.Split(m.DedupeKey.String, ":")
		name, what := parts[1], m.Kind
		switch m.Kind {
		case "reminder", "escalation":
			if name, err = x.d.Store.CaseRef(ctx, m.CaseID.Int64); err != nil {
				return err
			}
			what = fmt.Sprintf("%s %s", m.Kind, parts[2])
		case schedule.KindHearingReminder, schedule.KindMeasureCheck, schedule.KindFollowup:
			if name, err = x.d.Store.CaseRef(ctx, m.CaseID.Int64); err != nil {
				return err
			}
			what = map[string]string{schedule.KindHearingReminder: "hearing reminder (the day before)",
				schedule.KindMeasureCheck: "measure check (did it work? #effectief)", schedule.KindFollowup: "follow-up question"}[m.Kind]
		case "digest":
			what = "daily digest"
		}
		fmt.Fprintf(x.out, "%s→ %s, %s to %s: %q → %s\n", pad, what, m.Status, strings.Join(m.Rcpt, ", "), m.Subject, x.file(m, name))
	}
	return nil
}
