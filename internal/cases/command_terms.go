package cases

import (
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/store"
)

// termCommands are the commands that move the decision term.
func termCommands() []spec {
	return []spec{
		{name: "verleng", usage: "<weken>w <reden>", who: roleHandler, arg: argRequired, apply: extendOnce},
		{name: "toestemming", usage: "<weken>w <reden>", help: "verder uitstel met instemming van de klager",
			who: roleHandler, arg: argRequired, apply: extendByConsent},
		{name: "commissie", usage: "[naam]", help: "een adviescommissie behandelt de klacht: termijn van het beleid voor een commissie",
			who: roleHandler, arg: argOptional, apply: toCommittee},
	}
}

// toCommittee is "#commissie [naam]": an advisory committee handles the
// complaint, so the decision term is the policy's committee term counted
// from receipt (awb: 10 weeks, Atw applied), or the current due date when
// that is later (an extension is not undone). The complainant is told the
// new date (template committee); reminders follow it.
func toCommittee(e *cmdEnv, arg string) string {
	p := e.in.o.Policy
	if p.DecisionCommittee == nil {
		return fmt.Sprintf("het beleid %q kent geen termijn voor een adviescommissie", p.Name)
	}
	if e.plan.proc.Committee.Valid {
		return "het dossier ligt al bij een commissie (" + e.plan.proc.Committee.String + ")"
	}
	c := e.c()
	due := p.Compute(c.ReceivedAt, true, e.in.o.Calendar).DecisionDue
	if c.DecisionDue.After(due) {
		due = c.DecisionDue
	}
	name := arg
	if name == "" {
		name = "adviescommissie"
	}
	e.setProc(func(pr *store.Procedure) { pr.Committee = sql.NullString{String: name, Valid: true} })
	e.plan.add("committee", map[string]any{"name": name, "from": c.DecisionDue, "to": due},
		fmt.Sprintf("behandeling door %s; beslissing uiterlijk %s (was %s); de klager krijgt bericht", name, due, c.DecisionDue))
	c.DecisionDue = due
	e.plan.then(e.in.committeeNotice)
	return ""
}

// extendOnce is "#verleng 4w reden": the policy's one extension, before the
// due date; the complainant (and the person complained about) are told.
func extendOnce(e *cmdEnv, arg string) string {
	weeks, reason, msg := weeksAndReason(arg)
	if msg != "" {
		return msg
	}
	c := e.c()
	due, err := e.in.o.Policy.Extend(c.DecisionDue, weeks, c.Extensions, e.now)
	if err != nil {
		return "verlenging geweigerd: " + err.Error() + " (verder uitstel alleen met #toestemming)"
	}
	c.Extensions++
	e.plan.extendTo(due, weeks, reason, false)
	return ""
}

// extendByConsent is "#toestemming 2w reden": further delay with the
// complainant's consent, recorded.
func extendByConsent(e *cmdEnv, arg string) string {
	weeks, reason, msg := weeksAndReason(arg)
	if msg != "" {
		return msg
	}
	if weeks < 1 {
		return "het aantal weken moet minstens 1 zijn"
	}
	c := e.c()
	due := c.DecisionDue.AddWeeks(weeks)
	if e.in.o.Policy.MoveToWorkingDay {
		due = deadline.Legal().OnOrAfter(due)
	}
	c.ConsentedDelays++
	e.plan.extendTo(due, weeks, reason, true)
	return ""
}

// weeksAndReason parses "4w reden".
func weeksAndReason(arg string) (weeks int, reason, msg string) {
	weeksStr, reason, _ := strings.Cut(arg, " ")
	weeks, err := strconv.Atoi(strings.TrimSuffix(strings.ToLower(weeksStr), "w"))
	if err != nil {
		return 0, "", "schrijf het aantal weken als 4w, gevolgd door de reden"
	}
	if reason = strings.TrimSpace(reason); reason == "" {
		return 0, "", "de reden ontbreekt; de klager krijgt die te lezen"
	}
	return weeks, reason, ""
}

// extendTo moves the decision due date and records why.
func (pl *plan) extendTo(due deadline.Date, weeks int, reason string, consent bool) {
	c := &pl.c
	pl.add("extended", map[string]any{"from": c.DecisionDue, "to": due, "weeks": weeks, "reason": reason, "consent": consent},
		fmt.Sprintf("termijn verlengd van %s tot %s (%s)", c.DecisionDue, due, reason))
	c.DecisionDue, pl.extended, pl.reason = due, true, reason
}
