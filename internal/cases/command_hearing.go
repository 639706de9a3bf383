package cases

import (
	"database/sql"
	"strings"

	"github.com/klachtd/klachtd/internal/store"
)

// hearingCommands are the commands of the hearing (Awb 9:10): plan it,
// record its report, or record the lawful reason to skip it.
func hearingCommands() []spec {
	return []spec{
		{name: "hoorzitting", usage: "<datum> <tijd> [plaats|telefonisch|video]",
			help: "nodigt klager en beklaagde uit; herinnering de dag ervoor", who: roleHandler, arg: argRequired, apply: planHearing},
		{name: "verslag", usage: "", help: "de tekst is het verslag van de hoorzitting; blijft intern", who: roleHandler, arg: argOptional, apply: recordReport},
		{name: "geen-hoorzitting", usage: "<reden>", help: "kennelijk ongegrond, klager wil niet gehoord worden, klager reageerde niet",
			who: roleHandler, arg: argRequired, apply: waiveHearing},
	}
}

// hearingForms are the words for a hearing that is not at a place.
var hearingForms = map[string]string{"telefonisch": "telefonisch", "telefoon": "telefonisch", "video": "video", "online": "video"}

// planHearing is "#hoorzitting 2026-12-08 10:30 Stadhuis, kamer 2": the
// hearing is recorded and the complainant (and the person complained
// about, when set) are invited (template hearing). A later #hoorzitting
// moves it and invites again.
func planHearing(e *cmdEnv, arg string) string {
	words := strings.Fields(arg)
	at, n, err := parseDateTime(words, e.today())
	if err != nil {
		return err.Error()
	}
	if !at.After(e.now) {
		return "de hoorzitting ligt in het verleden"
	}
	place := strings.Join(words[n:], " ")
	if f, ok := hearingForms[strings.ToLower(place)]; ok {
		place = f
	}
	e.setProc(func(p *store.Procedure) {
		p.HearingAt, p.HearingPlace = sql.NullTime{Time: at, Valid: true}, place
	})
	e.plan.add("hearing_planned", map[string]any{"at": at, "place": place},
		"hoorzitting op "+at.Format("2006-01-02 15:04")+placeSuffix(place)+"; uitnodiging naar de klager"+respondentSuffix(e.c()))
	e.plan.then(e.in.hearingInvitations)
	return ""
}

func placeSuffix(place string) string {
	if place == "" {
		return ""
	}
	return " (" + place + ")"
}

func respondentSuffix(c *store.Case) string {
	if c.RespondentAddress == "" {
		return ""
	}
	return " en de beklaagde"
}

// recordReport is "#verslag": the handler's text (or the argument) is the
// hearing report, recorded as an internal note and not relayed.
func recordReport(e *cmdEnv, arg string) string {
	report := strings.TrimSpace(arg)
	if report == "" {
		report = e.plan.text
	}
	if report == "" {
		return "het verslag ontbreekt: zet het onder de opdrachten"
	}
	e.setProc(func(p *store.Procedure) { p.HearingReport = sql.NullString{String: report, Valid: true} })
	e.plan.report = true
	e.plan.add("hearing_report", map[string]any{"text": report}, "verslag van de hoorzitting vastgelegd (intern)")
	return ""
}

// waiveHearing is "#geen-hoorzitting <reden>": the lawful reason not to
// hear the parties (Awb 9:10 lid 2) is recorded.
func waiveHearing(e *cmdEnv, arg string) string {
	e.setProc(func(p *store.Procedure) { p.HearingWaived = sql.NullString{String: arg, Valid: true} })
	e.plan.add("hearing_waived", map[string]any{"reason": arg}, "geen hoorzitting: "+arg)
	return ""
}
