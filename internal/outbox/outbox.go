// Package outbox sends klachtd's mail, transactionally.
//
// A mail to send is rendered in full (headers, text and HTML, attachments, our
// own Message-ID) and written as a row of the outbox table, together with a
// River job that will deliver it (one job for all the mails of an
// EnqueueMany: a run of new complaints), in the caller's transaction — the same one
// that stores the state change that causes the mail. If that transaction rolls
// back, neither the mail nor the job exists; SMTP is never spoken inside it.
//
// Delivery: the River worker loads the row and sends exactly the stored bytes
// over SMTP with go-mail, on a connection kept open from an earlier mail when
// there is one (see SMTP: at most one idle per worker, ended after 30 s idle,
// 100 mails or any failure; a kept connection found dead before the mail was
// handed over is replaced at once, once; MAIL, RCPT and DATA are pipelined
// when the relay offers it). A temporary failure (SMTP 4xx, network, timeout) is
// retried with exponential backoff, 30 s doubling to at most an hour, for about
// five days; a permanent one (5xx), or running out of attempts, marks the row
// failed and records a delivery_failed event on its case.
//
// # At most once, and not held back
//
// A row that is no longer queued is never sent again, whatever job runs for
// it. Before the SMTP transaction the row is loaded and marked in flight in
// one statement (store.ClaimOutbox); after the server's 250 the worker marks
// it sent (in a job of several rows with the statement that claims the next
// row, which follows at once: store.ClaimOutboxAfterSent), and while the
// database is away it
// keeps that fact and retries the update for Worker.RecordFor (default 1m)
// instead of failing the job, so a database restart or failover sends nothing
// twice. A mail can be sent twice only when the process dies between the
// server's 250 and the row being marked sent (or the database stays away
// longer than RecordFor); it then carries the same Message-ID, so mail clients
// show it once. A dedupe key (ack:<case>) makes "at most one queued" a
// constraint.
//
// A delivery cut off by a crash leaves its River job running; River rescues it
// after Worker.RescueAfter (job timeout + RecordFor + min(timeout, 30s), 3m30s
// with the defaults) and the worker retries it a second later, logging
// mail_retry_after_interrupted_delivery at WARN. Until then `klachtd status`
// counts it among the deliveries in flight past their timeout.
//
// # Woken within 50 ms
//
// A queued mail is picked up within DefaultFetchInterval (50 ms): the River
// workers look for available jobs that often, and at most every 5 ms while
// there is work, 16 deliveries at once per process. River cannot LISTEN on
// lib/pq, and a job inserted inside a transaction wakes nobody, so without
// this an acknowledgement waited up to River's default one-second poll.
// Weighed against the alternatives:
//   - a LISTEN/NOTIFY wake-up through lib/pq's listener would need its own
//     connection per process and could still only make River fetch by an
//     API River does not export (its producer's trigger is internal);
//   - an in-process nudge (the intake delivering right after its commit)
//     would be a second path to the SMTP relay beside River's, with its own
//     rules for in-flight marks and retries;
//   - a short fetch interval changes nothing in how a mail is delivered or
//     retried, wakes every instance (also the one that did not take the
//     mail), and costs one indexed query on an empty queue every 50 ms per
//     process, well under a millisecond of the database's time each.
//
// River stays the record of retries either way; the short interval is the
// only one that needs no second path.
package outbox

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/klachtd/klachtd/internal/store"
	"github.com/klachtd/klachtd/templates"
)

// DeliverArgs is the River job that delivers outbox rows: one (OutboxID),
// or several in order (OutboxIDs: the mails of one EnqueueMany).
type DeliverArgs struct {
	OutboxID  int64   `json:"outbox_id,omitempty"`
	OutboxIDs []int64 `json:"outbox_ids,omitempty"`
}

// ids are the rows of the job, in order.
func (a DeliverArgs) ids() []int64 {
	if len(a.OutboxIDs) > 0 {
		return a.OutboxIDs
	}
	return []int64{a.OutboxID}
}

// Kind names the job in River's table.
func (DeliverArgs) Kind() string { return "klachtd_deliver" }

// InsertOpts gives delivery jobs their attempt budget.
func (DeliverArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: maxAttempts}
}

// maxAttempts with backoff 30 s·2ⁿ capped at 1 h gives about five days.
const maxAttempts = 125

// Queue puts mails in the outbox.
type Queue struct {
	composer composer
	river    *river.Client[*sql.Tx]
	now      func() time.Time
}

// QueueOptions wires a Queue.
type QueueOptions struct {
	From      Address // the intake address and the organisation's name
	Templates *templates.Set
	River     *river.Client[*sql.Tx] // may be an insert-only client
	Now       func() time.Time
}

// NewQueue returns a Queue.
func NewQueue(o QueueOptions) *Queue {
	return &Queue{composer: composer{from: o.From, templates: o.Templates}, river: o.River, now: o.Now}
}

// Enqueued is what Enqueue stored.
type Enqueued struct {
	ID        int64
	MessageID string
	Inserted  bool // false: a mail with the same dedupe key was queued before
}

// Enqueue renders m and queues it in tx. With a dedupe key that was used
// before, nothing is queued and Inserted is false.
func (q *Queue) Enqueue(ctx context.Context, tx *store.Tx, m Mail) (Enqueued, error) {
	now := q.now()
	c, err := q.composer.compose(m, now)
	if err != nil {
		return Enqueued{}, err
	}
	row := &store.OutboxMail{
		Kind: m.Kind, MessageID: c.messageID, MailFrom: q.composer.from.Address, Rcpt: c.rcpt,
		Subject: c.subject, Raw: c.raw, Automatic: m.Auto != "", CreatedAt: now,
	}
	row.CaseID = sql.NullInt64{Int64: m.CaseID, Valid: m.CaseID != 0}
	row.DedupeKey = sql.NullString{String: m.DedupeKey, Valid: m.DedupeKey != ""}
	inserted, err := tx.InsertOutbox(ctx, row)
	if err != nil || !inserted {
		return Enqueued{Inserted: false}, err
	}
	if _, err := q.river.InsertTx(ctx, tx.Tx.Tx, DeliverArgs{OutboxID: row.ID}, nil); err != nil {
		return Enqueued{}, fmt.Errorf("outbox: queue delivery: %w", err)
	}
	return Enqueued{ID: row.ID, MessageID: c.messageID, Inserted: true}, nil
}
