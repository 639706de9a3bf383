package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/klachtd/klachtd/internal/deadline"
)

// RecordCheck stores the outcome of a look at folder of the Store's Account:
// nil means intake reached it and processed what was there. The status row
// from before accounts were told apart (migration 0014) is dropped, so that
// it does not show as stale for ever.
func (s *Store) RecordCheck(ctx context.Context, folder string, at time.Time, checkErr error) error {
	var err error
	a := s.acct
	if checkErr == nil {
		_, err = s.db.ExecContext(ctx, `
			INSERT INTO intake_status (server, username, mailbox, last_ok_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (server, username, mailbox) DO UPDATE SET last_ok_at = EXCLUDED.last_ok_at`, a.Server, a.User, folder, at)
	} else {
		_, err = s.db.ExecContext(ctx, `
			INSERT INTO intake_status (server, username, mailbox, last_error, last_error_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (server, username, mailbox) DO UPDATE SET last_error = EXCLUDED.last_error, last_error_at = EXCLUDED.last_error_at`,
			a.Server, a.User, folder, checkErr.Error(), at)
	}
	if err == nil && a != (Account{}) {
		_, err = s.db.ExecContext(ctx, `DELETE FROM intake_status WHERE server = '' AND username = '' AND mailbox = $1`, folder)
	}
	if err != nil {
		return fmt.Errorf("store: record check: %w", err)
	}
	return nil
}

// IntakeStatus is the last look at one mailbox.
type IntakeStatus struct {
	Server      string       `db:"server" json:"server,omitempty"` // empty: from before migration 0014
	Username    string       `db:"username" json:"username,omitempty"`
	Mailbox     string       `db:"mailbox" json:"mailbox"` // the folder
	LastOKAt    sql.NullTime `db:"last_ok_at" json:"-"`
	LastError   string       `db:"last_error" json:"last_error,omitempty"`
	LastErrorAt sql.NullTime `db:"last_error_at" json:"-"`
}

// Health is what an operator (or a monitoring check) needs to know.
type Health struct {
	Intake         []IntakeStatus
	OutboxQueued   int          `db:"outbox_queued"`
	OutboxRetrying int          `db:"outbox_retrying"` // queued after a failed attempt
	OutboxFailed   int          `db:"outbox_failed"`   // given up, in the last 7 days
	OldestQueued   sql.NullTime `db:"oldest_queued"`
	// OutboxStuck counts deliveries in flight past their job timeout: the
	// process died mid-delivery (River rescues the job a few minutes after
	// the timeout) or the outcome could not be recorded.
	OutboxStuck     int          `db:"outbox_stuck"`
	StuckSince      sql.NullTime `db:"stuck_since"` // the oldest stuck delivery's start
	OpenCases       int          `db:"open_cases"`
	NeedsReview     int          `db:"needs_review"`
	OverdueCases    int          `db:"overdue_cases"` // open, decision due before today
	Quarantined     int          `db:"quarantined"`   // in the last 7 days
	LastMailArrived sql.NullTime `db:"last_mail"`
}

// Health reads the state of the installation in one go.
func (s *Store) Health(ctx context.Context, now time.Time) (*Health, error) {
	var h Health
	err := s.db.GetContext(ctx, &h, `
		SELECT
			(SELECT count(*) FROM outbox WHERE status = 'queued') AS outbox_queued,
			(SELECT count(*) FROM outbox WHERE status = 'queued' AND attempts > 0) AS outbox_retrying,
			(SELECT count(*) FROM outbox WHERE status = 'failed' AND created_at > $1) AS outbox_failed,
			(SELECT min(created_at) FROM outbox WHERE status = 'queued') AS oldest_queued,
			(SELECT count(*) FROM outbox WHERE status = 'queued' AND sending_until < $2) AS outbox_stuck,
			(SELECT min(sending_since) FROM outbox WHERE status = 'queued' AND sending_until < $2) AS stuck_since,
			(SELECT count(*) FROM cases WHERE status <> 'gesloten') AS open_cases,
			(SELECT count(*) FROM cases WHERE status <> 'gesloten' AND needs_review) AS needs_review,
			(SELECT count(*) FROM cases WHERE status <> 'gesloten' AND decision_due < $3) AS overdue_cases,
			(SELECT count(*) FROM messages WHERE quarantined AND created_at > $1) AS quarantined,
			(SELECT max(internal_date) FROM messages) AS last_mail`, now.Add(-7*24*time.Hour), now, deadline.DateOf(now))
	if err != nil {
		return nil, fmt.Errorf("store: health: %w", err)
	}
	if h.Intake, err = s.IntakeStatuses(ctx); err != nil {
		return nil, err
	}
	return &h, nil
}

// Name is how status, health and metrics show the mailbox: user@server/folder,
// or the folder alone for a row from before accounts were told apart.
func (st IntakeStatus) Name() string {
	if st.Server == "" && st.Username == "" {
		return st.Mailbox
	}
	return st.Username + "@" + st.Server + "/" + st.Mailbox
}

// Of reports whether st is the status of folder of account a.
func (st IntakeStatus) Of(a Account, folder string) bool {
	return st.Server == a.Server && st.Username == a.User && st.Mailbox == folder
}

// IntakeStatuses lists the last look at every mailbox.
func (s *Store) IntakeStatuses(ctx context.Context) ([]IntakeStatus, error) {
	var st []IntakeStatus
	if err := s.db.SelectContext(ctx, &st, `SELECT server, username, mailbox, last_ok_at, last_error, last_error_at FROM intake_status ORDER BY server, username, mailbox`); err != nil {
		return nil, fmt.Errorf("store: intake status: %w", err)
	}
	return st, nil
}

// Stale says whether intake has not reached the mailbox since now-maxAge,
// and why, in words for an operator.
func (st IntakeStatus) Stale(now time.Time, maxAge time.Duration) (bool, string) {
	if st.LastOKAt.Valid && now.Sub(st.LastOKAt.Time) <= maxAge {
		return false, ""
	}
	why := "never reached"
	if st.LastOKAt.Valid {
		why = "not reached since " + st.LastOKAt.Time.In(deadline.Location()).Format("2006-01-02 15:04")
	}
	if st.LastErrorAt.Valid && (!st.LastOKAt.Valid || st.LastErrorAt.Time.After(st.LastOKAt.Time)) {
		why += "; last error: " + st.LastError
	}
	return true, why
}
