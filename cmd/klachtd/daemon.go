package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"time"

	"github.com/riverqueue/river"
	"golang.org/x/sync/errgroup"

	"github.com/klachtd/klachtd/internal/cases"
	"github.com/klachtd/klachtd/internal/classify"
	"github.com/klachtd/klachtd/internal/config"
	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/mailbox"
	"github.com/klachtd/klachtd/internal/metrics"
	"github.com/klachtd/klachtd/internal/oauth"
	"github.com/klachtd/klachtd/internal/outage"
	"github.com/klachtd/klachtd/internal/outbox"
	"github.com/klachtd/klachtd/internal/parse"
	"github.com/klachtd/klachtd/internal/records"
	"github.com/klachtd/klachtd/internal/schedule"
	"github.com/klachtd/klachtd/internal/store"
	"github.com/klachtd/klachtd/internal/web"
	"github.com/klachtd/klachtd/templates"
)

// Daemon is klachtd with everything wired: Open builds it from Config, Run
// works until the context ends, Close releases it. Tests and the demo set the
// optional fields to run it against in-process servers and a moved clock.
type Daemon struct {
	Config *config.Config
	Logger *slog.Logger
	// Now is the clock for deadlines and events; default time.Now.
	Now func() time.Time
	// Migrate applies pending migrations at Open instead of refusing to start.
	Migrate bool
	// IMAPTLS and SMTPTLS replace the TLS settings (tests: a private CA).
	IMAPTLS, SMTPTLS *tls.Config
	// QueuePoll is how often the delivery queue looks for work; default
	// outbox.DefaultFetchInterval.
	QueuePoll time.Duration
	// SweepOnce makes RunOnce also send the reminders, escalations and
	// digest that are due (serve --once, e.g. from cron).
	SweepOnce bool
	// IMAPSleep replaces the watcher's reconnect wait (tests: record it).
	IMAPSleep func(ctx context.Context, d time.Duration) error
	// OAuth2 are the token source's options (tests: its clock and
	// backoff); Refresh and Logger are set by Open.
	OAuth2 oauth.Options

	// Tokens is the one OAuth2 token source of IMAP and SMTP; nil unless
	// imap.auth or smtp.auth is oauth2.
	Tokens  *oauth.Source
	Metrics *metrics.Metrics
	// Web is the HTTP listener ([http] listen); nil when off.
	Web *web.Server

	Store   *store.Store
	Intake  *cases.Intake
	Watcher *mailbox.Watcher
	Sweeper *schedule.Sweeper
	// Records purges once a day what is past its retention term, when
	// [retention] auto = true (its own loop beside the sweeper).
	Records *records.Records
	river   *river.Client[*sql.Tx]
	smtp    *outbox.SMTP
	outage  *outage.Monitor
}

// Open connects to the database, checks the schema and builds every part.
func (d *Daemon) Open(ctx context.Context) error {
	if d.Now == nil {
		d.Now = time.Now
	}
	tuneGC()
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	c := d.Config
	policy, err := deadline.FromConfig(c.Policy)
	if err != nil {
		return err
	}
	cal, err := deadline.NewCalendar(c.Calendar)
	if err != nil {
		return err
	}
	tpl, err := templates.Load(c.Templates.Dir, deadline.Location())
	if err != nil {
		return err
	}
	if d.IMAPTLS == nil {
		if d.IMAPTLS, err = config.TLSConfig("imap.ca_file", c.IMAP.CAFile); err != nil {
			return err
		}
	}
	if d.SMTPTLS == nil {
		if d.SMTPTLS, err = config.TLSConfig("smtp.ca_file", c.SMTP.CAFile); err != nil {
			return err
		}
	}
	if d.Store, err = store.Open(ctx, c.Database.URL); err != nil {
		return err
	}
	if err := d.schema(ctx); err != nil {
		return err
	}
	// A database outage is one WARN and one INFO, not a stream of errors
	// from every part that notices it.
	d.outage = outage.New(d.Logger, d.Store.DB().PingContext)
	if err := d.openTokens(); err != nil {
		return err
	}
	d.smtp, err = outbox.NewSMTP(outbox.SMTPOptions{
		Address: c.SMTP.Address, TLS: c.SMTP.TLS, Username: c.SMTP.Username, Password: c.SMTP.Password,
		HeloName: c.SMTP.HeloName, TLSConfig: d.SMTPTLS, Timeout: c.SMTP.Timeout.Duration,
		Tokens: d.tokensFor(c.SMTP.Auth),
	})
	if err != nil {
		return err
	}
	d.Metrics = metrics.New()
	worker := &outbox.Worker{Store: d.Store, Sender: d.smtp, Now: d.Now, Logger: d.Logger, JobTimeout: c.SMTP.Timeout.Duration,
		OnDelivery: d.Metrics.Delivered}
	if d.river, err = outbox.NewRiver(d.Store.DB(), worker, d.QueuePoll, d.logFor("delivery_queue")); err != nil {
		return err
	}
	from := outbox.Address{Name: c.Intake.Name, Address: c.Intake.Address}
	queue := outbox.NewQueue(outbox.QueueOptions{From: from, Templates: tpl, River: d.river, Now: d.Now})
	d.Records = records.New(records.Options{Store: d.Store, Policy: policy, MachineMailDays: c.Retention.MachineMailDays, Now: d.Now, Logger: d.Logger})
	d.Intake = cases.NewIntake(cases.Options{
		Store: d.Store.ForAccount(d.account()), Queue: queue, Policy: policy, Calendar: cal,
		Classify: classify.Config{IntakeAddresses: []string{c.Intake.Address}, LoopHeader: outbox.LoopHeader},
		Limits: parse.Limits{MaxMessageBytes: c.Limits.MaxMessageBytes, MaxDepth: c.Limits.MaxMIMEDepth, MaxParts: c.Limits.MaxParts,
			MaxDuration: c.Limits.MaxParseDuration.Duration},
		Language: c.Intake.Language, Intake: c.Intake.Address, IntakeName: c.Intake.Name,
		People: cases.PeopleFromConfig(c), AutoRepliesPerDay: c.Intake.AutoRepliesPerDay, Caps: cases.CapsFromConfig(c.Intake),
		Contact: cases.ContactFromConfig(c.Intake), Now: d.Now, Logger: d.Logger, Dossier: d.dossierZip,
	})
	so := schedule.OptionsFromConfig(c)
	so.Store, so.Queue, so.Policy, so.Calendar, so.Now, so.Logger = d.Store, queue, policy, cal, d.Now, d.logFor("schedule")
	d.Sweeper = schedule.New(so)
	d.Watcher, err = mailbox.New(mailbox.Options{
		Address: c.IMAP.Address, TLS: c.IMAP.TLS, TLSConfig: d.IMAPTLS,
		Username: c.IMAP.Username, Password: c.IMAP.Password, Tokens: d.tokensFor(c.IMAP.Auth),
		Mailbox: c.IMAP.Mailbox, ProcessedMailbox: c.IMAP.ProcessedMailbox, QuarantineMailbox: c.IMAP.QuarantineMailbox,
		PollInterval: c.IMAP.PollInterval.Duration, CommandTimeout: c.IMAP.CommandTimeout.Duration,
		MaxMessageBytes: c.Limits.MaxMessageBytes, Handler: d.countingHandler(d.Intake),
		Locker: d.Store.ForAccount(d.account()), Logger: d.logFor("intake"),
		OnCheck: d.recordCheck, Sleep: d.IMAPSleep,
	})
	if err != nil {
		return err
	}
	return d.openWeb()
}

// logFor is the daemon's logger for a part whose WARN and ERROR lines a
// database outage explains: those are collapsed into the outage's two lines.
func (d *Daemon) logFor(component string) *slog.Logger {
	return slog.New(d.outage.Handler(d.Logger.Handler(), component))
}

func (d *Daemon) schema(ctx context.Context) error {
	if d.Migrate {
		return d.Store.Migrate(ctx)
	}
	return d.Store.CheckSchema(ctx)
}

// Run delivers queued mail and watches the mailbox until ctx ends. On a
// signal the watcher finishes the mail in hand, then the queue drains its
// running deliveries.
func (d *Daemon) Run(ctx context.Context) error {
	if err := d.StartQueue(ctx); err != nil {
		return err
	}
	g, gctx := errgroup.WithContext(ctx)
	if d.Web != nil {
		g.Go(func() error { return d.Web.Run(gctx) })
	}
	g.Go(func() error { return d.Watcher.Run(gctx) })
	g.Go(func() error { return d.Sweeper.Run(gctx) })
	if d.Config.Retention.Auto {
		g.Go(func() error { return d.Records.RunDaily(gctx, 24*time.Hour) })
	}
	err := g.Wait()
	return errors.Join(err, d.StopQueue())
}

// StartQueue starts the delivery workers.
func (d *Daemon) StartQueue(ctx context.Context) error {
	// River's workers outlive a cancelled ctx until StopQueue so that a
	// running SMTP transaction is finished, not cut.
	if err := d.river.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("outbox: start: %w", err)
	}
	return nil
}

// StopQueue lets running deliveries finish, within 30 seconds, then ends
// the idle SMTP connections.
func (d *Daemon) StopQueue() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := d.river.Stop(ctx)
	return errors.Join(err, d.smtp.Close())
}

// Close releases the database.
func (d *Daemon) Close() error {
	if d.Web != nil {
		d.Web.Close()
	}
	if d.outage != nil {
		d.outage.Close()
	}
	if d.Store == nil {
		return nil
	}
	return d.Store.Close()
}

// RunOnce processes what is in the mailbox, waits until every queued mail
// had its first delivery attempt, and returns.
func (d *Daemon) RunOnce(ctx context.Context) error {
	if err := d.StartQueue(ctx); err != nil {
		return err
	}
	_, err := d.Watcher.Once(ctx)
	if errors.Is(err, mailbox.ErrLocked) {
		d.Logger.Info("mailbox_locked_by_another_instance")
		err = nil
	}
	if err == nil && d.SweepOnce {
		err = d.Sweeper.Sweep(ctx)
	}
	err = errors.Join(err, d.Drain(ctx))
	return errors.Join(err, d.StopQueue())
}

// Drain waits until no queued mail is left untried, or ctx ends.
func (d *Daemon) Drain(ctx context.Context) error {
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for {
		n, err := d.Store.UntriedOutbox(ctx)
		if err != nil || n == 0 {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// dossierZip is the dossier of a case as a zip, for the mail command #dossier.
func (d *Daemon) dossierZip(ctx context.Context, ref string) ([]byte, error) {
	var b bytes.Buffer
	if _, err := d.Records.Dossier(ctx, ref, d.Config.Intake.Name, &b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// recordCheck keeps the outcome of every look at the mailbox in the
// database, for `klachtd status` and the digest.
func (d *Daemon) recordCheck(checkErr error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// Scrubbed: the error is shown by `klachtd status` and in the digest.
	checkErr = d.Config.Scrubber().Error(checkErr)
	d.Metrics.MailboxChecked(d.Config.IMAP.Mailbox, d.Now(), checkErr)
	if err := d.Store.ForAccount(d.account()).RecordCheck(ctx, d.Config.IMAP.Mailbox, d.Now(), checkErr); err != nil && !d.outage.Report("intake_status", err) {
		d.Logger.Error("record_check_failed", slog.Any("error", err))
	}
}

// daemonGCPercent is the garbage collector's target unless GOGC is set. The
// daemon's live heap is small (about 20 MB draining a backlog) and most of
// what it allocates is garbage at once (parsed mails, rendered mails,
// SQL parameters): collecting at 200 % instead of Go's 100 % halves the
// collector's share of CPU for some 25 MB more heap at the peak. In the
// intake benchmark (N=10000) the daemon's CPU per mail went 595 -> 537 us.
const daemonGCPercent = 200

// tuneGC sets daemonGCPercent, unless the operator set GOGC.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(daemonGCPercent)
	}
}
