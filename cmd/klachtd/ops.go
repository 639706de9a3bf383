package main

import (
	"cmp"
	"context"
	"time"

	"github.com/klachtd/klachtd/internal/config"
	"github.com/klachtd/klachtd/internal/mailbox"
	"github.com/klachtd/klachtd/internal/metrics"
	"github.com/klachtd/klachtd/internal/oauth"
	"github.com/klachtd/klachtd/internal/store"
	"github.com/klachtd/klachtd/internal/web"
)

// account is the IMAP account intake reads: checkpoints, status and the
// mailbox lock are kept per account and folder.
func (d *Daemon) account() store.Account {
	return store.Account{Server: d.Config.IMAP.Address, User: d.Config.IMAP.Username}
}

// openTokens builds the one token source of IMAP and SMTP when either logs
// in with OAuth2. Rotated refresh tokens are kept in the database.
func (d *Daemon) openTokens() error {
	if !d.Config.UsesOAuth2() {
		return nil
	}
	o := d.OAuth2
	o.Refresh, o.Logger = d.Store, d.logFor("oauth2")
	var err error
	d.Tokens, err = oauth.NewTokenSource(d.Config.OAuth2, o)
	return err
}

// tokensFor is the token source for a protocol whose auth is auth, or nil
// (an untyped nil, so that the protocol logs in with its password).
func (d *Daemon) tokensFor(auth string) oauth.TokenSource {
	if auth != config.AuthOAuth2 || d.Tokens == nil {
		return nil
	}
	return d.Tokens
}

// openWeb starts the HTTP listener when [http] listen is set, with /healthz
// and /metrics.
func (d *Daemon) openWeb() error {
	d.Metrics.WatchDatabase(d.databaseGauges)
	if d.Tokens != nil {
		d.Metrics.WatchTokens(d.Tokens.State)
	}
	if d.Config.HTTP.Listen == "" {
		return nil
	}
	var err error
	d.Web, err = web.New(web.Options{Listen: d.Config.HTTP.Listen, Health: d.health,
		Metrics: d.Metrics.Handler(), Logger: d.logFor("http")})
	if err != nil {
		return err
	}
	return d.mountForm()
}

func (d *Daemon) databaseGauges(ctx context.Context) (metrics.DatabaseGauges, error) {
	h, err := d.Store.Health(ctx, d.Now())
	if err != nil {
		return metrics.DatabaseGauges{}, err
	}
	return metrics.DatabaseGauges{OutboxQueued: h.OutboxQueued, OutboxRetrying: h.OutboxRetrying,
		OutboxStuck: h.OutboxStuck, OutboxFailed: h.OutboxFailed,
		OpenCases: h.OpenCases, OverdueCases: h.OverdueCases, ReviewCases: h.NeedsReview}, nil
}

// health is /healthz: the database answers, this daemon's mailbox was
// reached within [http] stale, and (with OAuth2) a usable token is at hand
// or was until the last failure. Mailboxes of other instances on the same
// database are `klachtd status`'s business, not this process's health.
func (d *Daemon) health(ctx context.Context) []web.Check {
	sts, err := d.Store.IntakeStatuses(ctx)
	if err != nil {
		return []web.Check{{Name: "database", Detail: "no answer: " + d.Config.Scrubber().Error(err).Error()}}
	}
	checks := []web.Check{{Name: "database", OK: true}}
	folder := d.Config.IMAP.Mailbox
	mb := web.Check{Name: "mailbox " + folder, Detail: "never reached"}
	for _, st := range sts {
		if st.Of(d.account(), folder) {
			stale, why := st.Stale(d.Now(), d.Config.HTTP.Stale.Duration)
			mb.OK, mb.Detail = !stale, why
		}
	}
	checks = append(checks, mb)
	if d.Tokens != nil {
		st := d.Tokens.State()
		st.Err = d.Config.Scrubber().Error(st.Err)
		checks = append(checks, tokenCheck(st, d.Now()))
	}
	return checks
}

// tokenCheck fails when the last token fetch failed and no unexpired token
// is cached: the next login will fail.
func tokenCheck(st oauth.State, now time.Time) web.Check {
	c := web.Check{Name: "oauth2", OK: true}
	if st.Err != nil && (st.Expiry.IsZero() || !now.Before(st.Expiry)) {
		c.OK, c.Detail = false, st.Err.Error()
	}
	return c
}

// countingHandler counts every mail handled in the metrics, by disposition
// and the kind it was stored as (mailbox.Result.Kind: the intake says it, no
// query; "unknown" from a handler that does not).
func (d *Daemon) countingHandler(h mailbox.Handler) mailbox.Handler {
	return &countingHandler{Handler: h, d: d}
}

type countingHandler struct {
	mailbox.Handler
	d *Daemon
}

// Handle is HandleBatch of one mail, so that the kind comes with it.
func (c *countingHandler) Handle(ctx context.Context, m mailbox.Mail) (mailbox.Disposition, error) {
	res, err := c.HandleBatch(ctx, []mailbox.Mail{m})
	if err != nil {
		return mailbox.Processed, err
	}
	return res[0].Disposition, res[0].Err
}

// HandleBatch passes a batch on to the intake (a mailbox.BatchHandler) and
// counts its committed mails; a handler without batches gets the mails one
// at a time.
func (c *countingHandler) HandleBatch(ctx context.Context, ms []mailbox.Mail) ([]mailbox.Result, error) {
	start := time.Now()
	res, err := c.handle(ctx, ms)
	if err != nil {
		return res, err
	}
	per := time.Since(start) / time.Duration(len(ms))
	for _, r := range res {
		if r.Err == nil {
			c.d.Metrics.MailHandled(r.Disposition.String(), cmp.Or(r.Kind, "unknown"), per)
		}
	}
	return res, nil
}

func (c *countingHandler) handle(ctx context.Context, ms []mailbox.Mail) ([]mailbox.Result, error) {
	if bh, ok := c.Handler.(mailbox.BatchHandler); ok {
		return bh.HandleBatch(ctx, ms)
	}
	res := make([]mailbox.Result, len(ms))
	for i, m := range ms {
		res[i].Disposition, res[i].Err = c.Handler.Handle(ctx, m)
	}
	return res, nil
}

func (c *countingHandler) Quarantine(ctx context.Context, m mailbox.Mail, reason error) error {
	start := time.Now()
	if err := c.Handler.Quarantine(ctx, m, reason); err != nil {
		return err
	}
	c.d.Metrics.MailHandled(mailbox.Quarantine.String(), "quarantine", time.Since(start))
	return nil
}
