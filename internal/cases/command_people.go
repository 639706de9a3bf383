package cases

import (
	"fmt"
	"net/mail"
	"strings"
)

// peopleCommands are the commands about who handles the case and whom it
// is about.
func peopleCommands() []spec {
	return []spec{
		{name: "toewijzen", usage: "<adres of naam>", who: roleHandler, arg: argRequired, apply: assign},
		{name: "beklaagde", usage: "<naam> <adres>", help: "over wie de klacht gaat; krijgt een afschrift van een verlenging",
			who: roleHandler, arg: argRequired, apply: respondent},
	}
}

// assign is "#toewijzen <adres of naam>": the new handler is notified.
func assign(e *cmdEnv, arg string) string {
	c := e.c()
	h := e.people.Handler(arg)
	if h == nil {
		return fmt.Sprintf("%q is geen behandelaar in de configuratie", arg)
	}
	e.plan.add("assigned", map[string]any{"from": c.HandlerAddress, "to": h.Address}, "toegewezen aan "+h.Name+" <"+h.Address+">")
	c.HandlerAddress = strings.ToLower(h.Address)
	e.plan.assignedTo = h
	return ""
}

// respondent records who the complaint is about: "#beklaagde Naam <adres>",
// "#beklaagde Naam adres" or "#beklaagde adres".
func respondent(e *cmdEnv, arg string) string {
	a, err := mail.ParseAddress(arg)
	if err != nil {
		fields := strings.Fields(arg)
		last := fields[len(fields)-1]
		if a, err = mail.ParseAddress(last); err != nil {
			return fmt.Sprintf("%q is geen e-mailadres", last)
		}
		a.Name = strings.Join(fields[:len(fields)-1], " ")
	}
	e.plan.add("respondent_set", map[string]any{"name": a.Name, "address": a.Address}, "beklaagde: "+strings.TrimSpace(a.Name+" <"+a.Address+">"))
	e.plan.c.RespondentName, e.plan.c.RespondentAddress = a.Name, lower(a.Address)
	return ""
}
