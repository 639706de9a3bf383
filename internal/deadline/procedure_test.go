package deadline

import (
	"strings"
	"testing"
)

func strp(s string) *string { return &s }

func TestProcedureFromConfig(t *testing.T) {
	p, err := FromConfig(Config{Preset: "wkkgz", RecourseName: strp("De Geschillencommissie Zorg"),
		RecourseURL: strp("https://www.degeschillencommissiezorg.nl"), RecourseTerm: strp("12 maanden"),
		RequireHearing: boolp(true), FollowupDays: intp(14), ReopenNewTerm: boolp(true)})
	if err != nil {
		t.Fatal(err)
	}
	want := Procedure{RequireHearing: true, FollowupDays: 14, ReopenNewTerm: true, ReportInDecision: true, Recourse: Recourse{
		Name: "De Geschillencommissie Zorg", URL: "https://www.degeschillencommissiezorg.nl", Term: "12 maanden"}}
	if p.Procedure != want {
		t.Errorf("procedure = %+v\nwant %+v", p.Procedure, want)
	}
	if _, err := FromConfig(Config{FollowupDays: intp(-1)}); err == nil || !strings.Contains(err.Error(), "policy.followup_days") {
		t.Errorf("followup_days -1: %v", err)
	}
	if g := mustPreset(t, PresetGeneric).Procedure; g != (Procedure{ReportInDecision: true}) {
		t.Errorf("generic procedure = %+v, want none", g)
	}
}

func TestProcedureWarnings(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"awb default", Config{Preset: "awb"}, ""},
		{"awb emptied", Config{Preset: "awb", RecourseName: strp("")}, "policy.recourse_name: empty"},
		{"awb blank", Config{Preset: "awb", RecourseName: strp("  ")}, "policy.recourse_name: empty"},
		{"wkkgz placeholder", Config{Preset: "wkkgz"}, "policy.recourse_name: not set"},
		{"wkkgz named", Config{Preset: "wkkgz", RecourseName: strp("Geschillencommissie Zorg")}, ""},
		{"generic", Config{Preset: "generic"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := strings.Join(tc.cfg.Warnings(), "\n")
			if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
				t.Errorf("warnings %q, want %q", got, tc.want)
			}
		})
	}
}
