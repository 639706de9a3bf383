package cases

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/klachtd/klachtd/internal/config"
	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/store"
)

// Commands by mail are a table (commandTable): each command has a name, the
// roles that may use it, how its argument is given, a line of help, and a
// function that checks the argument and adds what it does to the plan.
// The commands live in one file per family (command_case.go,
// command_terms.go, command_people.go, command_closing.go, …); the help
// text of handler mails is generated from the table. Adding a command is
// one entry in its family's list and one function.
//
// The rules every command keeps: a mail's commands are checked together
// and applied all or none (makePlan collects every error before anything
// is written); what applied is confirmed to the sender; a mail whose sender
// is not an authenticated handler is refused whole before any command is
// read (handler.go).

// A command is one "#name argument" line at the top of a handler's mail.
type command struct {
	name, arg, line string
}

// A role is who may use a command: a bit set, so that a command can allow
// several.
type role uint8

const (
	// roleHandler is a configured, authenticated handler.
	roleHandler role = 1 << iota
	// roleRegistrar is a configured, authenticated registrar ([[registrars]]):
	// may register on someone's behalf (command_registration.go), not decide.
	roleRegistrar
)

// argRule says how a command's argument is given; makePlan checks it
// before the command's function runs.
type argRule uint8

const (
	argNone     argRule = iota // anything after the name is ignored
	argOptional                // the function handles an empty argument
	argRequired                // an empty argument is refused with the usage
)

// spec is one row of the command table.
type spec struct {
	name  string  // after "#", lower case
	usage string  // the argument as the help shows it
	help  string  // one line; "" for none
	who   role    // who may use it
	arg   argRule // how its argument is given
	// apply checks the argument and adds the command's changes and effects
	// to e.plan; it returns what is wrong, or "".
	apply func(e *cmdEnv, arg string) string
}

// commandTable is every command, in the order of the help text.
type commandTable []spec

// commands builds the table from its families.
func commands() commandTable {
	var t commandTable
	for _, family := range [][]spec{caseCommands(), peopleCommands(), termCommands(), hearingCommands(), measureCommands(),
		closingCommands(), recordsCommands(), registrationCommands()} {
		t = append(t, family...)
	}
	return t
}

func (t commandTable) find(name string) *spec {
	for i := range t {
		if t[i].name == name {
			return &t[i]
		}
	}
	return nil
}

// help is the command summary: one line per command, "#name usage" and,
// when the command has one, its help in parentheses.
func (t commandTable) help() string {
	lines := make([]string, 0, len(t))
	for _, s := range t {
		l := strings.TrimSpace("#" + s.name + " " + s.usage)
		if s.help != "" {
			l = fmt.Sprintf("%-31s (%s)", l, s.help)
		}
		lines = append(lines, l)
	}
	return strings.Join(lines, "\n")
}

// CommandHelp is the footer of handler mails and the answer to a bad
// command, generated from the command table.
func CommandHelp() string { return commands().help() }

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
	// text is the handler's text below the commands (#verslag takes it).
	text string
	// proc is the case's procedure as it will be; procChanged says it must
	// be written.
	proc        store.Procedure
	procChanged bool
	// report: #verslag; the text is the hearing report, an internal note.
	report bool
	// decision: #sluit with a judgment; the text goes out as the decision
	// letter, not as a relayed answer.
	decision bool
	// effects run after the case and its events are written, in the same
	// transaction: the mails and rows a command causes.
	effects []effect
	errors  []string // one per bad command; non-empty means nothing applies
	// reg is set when the mail registers a new complaint on someone's
	// behalf (command_registration.go); nil on an existing case.
	reg *registration
}

// An effect is work a command adds to the plan, done in the mail's
// transaction once the plan applies; cause is the handler's mail.
type effect func(ctx context.Context, tx *store.Tx, c *store.Case, cause int64) error

// A change is one line of the audit trail and of the confirmation mail.
type change struct {
	kind    string
	detail  map[string]any
	summary string
}

func (pl *plan) add(kind string, detail map[string]any, summary string) {
	pl.changes = append(pl.changes, change{kind: kind, detail: detail, summary: summary})
}

func (pl *plan) then(f effect) { pl.effects = append(pl.effects, f) }

// cmdEnv is what a command's function works with.
type cmdEnv struct {
	in     *Intake
	plan   *plan
	people *People
	now    time.Time
	cmd    command
	// facts are what the store knows about the case beyond its row
	// (hearing, measures); zero when the plan is made without a store.
	facts caseFacts
}

// c is the case as the plan will leave it.
func (e *cmdEnv) c() *store.Case { return &e.plan.c }

// makePlan checks and applies cmds, sent by a handler, to a copy of c.
func (in *Intake) makePlan(c store.Case, cmds []command, p *People, now time.Time) *plan {
	return in.makePlanWith(c, caseFacts{proc: store.Procedure{CaseID: c.ID}}, cmds, "", p, now, roleHandler)
}

// makePlanWith is makePlan with the case's facts, the handler's text and
// the sender's roles. After every command it checks what holds for the
// mail as a whole (closing.go: the hearing before a decision).
func (in *Intake) makePlanWith(c store.Case, facts caseFacts, cmds []command, text string, p *People, now time.Time, who role) *plan {
	pl := &plan{c: c, text: text, proc: facts.proc}
	table := commands()
	for _, cmd := range cmds {
		e := &cmdEnv{in: in, plan: pl, people: p, now: now, cmd: cmd, facts: facts}
		if err := table.run(e, who); err != "" {
			pl.errors = append(pl.errors, fmt.Sprintf("%s: %s", cmd.line, err))
		}
	}
	if len(pl.errors) == 0 {
		if line, err := in.checkClosing(pl, cmds); err != "" {
			pl.errors = append(pl.errors, fmt.Sprintf("%s: %s", line, err))
		}
	}
	return pl
}

// run applies one command, or says what is wrong with it.
func (t commandTable) run(e *cmdEnv, who role) string {
	s := t.find(e.cmd.name)
	switch {
	case s == nil:
		return "onbekende opdracht; bekend zijn:\n" + t.help()
	case s.who&who == 0:
		return "deze opdracht is niet voor u"
	case s.arg == argRequired && e.cmd.arg == "":
		return "schrijf: " + strings.TrimSpace("#"+s.name+" "+s.usage)
	case s.arg == argNone:
		return s.apply(e, "")
	}
	return s.apply(e, e.cmd.arg)
}

// today is the day the plan is made, in Europe/Amsterdam.
func (e *cmdEnv) today() deadline.Date { return deadline.DateOf(e.now) }

// setProc changes the case's procedure.
func (e *cmdEnv) setProc(f func(p *store.Procedure)) {
	f(&e.plan.proc)
	e.plan.proc.UpdatedAt = e.now
	e.plan.procChanged = true
}
