package main

import (
	"database/sql"
	"time"

	"github.com/klachtd/klachtd/internal/cases"
	"github.com/klachtd/klachtd/internal/deadline"
)

func sampleRespondentCopy() any {
	d := sampleRespondent()
	d.Text, d.Attachments = sampleText, []string{"foto-bouwplaats.jpg"}
	return d
}

func sampleHearing() any {
	d := sampleMail()
	d.Hearing = &cases.HearingLine{At: time.Date(2026, 12, 8, 10, 30, 0, 0, deadline.Location()), Place: "Stadhuis, kamer 2.14"}
	return d
}

func sampleCommittee() any {
	d := sampleMail()
	d.Committee, d.Case.DecisionDue = "Klachtadviescommissie Gemeente Voorbeeld", deadline.NewDate(2027, 1, 11)
	return d
}

func sampleRespondent() cases.MailData {
	d := sampleMail()
	d.Case.RespondentName, d.Case.RespondentAddress, d.Respondent = "Afdeling Vergunningen", "vergunningen@gemeente-voorbeeld.nl", true
	return d
}

// sampleDecision is a decision letter under the awb preset: the reasoning,
// a measure with its term, the hearing report and the Nationale ombudsman.
func sampleDecision() cases.MailData {
	d := sampleMail()
	d.Case.Status, d.Case.Outcome = "gesloten", sql.NullString{String: "gegrond", Valid: true}
	d.Outcome = "gegrond"
	d.Text = "De aannemer begon eerder dan de vergunning toestaat. Wij hebben hem daarop aangesproken en controleren de werktijden."
	due := deadline.NewDate(2027, 1, 15)
	d.Measures = []cases.MeasureLine{{N: 1, Text: "Toezichthouder controleert de werktijden twee weken lang", Due: &due}}
	d.Report = "Klager en de afdeling Toezicht gehoord op 8 december 2026. Beide erkennen dat er vóór zeven uur is geheid."
	awb, _ := deadline.Preset(deadline.PresetAwb)
	d.Recourse = awb.Procedure.Recourse
	return d
}
