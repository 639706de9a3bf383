package store

import (
	"context"
	"fmt"

	"github.com/lib/pq"
)

// ReviewReasons returns, per case, why it was marked for review: the
// reasons of its marked_for_review and ack_withheld events and what of its
// mail could not be read (not_read), in order, each once.
func (s *Store) ReviewReasons(ctx context.Context, caseIDs []int64) (map[int64][]string, error) {
	var rows []struct {
		CaseID int64  `db:"case_id"`
		Reason string `db:"reason"`
	}
	err := s.db.SelectContext(ctx, &rows, `
		SELECT case_id, reason FROM (
			SELECT e.case_id, r.reason, min(e.id) AS first
			FROM case_events e
			CROSS JOIN LATERAL jsonb_array_elements_text(
				CASE WHEN e.kind = 'not_read' THEN e.detail->'what' ELSE e.detail->'reasons' END) AS r(reason)
			WHERE e.case_id = ANY($1) AND e.kind IN ('marked_for_review', 'ack_withheld', 'not_read')
				AND jsonb_typeof(CASE WHEN e.kind = 'not_read' THEN e.detail->'what' ELSE e.detail->'reasons' END) = 'array'
			GROUP BY e.case_id, r.reason
		) x ORDER BY case_id, first, reason`, pq.Int64Array(caseIDs))
	if err != nil {
		return nil, fmt.Errorf("store: review reasons: %w", err)
	}
	out := make(map[int64][]string, len(caseIDs))
	for _, r := range rows {
		out[r.CaseID] = append(out[r.CaseID], r.Reason)
	}
	return out, nil
}
