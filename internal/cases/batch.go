package cases

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
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

// batch is the body of HandleBatch's transaction: every mail in its
// savepoint until the budget runs out, then the marks and the checkpoint.
func (in *Intake) batch(ctx context.Context, tx *store.Tx, ms []mailbox.Mail, keys []store.MailKey, res []mailbox.Result, p *People) error {
	start := time.Now()
	var last uint32
	prefix := true
	for i, m := range ms {
		if i > 0 && time.Since(start) > batchBudget {
			for j := i; j < len(ms); j++ {
				res[j].Err = mailbox.ErrNotTried
			}
			break
		}
		r, broken := in.inSavepoint(ctx, tx, m, p)
		if broken != nil {
			return broken // the transaction cannot go on: nothing commits
		}
		res[i] = r
		if r.Err != nil {
			prefix = false
		} else if prefix {
			last = m.UID
		}
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

// inSavepoint handles one mail of a batch inside its own savepoint: the
// Result's Err is the mail's failure (rolled back alone), broken a failure
// of the transaction itself (the savepoint could not be set, released or
// rolled back to).
func (in *Intake) inSavepoint(ctx context.Context, tx *store.Tx, m mailbox.Mail, p *People) (r mailbox.Result, broken error) {
	if err := tx.Savepoint(ctx); err != nil {
		return r, err
	}
	r, err := in.keepOne(ctx, tx, m, p)
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

// keepOne parses and stores one mail of a batch; a panic is its error.
func (in *Intake) keepOne(ctx context.Context, tx *store.Tx, m mailbox.Mail, p *People) (r mailbox.Result, err error) {
	defer func() {
		if v := recover(); v != nil {
			in.o.Logger.Error("mail_handler_panic", slog.Uint64("uid", uint64(m.UID)), slog.Any("panic", v),
				slog.String("stack", string(debug.Stack())))
			err = fmt.Errorf("panic: %v", v)
		}
	}()
	return in.keep(ctx, tx, m, in.read(m, p, store.InHand{}), p)
}
