package cases

import (
	"database/sql"
	"strings"

	"github.com/klachtd/klachtd/internal/store"
)

// closingCommands are the commands that end (or take up again) a case.
func closingCommands() []spec {
	return []spec{
		{name: "sluit", usage: "gegrond|ongegrond|deels|ingetrokken|informeel", who: roleHandler, arg: argRequired, apply: closeCase},
	}
}

var outcomes = map[string]string{
	"gegrond": "gegrond", "ongegrond": "ongegrond", "deels": "deels_gegrond", "deels_gegrond": "deels_gegrond",
	"ingetrokken": "ingetrokken", "informeel": "informeel_opgelost", "informeel_opgelost": "informeel_opgelost",
}

// closeCase is "#sluit <uitkomst>": the case is closed with that outcome and
// its clock stops.
func closeCase(e *cmdEnv, arg string) string {
	o, ok := outcomes[strings.ToLower(firstWord(arg))]
	if !ok {
		return "onbekende uitkomst; kies gegrond, ongegrond, deels, ingetrokken of informeel"
	}
	c := e.c()
	e.plan.add("closed", map[string]any{"outcome": o}, "gesloten, uitkomst "+o)
	c.Status, c.Outcome = store.StatusClosed, sql.NullString{String: o, Valid: true}
	c.ClosedAt, c.PausedAt = sql.NullTime{Time: e.now, Valid: true}, sql.NullTime{}
	return ""
}
