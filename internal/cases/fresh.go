package cases

import (
	"context"
	"log/slog"
	"time"

	"github.com/klachtd/klachtd/internal/classify"
	"github.com/klachtd/klachtd/internal/config"
	"github.com/klachtd/klachtd/internal/mailbox"
	"github.com/klachtd/klachtd/internal/outbox"
	"github.com/klachtd/klachtd/internal/store"
)

// A backlog is mostly new complaints that thread nowhere: each opens a case
// and gets an acknowledgement (and its handler a notification), nothing
// else. Stored one by one that is about fifteen statements per mail, each a
// round trip to PostgreSQL; stored set-wise it is about ten statements for
// a whole run of them. So a batch (batch.go) stores each run of such mails
// — consecutive in UID order, two or more — in ONE savepoint: one statement
// each to look them up (stored before? the caps' counts), to take their
// references, and to insert their cases, mails, outgoing mails, delivery
// jobs, events and cap counts.
//
// Which mails: freshRun decides from the mail alone (a complaint without
// any sign of a machine or doubt, read in full, with a Message-ID and a
// usable reply address, naming no case and no earlier mail, neither a
// registration nor a form mail; all received in one year). The database
// then cuts the run before the first mail that is stored already (a
// duplicate or a reused Message-ID) or whose acknowledgement a cap or the
// loop guard would withhold, counting the run's own acknowledgements as it
// goes. What is left is exactly what open would do for each mail in turn
// (the same newCase, ackMail, toHandlerMail, events and counts); every
// other mail, and the first mail after a cut, goes the ordinary way, alone
// in its savepoint, so references stay gap-free and in UID order.
//
// A run is all or nothing: when any of its statements fails (a twin stored
// meanwhile by another instance, anything else), the savepoint is rolled
// back and the rest of the batch is taken one mail at a time, so a mail
// that fails still fails alone.

// minRun is the shortest run stored set-wise.
const minRun = 2

// freshMail is one mail of a run.
type freshMail struct {
	m   mailbox.Mail
	t   *take
	row *store.Message
	c   *store.Case
	h   *config.Handler
}

// storeFresh stores the run of new plain complaints at the start of ms
// set-wise in one savepoint and sets their results. n is how many mails it
// stored; 0 when ms[0] does not start a run (hand it over alone); -1 when
// the run failed and was rolled back (nothing of it stays). broken is a
// failure of the transaction itself.
func (in *Intake) storeFresh(ctx context.Context, tx *store.Tx, ms []mailbox.Mail, takes []readResult, res []mailbox.Result, p *People) (n int, broken error) {
	run := freshRun(ms, takes)
	if len(run) < minRun {
		return 0, nil
	}
	if err := tx.Savepoint(ctx); err != nil {
		return 0, err
	}
	now := in.o.Now()
	run, err := in.withinCaps(ctx, tx, run, takes, now)
	if err == nil && len(run) >= minRun {
		err = in.writeRun(ctx, tx, run, p, now)
	}
	if err != nil {
		if rerr := tx.RollbackTo(ctx); rerr != nil {
			return 0, rerr
		}
		in.o.Logger.Warn("mail_run_rolled_back", slog.Uint64("first_uid", uint64(ms[0].UID)), slog.Int("mails", len(run)),
			slog.Any("error", err))
		return -1, nil
	}
	if err := tx.Release(ctx); err != nil {
		return 0, err
	}
	if len(run) < minRun {
		return 0, nil
	}
	for i, f := range run {
		res[i] = mailbox.Result{Disposition: mailbox.Processed, Kind: f.row.Kind}
	}
	in.o.Logger.Debug("mail_run_stored", slog.Uint64("first_uid", uint64(ms[0].UID)), slog.Int("mails", len(run)))
	return len(run), nil
}

// freshRun is the longest run at the start of ms of mails that may be
// stored set-wise, judged from the mails alone (readResult.fresh: see the
// file's doc).
func freshRun(ms []mailbox.Mail, takes []readResult) []freshMail {
	var run []freshMail
	ids := map[string]bool{}
	for i, m := range ms {
		if !takes[i].fresh || ids[takes[i].t.msg.MessageID] {
			break
		}
		row := messageRow(m, takes[i].t.msg, takes[i].t.res)
		if len(run) > 0 && refYear(row) != refYear(run[0].row) {
			break
		}
		ids[takes[i].t.msg.MessageID] = true
		run = append(run, freshMail{m: m, t: takes[i].t, row: row})
	}
	return run
}

// isFresh reports whether a mail is a new plain complaint: what route
// would hand straight to open, with openingFor giving nothing to note and
// withhold nothing to hold back, as far as the mail alone tells.
func (in *Intake) isFresh(m mailbox.Mail, rr readResult, p *People) bool {
	t := rr.t
	if t == nil || rr.err != nil || t.died || len(t.unread) > 0 || m.Truncated {
		return false
	}
	msg, res := t.msg, t.res
	if res.Kind != classify.Complaint || res.Review || res.Machine || !res.Acknowledge {
		return false
	}
	if msg.MessageID == "" || msg.CaseRef != "" || len(msg.InReplyTo) > 0 || len(msg.References) > 0 || msg.Report != nil {
		return false
	}
	if !usableAddress(msg.ReplyAddress) || len(unusable(lower(msg.ReplyAddress))) > 0 {
		return false
	}
	if _, reg := isRegistration(msg, p); reg {
		return false
	}
	ft, _ := in.asForm(t, p)
	return ft == nil
}

// withinCaps cuts run before its first mail that is stored already or
// whose acknowledgement the loop guard or a cap would withhold (withhold,
// ackCapped), counting the acknowledgements of the mails before it. A mail
// of the run that is stored already is marked not fresh in takes (which
// run starts), so that a batch seen again after a crash between commit
// and move is not looked up again mail after mail.
func (in *Intake) withinCaps(ctx context.Context, tx *store.Tx, run []freshMail, takes []readResult, now time.Time) ([]freshMail, error) {
	caps := in.o.Caps.withDefaults()
	look := make([]store.FreshMail, len(run))
	for i, f := range run {
		addr := lower(f.t.msg.ReplyAddress)
		mb, domain := normalMailbox(addr)
		look[i] = store.FreshMail{MessageID: f.t.msg.MessageID, Address: addr, Mailbox: mb, Domain: domain}
	}
	upTo := store.AutoAnswerCounts{Mailbox: caps.AcksPerMailboxPerDay, Domain: caps.AcksPerDomainPerHour, All: caps.AcksPerHour}
	facts, all, err := tx.FreshFactsOf(ctx, look, answerAck, now.Add(-24*time.Hour), now.Add(-time.Hour), upTo)
	if err != nil {
		return nil, err
	}
	for i, f := range facts {
		if f.Stored {
			takes[i].fresh = false
		}
	}
	auto, mbs, domains := map[string]int{}, map[string]int{}, map[string]int{}
	for i, f := range facts {
		l := look[i]
		if f.Stored || f.Automatic+auto[l.Address] >= in.o.AutoRepliesPerDay ||
			f.Mailbox+mbs[l.Mailbox] >= caps.AcksPerMailboxPerDay || f.Domain+domains[l.Domain] >= caps.AcksPerDomainPerHour ||
			all+i >= caps.AcksPerHour {
			return run[:i], nil
		}
		auto[l.Address]++
		mbs[l.Mailbox]++
		domains[l.Domain]++
	}
	return run, nil
}

// writeRun opens a case for every mail of run, as open does for one.
func (in *Intake) writeRun(ctx context.Context, tx *store.Tx, run []freshMail, p *People, now time.Time) error {
	refs, err := tx.NextRefs(ctx, in.o.RefPrefix, refYear(run[0].row), len(run))
	if err != nil {
		return err
	}
	cases := make([]*store.Case, len(run))
	rows := make([]*store.Message, len(run))
	for i := range run {
		f := &run[i]
		f.c, f.h = in.newCase(f.row, f.t.msg, p, refs[i], now)
		f.c.NeedsReview = f.h == nil
		cases[i], rows[i] = f.c, f.row
	}
	if err := tx.InsertCases(ctx, cases); err != nil {
		return err
	}
	for _, f := range run {
		f.row.CaseID.Int64, f.row.CaseID.Valid = f.c.ID, true
	}
	if err := tx.InsertNewMessages(ctx, rows); err != nil {
		return err
	}
	// The mails in the order open queues them: each acknowledgement, then
	// its handler's notification.
	var mails []outbox.Mail
	var events []*store.Event
	for _, f := range run {
		mails = append(mails, in.ackMail(f.c, f.t.msg))
		if f.h != nil {
			mails = append(mails, in.toHandlerMail(f.c, f.h, f.t.msg, nil, "notify", true))
		}
	}
	qs, err := in.o.Queue.EnqueueMany(ctx, tx, mails)
	if err != nil {
		return err
	}
	var answers []store.AutoAnswer
	q := 0
	for _, f := range run {
		events = append(events, openedEvent(f.c, f.row, now), queuedEvent(mails[q], qs[q], f.row.ID, "ack_queued", now))
		answers = append(answers, autoAnswer(answerAck, f.c.ComplainantAddress, qs[q], now))
		q++
		if f.h != nil {
			events = append(events, queuedEvent(mails[q], qs[q], f.row.ID, "handler_notified", now))
			q++
		}
	}
	if err := tx.AddEvents(ctx, events); err != nil {
		return err
	}
	if err := tx.RecordAutoAnswers(ctx, answers); err != nil {
		return err
	}
	for _, f := range run {
		in.o.Logger.Info("case_opened", slog.String("case_ref", f.c.Ref), slog.Int64("message", f.row.ID),
			slog.String("handler", f.c.HandlerAddress))
	}
	return nil
}
