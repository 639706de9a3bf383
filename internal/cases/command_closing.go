package cases

import (
	"database/sql"
	"fmt"
	"strings"

	"github.com/klachtd/klachtd/internal/store"
)

// closingCommands are the commands that end (or take up again) a case.
func closingCommands() []spec {
	return []spec{
		{name: "sluit", usage: "gegrond|ongegrond|deels|ingetrokken|informeel",
			help: "de tekst eronder is de motivering van de beslissingsbrief", who: roleHandler, arg: argRequired, apply: closeCase},
		{name: "heropen", usage: "<reden>", help: "een gesloten dossier weer in behandeling nemen", who: roleHandler, arg: argRequired, apply: reopenCase},
	}
}

var outcomes = map[string]string{
	"gegrond": "gegrond", "ongegrond": "ongegrond", "deels": "deels_gegrond", "deels_gegrond": "deels_gegrond",
	"ingetrokken": "ingetrokken", "informeel": "informeel_opgelost", "informeel_opgelost": "informeel_opgelost",
}

// judgments are the outcomes that are a decision on the complaint (Awb
// 9:12): they go out as a decision letter and, where the policy requires
// it, need a hearing first. A withdrawn or informally resolved complaint
// needs neither.
var judgments = map[string]bool{"gegrond": true, "ongegrond": true, "deels_gegrond": true}

// closeCase is "#sluit <uitkomst>": the case is closed with that outcome and
// its clock stops. With a judgment, the handler's text goes to the
// complainant as the decision letter (mails.go, decisionLetter).
func closeCase(e *cmdEnv, arg string) string {
	o, ok := outcomes[strings.ToLower(firstWord(arg))]
	if !ok {
		return "onbekende uitkomst; kies gegrond, ongegrond, deels, ingetrokken of informeel"
	}
	c := e.c()
	if c.Status == store.StatusClosed {
		return "het dossier is al gesloten (" + c.Outcome.String + "); eerst #heropen <reden>"
	}
	e.plan.add("closed", map[string]any{"outcome": o}, "gesloten, uitkomst "+o)
	c.Status, c.Outcome = store.StatusClosed, sql.NullString{String: o, Valid: true}
	c.ClosedAt, c.PausedAt = sql.NullTime{Time: e.now, Valid: true}, sql.NullTime{}
	e.plan.decision = judgments[o]
	return ""
}

// checkClosing refuses a judgment, when the policy requires a hearing (awb,
// or require_hearing = true), unless a hearing report (#verslag) or a
// lawful reason to skip the hearing (#geen-hoorzitting) is recorded, before
// or in the same mail. It returns the #sluit line and what is wrong.
func (in *Intake) checkClosing(pl *plan, cmds []command) (string, string) {
	if !pl.decision || !in.o.Policy.Procedure.RequireHearing {
		return "", ""
	}
	if pl.proc.HearingReport.Valid || pl.proc.HearingWaived.Valid {
		return "", ""
	}
	line := "#sluit"
	for _, c := range cmds {
		if c.name == "sluit" {
			line = c.line
		}
	}
	return line, fmt.Sprintf("het beleid %q vraagt dat klager en beklaagde eerst worden gehoord (Awb 9:10). "+
		"Leg het verslag vast met #verslag, of de reden om niet te horen met #geen-hoorzitting <reden> "+
		"(kennelijk ongegrond, klager wil niet gehoord worden, klager reageerde niet)", in.o.Policy.Name)
}

// reopenCase is "#heropen <reden>": a closed case is taken up again. It
// keeps its decision due date unless the policy treats a reopened case as
// a new complaint (reopen_new_term): then the term starts again today.
func reopenCase(e *cmdEnv, arg string) string {
	c := e.c()
	if c.Status != store.StatusClosed {
		return "het dossier is niet gesloten"
	}
	detail := map[string]any{"reason": arg, "previous_outcome": c.Outcome.String}
	summary := "heropend (" + arg + "); beslissing uiterlijk " + c.DecisionDue.String()
	if e.in.o.Policy.Procedure.ReopenNewTerm {
		due := e.in.o.Policy.Compute(e.now, e.plan.proc.Committee.Valid, e.in.o.Calendar).DecisionDue
		detail["from"], detail["to"] = c.DecisionDue, due
		summary = fmt.Sprintf("heropend als nieuwe klacht (%s); beslissing uiterlijk %s", arg, due)
		c.DecisionDue = due
	}
	e.plan.add("reopened", detail, summary)
	c.Status, c.Outcome, c.ClosedAt = store.StatusInProgress, sql.NullString{}, sql.NullTime{}
	return ""
}
