package cases

import (
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/config"
	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/parse"
	"github.com/klachtd/klachtd/internal/store"
)

func TestSplitCommands(t *testing.T) {
	cmds, rest := splitCommands("\n#status in_behandeling\n\n#categorie Geluid en overlast\nBeste heer,\n\n#niet meer: dit staat in de tekst\n")
	if len(cmds) != 2 || cmds[0].name != "status" || cmds[0].arg != "in_behandeling" || cmds[1].arg != "Geluid en overlast" {
		t.Errorf("commands = %+v", cmds)
	}
	if rest != "Beste heer,\n\n#niet meer: dit staat in de tekst" {
		t.Errorf("rest = %q", rest)
	}
}

func TestRoute(t *testing.T) {
	p := &People{
		Handlers: []config.Handler{
			{Name: "Algemeen", Address: "algemeen@gemeente.example", Default: true},
			{Name: "Zorg", Address: "zorg@gemeente.example", Categories: []string{"zorg"}},
			{Name: "Parkeren", Address: "parkeren@gemeente.example"},
		},
		Routing: []config.Route{
			{Category: "zorg", To: "zorg"},
			{Category: "parkeren", Words: []string{"parkeervergunning", "parking permit"}, Handler: "Parkeren"},
		},
	}
	tests := []struct {
		name, subject, to string
		category, handler string
	}{
		{"sub-address", "Klacht", "klachten+zorg@gemeente.example", "zorg", "zorg@gemeente.example"},
		{"words, named handler", "My Parking Permit", "klachten@gemeente.example", "parkeren", "parkeren@gemeente.example"},
		{"nothing matches: default", "Afval", "klachten@gemeente.example", "", "algemeen@gemeente.example"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := &parse.Message{Subject: tt.subject, To: []parse.Address{{Address: tt.to}}}
			cat, h := p.route(msg)
			if cat != tt.category || h == nil || h.Address != tt.handler {
				t.Errorf("route = %q, %+v; want %q, %s", cat, h, tt.category, tt.handler)
			}
		})
	}
}

func TestCommandPlans(t *testing.T) {
	awb, _ := deadline.Preset("awb")
	generic, _ := deadline.Preset("generic")
	p := &People{Handlers: []config.Handler{{Name: "Piet", Address: "piet@gemeente.example"}}}
	due := deadline.NewDate(2026, 12, 14)
	base := store.Case{Status: store.StatusReceived, DecisionDue: due}
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, deadline.Location())
	tests := []struct {
		name   string
		policy deadline.Policy
		c      store.Case
		cmds   string
		errs   string // substring of the first error, "" for none
		check  func(pl *plan) string
	}{
		{"status", awb, base, "#status in_behandeling", "", func(pl *plan) string {
			return want(pl.c.Status == store.StatusInProgress, "status")
		}},
		{"waiting is refused under awb", awb, base, "#status wacht_op_klager", "geen opschorting", nil},
		{"waiting pauses a pausable policy", generic, base, "#status wacht_op_klager", "", func(pl *plan) string {
			return want(pl.c.Status == store.StatusWaiting && pl.c.PausedAt.Time.Equal(now), "pause")
		}},
		{"assign by name", awb, base, "#toewijzen piet", "", func(pl *plan) string {
			return want(pl.c.HandlerAddress == "piet@gemeente.example" && pl.assignedTo != nil, "assignment")
		}},
		{"assign to a stranger", awb, base, "#toewijzen iemand@example.nl", "geen behandelaar", nil},
		{"extend", awb, base, "#verleng 4w advies nodig", "", func(pl *plan) string {
			return want(pl.c.DecisionDue.String() == "2027-01-11" && pl.c.Extensions == 1 && pl.extended, "extension "+pl.c.DecisionDue.String())
		}},
		{"extend twice", awb, store.Case{DecisionDue: due, Extensions: 1}, "#verleng 2w nog meer tijd", "verlenging geweigerd", nil},
		{"extend too long", awb, base, "#verleng 6w lang", "verlenging geweigerd", nil},
		{"extend without reason", awb, base, "#verleng 4w", "reden ontbreekt", nil},
		{"extend after the due date", awb, store.Case{DecisionDue: deadline.NewDate(2026, 11, 19)}, "#verleng 4w te laat", "verlenging geweigerd", nil},
		{"consent after the extension", awb, store.Case{DecisionDue: due, Extensions: 1}, "#toestemming 2w klager stemt in", "", func(pl *plan) string {
			return want(pl.c.DecisionDue.String() == "2026-12-28" && pl.c.ConsentedDelays == 1, "consented delay "+pl.c.DecisionDue.String())
		}},
		{"close", awb, base, "#geen-hoorzitting klager wil niet gehoord worden\n#sluit deels", "", func(pl *plan) string {
			return want(pl.c.Status == store.StatusClosed && pl.c.Outcome.String == "deels_gegrond" && pl.c.ClosedAt.Valid && pl.decision, "closing")
		}},
		{"close under awb without hearing", awb, base, "#sluit deels", "eerst worden gehoord", nil},
		{"reason after #sluit in the same mail", awb, base, "#sluit gegrond\n#geen-hoorzitting kennelijk ongegrond", "", nil},
		{"report in the same mail", awb, base, "#verslag klager en afdeling gehoord op 1 december\n#sluit ongegrond", "", func(pl *plan) string {
			return want(pl.proc.HearingReport.String == "klager en afdeling gehoord op 1 december" && pl.report, "report")
		}},
		{"generic needs no hearing", generic, base, "#sluit gegrond", "", nil},
		{"withdrawn needs no hearing", awb, base, "#sluit ingetrokken", "", func(pl *plan) string {
			return want(!pl.decision, "no decision letter for a withdrawal")
		}},
		{"hearing, ISO", awb, base, "#hoorzitting 2026-12-08 10:30 Stadhuis, kamer 2", "", func(pl *plan) string {
			at := pl.proc.HearingAt.Time
			return want(at.Equal(time.Date(2026, 12, 8, 10, 30, 0, 0, deadline.Location())) && pl.proc.HearingPlace == "Stadhuis, kamer 2", "hearing "+at.String())
		}},
		{"hearing, Dutch numeric", awb, base, "#hoorzitting 8-12-2026 10.30 telefonisch", "", func(pl *plan) string {
			return want(pl.proc.HearingAt.Time.Day() == 8 && pl.proc.HearingPlace == "telefonisch", "hearing")
		}},
		{"hearing, Dutch words", awb, base, "#hoorzitting 8 december 14:00 video", "", func(pl *plan) string {
			at := pl.proc.HearingAt.Time
			return want(at.Year() == 2026 && at.Month() == 12 && at.Hour() == 14 && pl.proc.HearingPlace == "video", "hearing "+at.String())
		}},
		{"hearing in the past", awb, base, "#hoorzitting 2026-11-01 10:00", "verleden", nil},
		{"hearing on 31 November", awb, base, "#hoorzitting 31-11-2026 10:00", "geen datum", nil},
		{"hearing without time", awb, base, "#hoorzitting 2026-12-08", "tijd ontbreekt", nil},
		{"report without text", awb, base, "#verslag", "verslag ontbreekt", nil},
		// Received Thursday 3 December 2026: ten weeks is Thursday 11
		// February 2027; received 17 December 2026, ten weeks ends on
		// Friday 25 February 2027. Across the holidays: received Friday
		// 16 October 2026 ends on Friday 25 December (Christmas), moved by
		// the Atw to Monday 28 December 2026.
		{"committee across Christmas", awb, store.Case{Status: store.StatusInProgress, DecisionDue: deadline.NewDate(2026, 11, 27),
			ReceivedAt: time.Date(2026, 10, 16, 9, 0, 0, 0, deadline.Location())}, "#commissie Klachtadviescommissie", "", func(pl *plan) string {
			return want(pl.c.DecisionDue.String() == "2026-12-28" && pl.proc.Committee.String == "Klachtadviescommissie", "committee due "+pl.c.DecisionDue.String())
		}},
		{"committee under generic", generic, base, "#commissie", "geen termijn voor een adviescommissie", nil},
		{"measure with a date", awb, base, "#maatregel instructie aannemers over werktijden uiterlijk 15 januari 2027", "", func(pl *plan) string {
			return want(len(pl.effects) == 1 && strings.Contains(pl.changes[0].summary, "2027-01-15"), "measure "+pl.changes[0].summary)
		}},
		{"measure result without a measure", awb, base, "#effectief ja werkt", "geen open maatregel", nil},
		{"reopen an open case", awb, base, "#heropen klager schreef opnieuw", "niet gesloten", nil},
		{"reopen keeps the due date", awb, store.Case{Status: store.StatusClosed, DecisionDue: due, Outcome: sql.NullString{String: "gegrond", Valid: true}},
			"#heropen nieuwe feiten", "", func(pl *plan) string {
				return want(pl.c.Status == store.StatusInProgress && pl.c.DecisionDue == due && !pl.c.Outcome.Valid, "reopening")
			}},
		{"respondent without copy needs a reason", awb, base, "#beklaagde Piet piet@gemeente.example geen-afschrift", "reden", nil},
		{"respondent without copy", awb, base, "#beklaagde Piet piet@gemeente.example geen-afschrift veiligheid", "", func(pl *plan) string {
			return want(len(pl.effects) == 0 && pl.c.RespondentAddress == "piet@gemeente.example", "no copy")
		}},
		{"respondent gets a copy", awb, base, "#beklaagde Piet <piet@gemeente.example>", "", func(pl *plan) string {
			return want(len(pl.effects) == 1, "copy")
		}},
		{"copy without respondent", awb, base, "#afschrift", "geen beklaagde", nil},
		{"one copy for #beklaagde and #afschrift", awb, base, "#beklaagde piet@gemeente.example\n#afschrift", "", func(pl *plan) string {
			return want(len(pl.effects) == 1, "copies")
		}},
		{"close with a bad outcome", awb, base, "#sluit misschien", "onbekende uitkomst", nil},
		{"unknown", awb, base, "#verwijder", "onbekende opdracht", nil},
		{"one bad command spoils all", awb, base, "#categorie afval\n#sluit misschien", "onbekende uitkomst", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := NewIntake(Options{Policy: tt.policy})
			cmds, _ := splitCommands(tt.cmds)
			pl := in.makePlan(tt.c, cmds, p, now)
			switch {
			case tt.errs == "" && len(pl.errors) > 0:
				t.Fatalf("errors: %v", pl.errors)
			case tt.errs != "" && (len(pl.errors) == 0 || !strings.Contains(strings.Join(pl.errors, "\n"), tt.errs)):
				t.Fatalf("errors %v, want one with %q", pl.errors, tt.errs)
			}
			if tt.check != nil {
				if msg := tt.check(pl); msg != "" {
					t.Error(msg)
				}
			}
		})
	}
}

func want(ok bool, what string) string {
	if ok {
		return ""
	}
	return "wrong " + what
}

func TestGuessLanguage(t *testing.T) {
	if got := guessLanguage("I applied for a permit and I have not heard from you.", "nl"); got != "en" {
		t.Errorf("English text: %s", got)
	}
	if got := guessLanguage("Ik heb een vergunning aangevraagd en niets van u gehoord.", "en"); got != "nl" {
		t.Errorf("Dutch text: %s", got)
	}
	if got := guessLanguage("OK", "nl"); got != "nl" {
		t.Errorf("too short: %s", got)
	}
}

func TestCommandHelpComesFromTheTable(t *testing.T) {
	help := CommandHelp()
	for _, s := range commands() {
		if !strings.Contains(help, "#"+s.name) {
			t.Errorf("help lacks #%s:\n%s", s.name, help)
		}
		if s.apply == nil || s.who == 0 {
			t.Errorf("#%s has no function or no role", s.name)
		}
	}
	if n := strings.Count(help, "\n") + 1; n != len(commands()) {
		t.Errorf("help has %d lines for %d commands", n, len(commands()))
	}
	in := NewIntake(Options{})
	pl := in.makePlanWith(store.Case{}, caseFacts{}, []command{{name: "categorie", arg: "x", line: "#categorie x"}}, "", &People{}, time.Now(), roleRegistrar)
	if len(pl.errors) != 1 || !strings.Contains(pl.errors[0], "niet voor u") {
		t.Errorf("a command used by a role it does not allow: %v", pl.errors)
	}
}
