package cases

import (
	"context"

	"github.com/klachtd/klachtd/internal/store"
)

// recordsCommands are the commands about keeping the file (internal/records).
func recordsCommands() []spec {
	return []spec{
		{name: "bewaren", usage: "<reden>", help: "juridische blokkade: de zaak wordt niet opgeschoond na de bewaartermijn",
			who: roleHandler, arg: argRequired, apply: holdCase},
	}
}

// holdCase is "#bewaren <reden>": a legal hold, so that the purge never
// removes the case's personal data until an operator lifts it (klachtd hold
// KL-… --release). The event is the plan's "hold" change.
func holdCase(e *cmdEnv, arg string) string {
	e.plan.add("hold", map[string]any{"reason": arg}, "juridische blokkade: "+arg)
	now := e.now
	e.plan.then(func(ctx context.Context, tx *store.Tx, c *store.Case, _ int64) error {
		return tx.HoldCase(ctx, c.ID, arg, now)
	})
	return ""
}
