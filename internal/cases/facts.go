package cases

import (
	"context"

	"github.com/klachtd/klachtd/internal/store"
)

// caseFacts are what a command may need to know about a case beyond its
// row, read in the mail's transaction before the plan is made: its
// procedure (committee, hearing) and its measures.
type caseFacts struct {
	proc     store.Procedure
	measures []store.Measure
}

func factsOf(ctx context.Context, tx *store.Tx, caseID int64) (caseFacts, error) {
	p, err := tx.ProcedureOf(ctx, caseID)
	if err != nil {
		return caseFacts{}, err
	}
	ms, err := tx.MeasuresOf(ctx, caseID)
	return caseFacts{proc: p, measures: ms}, err
}

// openMeasures are the measures whose effect is not yet recorded.
func (f caseFacts) openMeasures() []store.Measure {
	var out []store.Measure
	for _, m := range f.measures {
		if !m.Result.Valid {
			out = append(out, m)
		}
	}
	return out
}
