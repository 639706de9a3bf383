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
		{name: "beklaagde", usage: "<naam> <adres> [geen-afschrift <reden>]", help: "over wie de klacht gaat; krijgt een afschrift van de klacht",
			who: roleHandler, arg: argRequired, apply: respondent},
		{name: "afschrift", usage: "", help: "stuur de beklaagde alsnog een afschrift van de klacht", who: roleHandler, arg: argNone, apply: respondentCopy},
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
// "#beklaagde Naam adres" or "#beklaagde adres"; they get a copy of the
// complaint and its attachments (Awb hoofdstuk 9; template
// respondent_copy), unless "geen-afschrift <reden>" follows, which records
// why not (e.g. safety).
func respondent(e *cmdEnv, arg string) string {
	arg, noCopy, withheld := cutWord(arg, "geen-afschrift")
	if withheld && strings.TrimSpace(noCopy) == "" {
		return "schrijf na geen-afschrift de reden (die wordt vastgelegd)"
	}
	if strings.TrimSpace(arg) == "" {
		return "geef naam en e-mailadres van de beklaagde"
	}
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
	if withheld {
		e.plan.add("respondent_copy_withheld", map[string]any{"reason": noCopy}, "geen afschrift aan de beklaagde: "+noCopy)
		return ""
	}
	return respondentCopy(e, "")
}

// respondentCopy is "#afschrift": the person complained about, set now or
// earlier, gets a copy of the complaint and its attachments. Their reply,
// threaded by the reference, is recorded on the case and forwarded to the
// handler, never relayed to the complainant (thread.go).
func respondentCopy(e *cmdEnv, _ string) string {
	c := e.c()
	if c.RespondentAddress == "" {
		return "er is geen beklaagde vastgelegd: eerst #beklaagde <naam> <adres>"
	}
	for _, ch := range e.plan.changes {
		if ch.kind == "respondent_copy" {
			return "" // #beklaagde and #afschrift in one mail: one copy
		}
	}
	e.plan.add("respondent_copy", map[string]any{"to": c.RespondentAddress}, "afschrift van de klacht naar "+c.RespondentAddress)
	e.plan.then(e.in.respondentCopy)
	return ""
}
