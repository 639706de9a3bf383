package cases

import (
	"database/sql"
	"fmt"
	"strings"

	"github.com/klachtd/klachtd/internal/store"
)

// caseCommands are the commands about the case itself: its status, its
// category, and whether the handler's text is a note.
func caseCommands() []spec {
	return []spec{
		{name: "status", usage: "in_behandeling|beantwoord|wacht_op_klager", who: roleHandler, arg: argRequired, apply: setStatus},
		{name: "categorie", usage: "<naam>", who: roleHandler, arg: argRequired, apply: setCategory},
		{name: "intern", help: "de tekst is een interne notitie, niet voor de klager", who: roleHandler, arg: argNone, apply: markInternal},
	}
}

var settableStatus = map[string]string{
	"in_behandeling": store.StatusInProgress, "beantwoord": store.StatusAnswered, "wacht_op_klager": store.StatusWaiting,
}

// setStatus is "#status in_behandeling|beantwoord|wacht_op_klager"; waiting
// pauses the clock where the policy allows it.
func setStatus(e *cmdEnv, arg string) string {
	c := e.c()
	st, ok := settableStatus[strings.ToLower(arg)]
	if !ok {
		return "onbekende status; kies in_behandeling, beantwoord of wacht_op_klager (sluiten gaat met #sluit)"
	}
	if st == store.StatusWaiting && !e.in.o.Policy.Pausable {
		return fmt.Sprintf("het beleid %q kent geen opschorting: de termijn loopt door terwijl u op de klager wacht", e.in.o.Policy.Name)
	}
	if st == store.StatusWaiting && !c.PausedAt.Valid {
		c.PausedAt = sql.NullTime{Time: e.now, Valid: true}
	}
	e.plan.add("status_changed", map[string]any{"from": c.Status, "to": st}, "status: "+c.Status+" → "+st)
	c.Status = st
	return ""
}

// setCategory is "#categorie <naam>".
func setCategory(e *cmdEnv, arg string) string {
	c := e.c()
	e.plan.add("category_changed", map[string]any{"from": c.Category, "to": arg}, "categorie: "+arg)
	c.Category = arg
	return ""
}

// markInternal is "#intern": the text is recorded as a note, not relayed.
func markInternal(e *cmdEnv, _ string) string {
	e.plan.internal = true
	return ""
}
