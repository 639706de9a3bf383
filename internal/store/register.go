package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/klachtd/klachtd/internal/deadline"
)

// RegisterRow is one complaint in the yearly register (Awb 9:12a): what
// happened to it, without who complained or about what in their words.
type RegisterRow struct {
	Ref         string         `db:"ref"`
	ReceivedAt  time.Time      `db:"received_at"`
	Category    string         `db:"category"`
	Policy      string         `db:"policy"`
	Status      string         `db:"status"`
	Outcome     sql.NullString `db:"outcome"`
	DecisionDue deadline.Date  `db:"decision_due"`
	ClosedAt    sql.NullTime   `db:"closed_at"`
	Extensions  int            `db:"extensions"`
	Delays      int            `db:"consented_delays"`
	// Channel is how the complaint came in (case_channels; "email" when
	// nothing else was recorded).
	Channel string `db:"channel"`
}

// Register lists the complaints received in year (Europe/Amsterdam), in order.
func (s *Store) Register(ctx context.Context, year int) ([]RegisterRow, error) {
	loc := deadline.Location()
	from := time.Date(year, 1, 1, 0, 0, 0, 0, loc)
	var rows []RegisterRow
	err := s.db.SelectContext(ctx, &rows, `
		SELECT ref, received_at, category, policy, status, outcome, decision_due, closed_at, extensions, consented_delays,
			COALESCE((SELECT ch.channel FROM case_channels ch WHERE ch.case_id = cases.id), 'email') AS channel
		FROM cases WHERE received_at >= $1 AND received_at < $2 ORDER BY received_at, id`, from, from.AddDate(1, 0, 0))
	if err != nil {
		return nil, fmt.Errorf("store: register: %w", err)
	}
	return rows, nil
}
