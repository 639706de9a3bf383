package outbox

import (
	"context"
	"database/sql"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/klachtd/klachtd/internal/store"
)

// EnqueueMany is Enqueue for many mails at once (the new complaints of an
// intake batch): they are rendered in parallel, their rows written with one
// statement, and ONE delivery job sends them all, in order (Worker.Work). Every mail must be new: a
// dedupe key used before fails the whole call (store.ErrNotAllInserted), so
// that the caller can take its mails one at a time instead. The result is
// in the order of ms.
func (q *Queue) EnqueueMany(ctx context.Context, tx *store.Tx, ms []Mail) ([]Enqueued, error) {
	if len(ms) == 0 {
		return nil, nil
	}
	now := q.now()
	cs, err := q.composeAll(ms, now)
	if err != nil {
		return nil, err
	}
	rows := make([]*store.OutboxMail, len(ms))
	for i, m := range ms {
		c := cs[i]
		rows[i] = &store.OutboxMail{
			Kind: m.Kind, MessageID: c.messageID, MailFrom: q.composer.from.Address, Rcpt: c.rcpt,
			Subject: c.subject, Raw: c.raw, Automatic: m.Auto != "", CreatedAt: now,
			CaseID:    sql.NullInt64{Int64: m.CaseID, Valid: m.CaseID != 0},
			DedupeKey: sql.NullString{String: m.DedupeKey, Valid: m.DedupeKey != ""},
		}
	}
	if err := tx.InsertOutboxes(ctx, rows); err != nil {
		return nil, err
	}
	ids := make([]int64, len(rows))
	out := make([]Enqueued, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
		out[i] = Enqueued{ID: r.ID, MessageID: r.MessageID, Inserted: true}
	}
	if _, err := q.river.InsertTx(ctx, tx.Tx.Tx, DeliverArgs{OutboxIDs: ids}, nil); err != nil {
		return nil, fmt.Errorf("outbox: queue delivery: %w", err)
	}
	return out, nil
}

// composeAll renders ms on as many goroutines as there are processors.
func (q *Queue) composeAll(ms []Mail, now time.Time) ([]*composed, error) {
	cs := make([]*composed, len(ms))
	errs := make([]error, len(ms))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), len(ms)) {
		wg.Go(func() {
			for i := range next {
				cs[i], errs[i] = q.composer.compose(ms[i], now)
			}
		})
	}
	for i := range ms {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return cs, nil
}
