package cases

import (
	"database/sql"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/klachtd/klachtd/internal/config"
	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/store"
)

// A command is one "#name argument" line at the top of a handler's mail.
type command struct {
	name, arg, line string
}

// splitCommands takes the "#" lines off the top of text (blank lines between
// them allowed) and returns them and the rest.
func splitCommands(text string) ([]command, string) {
	lines := strings.Split(text, "\n")
	var cmds []command
	i := 0
	for ; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		if l == "" {
			continue
		}
		if !strings.HasPrefix(l, "#") {
			break
		}
		name, arg, _ := strings.Cut(strings.TrimPrefix(l, "#"), " ")
		cmds = append(cmds, command{name: strings.ToLower(strings.TrimSpace(name)), arg: strings.TrimSpace(arg), line: l})
	}
	return cmds, strings.TrimSpace(strings.Join(lines[i:], "\n"))
}

// plan is what a handler's commands do to a case, worked out before anything
// is written: either every command is valid and all apply, or none does.
type plan struct {
	c          store.Case // the case as it will be
	changes    []change
	internal   bool            // #intern: the text is a note, not an answer
	extended   bool            // #verleng or #toestemming: notify the complainant
	reason     string          // of the extension
	assignedTo *config.Handler // #toewijzen: notify the new handler
	errors     []string        // one per bad command; non-empty means nothing applies
}

// A change is one line of the audit trail and of the confirmation mail.
type change struct {
	kind    string
	detail  map[string]any
	summary string
}

var outcomes = map[string]string{
	"gegrond": "gegrond", "ongegrond": "ongegrond", "deels": "deels_gegrond", "deels_gegrond": "deels_gegrond",
	"ingetrokken": "ingetrokken", "informeel": "informeel_opgelost", "informeel_opgelost": "informeel_opgelost",
}

var settableStatus = map[string]string{
	"in_behandeling": store.StatusInProgress, "beantwoord": store.StatusAnswered, "wacht_op_klager": store.StatusWaiting,
}

// CommandHelp is the footer of handler mails and the answer to a bad command.
const CommandHelp = `#status in_behandeling|beantwoord|wacht_op_klager
#categorie <naam>
#toewijzen <adres of naam>
#verleng <weken>w <reden>
#toestemming <weken>w <reden>   (verder uitstel met instemming van de klager)
#beklaagde <naam> <adres>       (over wie de klacht gaat; krijgt een afschrift van een verlenging)
#intern                         (de tekst is een interne notitie, niet voor de klager)
#sluit gegrond|ongegrond|deels|ingetrokken|informeel`

// makePlan checks and applies cmds to a copy of c.
func (in *Intake) makePlan(c store.Case, cmds []command, p *People, now time.Time) *plan {
	pl := &plan{c: c}
	for _, cmd := range cmds {
		if err := in.applyCommand(pl, cmd, p, now); err != "" {
			pl.errors = append(pl.errors, fmt.Sprintf("%s: %s", cmd.line, err))
		}
	}
	return pl
}

// applyCommand applies one command to pl, or says what is wrong with it.
func (in *Intake) applyCommand(pl *plan, cmd command, p *People, now time.Time) string {
	c := &pl.c
	switch cmd.name {
	case "status":
		st, ok := settableStatus[strings.ToLower(cmd.arg)]
		if !ok {
			return "onbekende status; kies in_behandeling, beantwoord of wacht_op_klager (sluiten gaat met #sluit)"
		}
		if st == store.StatusWaiting && !in.o.Policy.Pausable {
			return fmt.Sprintf("het beleid %q kent geen opschorting: de termijn loopt door terwijl u op de klager wacht", in.o.Policy.Name)
		}
		if st == store.StatusWaiting && !c.PausedAt.Valid {
			c.PausedAt = sql.NullTime{Time: now, Valid: true}
		}
		pl.add("status_changed", map[string]any{"from": c.Status, "to": st}, "status: "+c.Status+" → "+st)
		c.Status = st
	case "categorie":
		if cmd.arg == "" {
			return "geef een categorie op"
		}
		pl.add("category_changed", map[string]any{"from": c.Category, "to": cmd.arg}, "categorie: "+cmd.arg)
		c.Category = cmd.arg
	case "toewijzen":
		h := p.Handler(cmd.arg)
		if h == nil {
			return fmt.Sprintf("%q is geen behandelaar in de configuratie", cmd.arg)
		}
		pl.add("assigned", map[string]any{"from": c.HandlerAddress, "to": h.Address}, "toegewezen aan "+h.Name+" <"+h.Address+">")
		c.HandlerAddress = strings.ToLower(h.Address)
		pl.assignedTo = h
	case "verleng", "toestemming":
		return in.extend(pl, cmd, now)
	case "beklaagde":
		return respondent(pl, cmd.arg)
	case "intern":
		pl.internal = true
	case "sluit":
		o, ok := outcomes[strings.ToLower(firstWord(cmd.arg))]
		if !ok {
			return "onbekende uitkomst; kies gegrond, ongegrond, deels, ingetrokken of informeel"
		}
		pl.add("closed", map[string]any{"outcome": o}, "gesloten, uitkomst "+o)
		c.Status, c.Outcome = store.StatusClosed, sql.NullString{String: o, Valid: true}
		c.ClosedAt, c.PausedAt = sql.NullTime{Time: now, Valid: true}, sql.NullTime{}
	default:
		return "onbekende opdracht; bekend zijn:\n" + CommandHelp
	}
	return ""
}

// extend handles "#verleng 4w reden" (the policy's one extension, before the
// due date) and "#toestemming 2w reden" (further delay with the
// complainant's consent, recorded).
func (in *Intake) extend(pl *plan, cmd command, now time.Time) string {
	c := &pl.c
	weeksStr, reason, _ := strings.Cut(cmd.arg, " ")
	weeks, err := strconv.Atoi(strings.TrimSuffix(strings.ToLower(weeksStr), "w"))
	if err != nil {
		return "schrijf het aantal weken als 4w, gevolgd door de reden"
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return "de reden ontbreekt; de klager krijgt die te lezen"
	}
	var due deadline.Date
	if cmd.name == "verleng" {
		if due, err = in.o.Policy.Extend(c.DecisionDue, weeks, c.Extensions, now); err != nil {
			return "verlenging geweigerd: " + err.Error() + " (verder uitstel alleen met #toestemming)"
		}
		c.Extensions++
	} else {
		if weeks < 1 {
			return "het aantal weken moet minstens 1 zijn"
		}
		due = c.DecisionDue.AddWeeks(weeks)
		if in.o.Policy.MoveToWorkingDay {
			due = deadline.Legal().OnOrAfter(due)
		}
		c.ConsentedDelays++
	}
	pl.add("extended", map[string]any{"from": c.DecisionDue, "to": due, "weeks": weeks, "reason": reason, "consent": cmd.name == "toestemming"},
		fmt.Sprintf("termijn verlengd van %s tot %s (%s)", c.DecisionDue, due, reason))
	c.DecisionDue, pl.extended, pl.reason = due, true, reason
	return ""
}

func (pl *plan) add(kind string, detail map[string]any, summary string) {
	pl.changes = append(pl.changes, change{kind: kind, detail: detail, summary: summary})
}

// respondent records who the complaint is about: "#beklaagde Naam <adres>",
// "#beklaagde Naam adres" or "#beklaagde adres".
func respondent(pl *plan, arg string) string {
	a, err := mail.ParseAddress(arg)
	if err != nil {
		fields := strings.Fields(arg)
		if len(fields) == 0 {
			return "geef naam en e-mailadres van de beklaagde"
		}
		last := fields[len(fields)-1]
		if a, err = mail.ParseAddress(last); err != nil {
			return fmt.Sprintf("%q is geen e-mailadres", last)
		}
		a.Name = strings.Join(fields[:len(fields)-1], " ")
	}
	pl.add("respondent_set", map[string]any{"name": a.Name, "address": a.Address}, "beklaagde: "+strings.TrimSpace(a.Name+" <"+a.Address+">"))
	pl.c.RespondentName, pl.c.RespondentAddress = a.Name, lower(a.Address)
	return ""
}
