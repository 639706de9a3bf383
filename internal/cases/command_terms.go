package cases

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/klachtd/klachtd/internal/deadline"
)

// termCommands are the commands that move the decision term.
func termCommands() []spec {
	return []spec{
		{name: "verleng", usage: "<weken>w <reden>", who: roleHandler, arg: argRequired, apply: extendOnce},
		{name: "toestemming", usage: "<weken>w <reden>", help: "verder uitstel met instemming van de klager",
			who: roleHandler, arg: argRequired, apply: extendByConsent},
	}
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
