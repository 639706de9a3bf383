package cases

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/klachtd/klachtd/internal/mailbox"
	"github.com/klachtd/klachtd/internal/store"
)

// batchBudget is how long HandleBatch goes on taking mails into its
// transaction: the mails after it are answered mailbox.ErrNotTried and
// handed over again, so that hostile mails (each up to the parse budget)
// cannot hold the reference counter and the caps' lock for minutes.
const batchBudget = 2 * time.Second

// errOneAtATime ends a batch transaction whose mails must be handled one at
// a time (a mark of a dead process is on one of them).
var errOneAtATime = errors.New("cases: a mail of the batch was in hand when its holder died")

// HandleBatch implements mailbox.BatchHandler: several mails, one
// transaction, one savepoint per mail (see the package doc). The mails are
// locked (LockMails), then marked in hand together in a short transaction
// of their own (in_batch); each is parsed and stored inside SAVEPOINT …
// RELEASE, and a mail that fails (an error or a panic) is rolled back to
// its savepoint alone while the others go on. The marks are cleared and the
// checkpoint set to the last mail of the committed prefix in the same
// transaction, which commits once. When a mark of another process is on
// any of the mails (it died with them in hand, alone or in a batch), the
// batch is not run: each mail goes through Handle alone, so that a mail
// that kills the process is found (it then carries a single mark, and only
// it gets the safe header read).
func (in *Intake) HandleBatch(ctx context.Context, ms []mailbox.Mail) ([]mailbox.Result, error) {
	if len(ms) == 1 {
		return []mailbox.Result{in.handle(ctx, ms[0])}, nil
	}
	people := in.people.Load()
	keys := make([]store.MailKey, len(ms))
	for i, m := range ms {
		keys[i] = mailKey(m)
	}
	res := make([]mailbox.Result, len(ms))
	err := in.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.LockMails(ctx, keys); err != nil {
			return err
		}
		marked, err := in.store.MarkBatchInHand(ctx, keys, in.holder)
		if err != nil {
			return err
		}
		if !marked {
			return errOneAtATime
		}
		return in.batch(ctx, tx, ms, keys, res, people)
	})
	if errors.Is(err, errOneAtATime) {
		in.o.Logger.Warn("mail_batch_died_in_hand", slog.Uint64("first_uid", uint64(ms[0].UID)), slog.Int("mails", len(ms)))
		for i, m := range ms {
			res[i] = in.handle(ctx, m)
		}
		return res, nil
	}
	if err != nil {
		in.forgetInHand(ctx, keys...)
		return nil, fmt.Errorf("cases: handle %d mails from uid %d: %w", len(ms), ms[0].UID, err)
	}
	return res, nil
}

// batch is the body of HandleBatch's transaction. The mails are read
// (parsed and classified) first, in parallel (readAll); then, in UID order,
// each run of new plain complaints is stored set-wise in one savepoint
// (fresh.go), and every other mail alone in its own, until the budget runs
// out; then the marks and the checkpoint.
func (in *Intake) batch(ctx context.Context, tx *store.Tx, ms []mailbox.Mail, keys []store.MailKey, res []mailbox.Result, p *People) error {
	start := time.Now()
	takes := in.readAll(ms, p, start)
	var last uint32
	prefix, runs := true, true
	for i := 0; i < len(ms); {
		if takes[i].t == nil || (i > 0 && time.Since(start) > batchBudget) {
			for j := i; j < len(ms); j++ {
				res[j].Err = mailbox.ErrNotTried
			}
			break
		}
		n := 0
		if runs {
			var broken error
			if n, broken = in.storeFresh(ctx, tx, ms[i:], takes[i:], res[i:], p); broken != nil {
				return broken // the transaction cannot go on: nothing commits
			}
			if n < 0 { // a run failed and was rolled back: one at a time from here
				n, runs = 0, false
			}
		}
		if n == 0 {
			r, broken := in.inSavepoint(ctx, tx, ms[i], takes[i], p)
			if broken != nil {
				return broken
			}
			res[i], n = r, 1
		}
		for j := i; j < i+n; j++ {
			if res[j].Err != nil {
				prefix = false
			} else if prefix {
				last = ms[j].UID
			}
		}
		i += n
	}
	// Every mark goes, failed mails' too: this process lives on, so a
	// failure is not a death (as in forgetInHand).
	if err := tx.ClearBatchInHand(ctx, keys); err != nil {
		return err
	}
	if last == 0 {
		return nil
	}
	return tx.SaveCheckpoint(ctx, ms[0].Mailbox, ms[0].UIDValidity, last)
}

// readResult is one mail of a batch as readAll read it: t is nil for a
// mail not read within the budget; err is a panic of the parser.
type readResult struct {
	t     *take
	err   error
	fresh bool // isFresh: it may be stored set-wise (fresh.go)
}

// readAll reads the mails of a batch on as many goroutines as there are
// processors, in UID order: no read starts after the batch's budget, so
// the mails after the first one left unread are handed over again. A read
// that panics is that mail's error alone.
func (in *Intake) readAll(ms []mailbox.Mail, p *People, start time.Time) []readResult {
	out := make([]readResult, len(ms))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(ms)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(ms) || (i > 0 && time.Since(start) > batchBudget) {
					return
				}
				out[i] = in.readOne(ms[i], p)
			}
		})
	}
	wg.Wait()
	for i := range out {
		if out[i].t == nil && out[i].err == nil {
			for j := i + 1; j < len(out); j++ {
				out[j] = readResult{} // read out of order: handed over again, in order
			}
			break
		}
	}
	return out
}

// readOne reads one mail of a batch; a panic is its error.
func (in *Intake) readOne(m mailbox.Mail, p *People) (r readResult) {
	defer func() {
		if v := recover(); v != nil {
			r = readResult{t: &take{}, err: in.panicked(m, v)}
		}
	}()
	r = readResult{t: in.read(m, p, store.InHand{})}
	r.fresh = in.isFresh(m, r, p)
	return r
}

// inSavepoint handles one mail of a batch inside its own savepoint: the
// Result's Err is the mail's failure (rolled back alone), broken a failure
// of the transaction itself (the savepoint could not be set, released or
// rolled back to).
func (in *Intake) inSavepoint(ctx context.Context, tx *store.Tx, m mailbox.Mail, rr readResult, p *People) (r mailbox.Result, broken error) {
	if rr.err != nil {
		return mailbox.Result{Err: fmt.Errorf("cases: handle uid %d: %w", m.UID, rr.err)}, nil
	}
	if err := tx.Savepoint(ctx); err != nil {
		return r, err
	}
	r, err := in.keepOne(ctx, tx, m, rr.t, p)
	if err != nil {
		if rerr := tx.RollbackTo(ctx); rerr != nil {
			return r, errors.Join(err, rerr)
		}
		return mailbox.Result{Err: fmt.Errorf("cases: handle uid %d: %w", m.UID, err)}, nil
	}
	if err := tx.Release(ctx); err != nil {
		return r, err
	}
	return r, nil
}

// keepOne stores one mail of a batch; a panic is its error.
func (in *Intake) keepOne(ctx context.Context, tx *store.Tx, m mailbox.Mail, t *take, p *People) (r mailbox.Result, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = in.panicked(m, v)
		}
	}()
	return in.keep(ctx, tx, m, t, p)
}

// panicked logs a panic while mail m was handled and returns it as the
// mail's error.
func (in *Intake) panicked(m mailbox.Mail, v any) error {
	in.o.Logger.Error("mail_handler_panic", slog.Uint64("uid", uint64(m.UID)), slog.Any("panic", v),
		slog.String("stack", string(debug.Stack())))
	return fmt.Errorf("panic: %v", v)
}
