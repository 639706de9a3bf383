package records

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/store"
)

// Options wire Records.
type Options struct {
	Store *store.Store
	// Policy is the configured policy; a case stored under another policy
	// name is kept for that preset's term.
	Policy deadline.Policy
	// MachineMailDays is how long case-less mails are kept; default 90.
	MachineMailDays int
	Now             func() time.Time
	Logger          *slog.Logger
}

// Records is the retention, export and register room of one installation.
type Records struct {
	o    Options
	page int // purgePage; tests page by fewer
}

// New returns Records.
func New(o Options) *Records {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.MachineMailDays == 0 {
		o.MachineMailDays = 90
	}
	return &Records{o: o, page: purgePage}
}

// RetentionYears is how long a case closed under policy name is kept.
func (r *Records) RetentionYears(name string) int {
	if name == r.o.Policy.Name || name == "" {
		if r.o.Policy.RetentionYears > 0 {
			return r.o.Policy.RetentionYears
		}
	}
	if p, err := deadline.Preset(name); err == nil {
		return p.RetentionYears
	}
	if r.o.Policy.RetentionYears > 0 {
		return r.o.Policy.RetentionYears
	}
	return 5 // an unknown policy: the longest preset term
}

// TermEnd is the first moment a closed case may be purged.
func (r *Records) TermEnd(c store.RetentionCase) time.Time {
	return c.ClosedAt.Time.AddDate(r.RetentionYears(c.Policy), 0, 0)
}

// purgePage is how many closed cases a purge holds at once.
const purgePage = 1000

// PurgeResult is what one purge run did (or, dry, would do).
type PurgeResult struct {
	Purged        []string // references purged (dry: that would be)
	Held          []string // past their term, kept by a legal hold
	Busy          []string // locked by another instance, left for the next run
	CaselessIn    int      // case-less incoming mails removed
	CaselessOut   int      // case-less outgoing mails removed
	MachineBefore time.Time
}

// Purge removes the personal data of every closed case past its retention
// term at on (start of that day in Europe/Amsterdam), and the case-less
// mails older than MachineMailDays. dryRun writes nothing. Progress lines
// go to w (nil: none).
func (r *Records) Purge(ctx context.Context, on deadline.Date, dryRun bool, w io.Writer) (PurgeResult, error) {
	if w == nil {
		w = io.Discard
	}
	at := on.Start()
	res := PurgeResult{MachineBefore: at.AddDate(0, 0, -r.o.MachineMailDays)}
	var errs []error
	var afterAt time.Time
	var afterID int64
	for {
		cs, err := r.o.Store.ClosedUnpurged(ctx, afterAt, afterID, r.page)
		if err != nil {
			return res, errors.Join(append(errs, fmt.Errorf("records: purge: %w", err))...)
		}
		for _, c := range cs {
			if ctx.Err() != nil {
				return res, errors.Join(append(errs, ctx.Err())...)
			}
			if err := r.purgeOne(ctx, c, at, dryRun, w, &res); err != nil {
				errs = append(errs, err)
			}
		}
		if len(cs) < r.page {
			break
		}
		afterAt, afterID = cs[len(cs)-1].ClosedAt.Time, cs[len(cs)-1].ID
	}
	in, out, err := r.o.Store.PurgeCaseless(ctx, res.MachineBefore, 500, dryRun)
	res.CaselessIn, res.CaselessOut = in, out
	if err != nil {
		errs = append(errs, fmt.Errorf("records: purge: %w", err))
	}
	verb := "removed"
	if dryRun {
		verb = "would remove"
	}
	fmt.Fprintf(w, "case-less mails before %s: %s %d incoming, %d outgoing\n",
		deadline.DateOf(res.MachineBefore), verb, in, out)
	return res, errors.Join(errs...)
}

func (r *Records) purgeOne(ctx context.Context, c store.RetentionCase, at time.Time, dryRun bool, w io.Writer, res *PurgeResult) error {
	end := r.TermEnd(c)
	if end.After(at) {
		return nil
	}
	if c.HoldReason != "" {
		res.Held = append(res.Held, c.Ref)
		fmt.Fprintf(w, "%s  kept: legal hold (%s)\n", c.Ref, c.HoldReason)
		return nil
	}
	years := r.RetentionYears(c.Policy)
	rule := fmt.Sprintf("retention: %s, %d years after closing (term ended %s)", c.Policy, years, deadline.DateOf(end))
	if dryRun {
		res.Purged = append(res.Purged, c.Ref)
		fmt.Fprintf(w, "%s  would purge: closed %s, %s\n", c.Ref, deadline.DateOf(c.ClosedAt.Time), rule)
		return nil
	}
	closedBefore := at.AddDate(-years, 0, 0)
	pc, err := r.o.Store.PurgeCase(ctx, c.ID, closedBefore, r.o.Now(), rule)
	switch {
	case errors.Is(err, store.ErrBusy):
		res.Busy = append(res.Busy, c.Ref)
		fmt.Fprintf(w, "%s  busy: left for the next run\n", c.Ref)
		return nil
	case errors.Is(err, store.ErrNotEligible):
		return nil // changed since listed (held, purged by another instance)
	case err != nil:
		return fmt.Errorf("records: purge %s: %w", c.Ref, err)
	}
	res.Purged = append(res.Purged, c.Ref)
	r.o.Logger.Info("case_purged", slog.String("case_ref", c.Ref), slog.Int("mails", pc.Mails), slog.Int("events", pc.Events))
	fmt.Fprintf(w, "%s  purged: %d mails in, %d out, %d events de-identified; %s\n", c.Ref, pc.Mails, pc.Outgoing, pc.Events, rule)
	return nil
}

// RunDaily purges once at start and then once a day until ctx ends (the
// daemon's loop when [retention] auto = true). Several instances may run it:
// each case is purged in its own locked transaction.
func (r *Records) RunDaily(ctx context.Context, every time.Duration) error {
	if every <= 0 {
		every = 24 * time.Hour
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		res, err := r.Purge(ctx, deadline.DateOf(r.o.Now()), false, nil)
		if err != nil && ctx.Err() == nil {
			r.o.Logger.Error("purge_failed", slog.Any("error", err))
		}
		if len(res.Purged)+res.CaselessIn+res.CaselessOut > 0 {
			r.o.Logger.Info("purge_done", slog.Int("cases", len(res.Purged)), slog.Int("caseless_mails", res.CaselessIn+res.CaselessOut))
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
