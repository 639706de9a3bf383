package deadline

import (
	"fmt"
	"strings"
)

// Procedure is what a policy says about the steps of handling besides the
// terms: where the complainant can go next (named in the decision letter),
// whether a hearing is required before a decision, the follow-up question,
// and what reopening a case does. Every value is a default an organisation
// changes in [policy]; none of it is legal advice.
type Procedure struct {
	// Recourse is the body named in the decision letter (Awb 9:12: the
	// ombudsman and the term; Wkkgz: the disputes body). An empty Name
	// leaves the recourse paragraph out.
	Recourse Recourse
	// RequireHearing refuses #sluit until a hearing report (#verslag) or a
	// lawful reason to skip it (#geen-hoorzitting) is recorded: Awb 9:10.
	RequireHearing bool
	// FollowupDays: that many days after closing, the complainant is asked
	// whether the answer helped; 0 = never.
	FollowupDays int
	// ReopenNewTerm gives a case reopened with #heropen a new decision term
	// counted from the reopening, as a new complaint; false keeps the old
	// due date.
	ReopenNewTerm bool
	// ReportInDecision puts the hearing report in the decision letter.
	ReportInDecision bool
}

// Recourse is where a complainant can turn after the decision. The fields
// are shown as written ("12 maanden", "1 jaar").
type Recourse struct {
	Name, URL, Address, Term string
}

// wkkgzRecoursePlaceholder is the wkkgz preset's name until the operator
// configures the disputes body the provider is a member of.
const wkkgzRecoursePlaceholder = "de geschilleninstantie waarbij wij zijn aangesloten"

// presetProcedure is a preset's Procedure: awb names the Nationale
// ombudsman (1 year, Awb 9:24) and requires a hearing (9:10); wkkgz names
// the disputes body, to be configured (1 year); generic names none.
func presetProcedure(name string) Procedure {
	switch name {
	case PresetGeneric:
		return Procedure{ReportInDecision: true}
	case PresetAwb:
		return Procedure{RequireHearing: true, ReportInDecision: true, Recourse: Recourse{
			Name: "de Nationale ombudsman", URL: "https://www.nationaleombudsman.nl",
			Address: "Postbus 93122, 2509 AC Den Haag", Term: "1 jaar"}}
	case PresetWkkgz:
		return Procedure{ReportInDecision: true, Recourse: Recourse{Name: wkkgzRecoursePlaceholder, Term: "1 jaar"}}
	}
	return Procedure{}
}

// applyProcedure overrides p's Procedure with the keys cfg sets.
func (cfg Config) applyProcedure(p *Policy, bad func(string, string, ...any)) {
	setString(&p.Procedure.Recourse.Name, cfg.RecourseName)
	setString(&p.Procedure.Recourse.URL, cfg.RecourseURL)
	setString(&p.Procedure.Recourse.Address, cfg.RecourseAddress)
	setString(&p.Procedure.Recourse.Term, cfg.RecourseTerm)
	setBool(&p.Procedure.RequireHearing, cfg.RequireHearing)
	setBool(&p.Procedure.ReopenNewTerm, cfg.ReopenNewTerm)
	setBool(&p.Procedure.ReportInDecision, cfg.ReportInDecision)
	setInt(bad, "followup_days", 0, &p.Procedure.FollowupDays, cfg.FollowupDays)
}

// Warnings are what an operator should fix in [policy] that does not stop
// klachtd: a legal preset whose decision letter would name no recourse, or
// only the wkkgz placeholder for the disputes body.
func (cfg Config) Warnings() []string {
	preset := cfg.Preset
	if preset != PresetAwb && preset != PresetWkkgz {
		return nil
	}
	switch {
	case cfg.RecourseName != nil && strings.TrimSpace(*cfg.RecourseName) == "":
		return []string{fmt.Sprintf("policy.recourse_name: empty under the %s preset: the decision letter will not say where the complainant can go next", preset)}
	case cfg.RecourseName == nil && preset == PresetWkkgz:
		return []string{"policy.recourse_name: not set: the decision letter names \"" + wkkgzRecoursePlaceholder + "\"; name your disputes body (and recourse_url)"}
	}
	return nil
}

func setString(dst *string, v *string) {
	if v != nil {
		*dst = *v
	}
}
