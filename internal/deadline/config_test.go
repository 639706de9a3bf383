package deadline

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

func TestPresets(t *testing.T) {
	weeks := func(n int) *Term { return &Term{n, Weeks} }
	for _, tc := range []struct {
		name string
		want Policy
	}{
		{PresetAwb, Policy{
			Name: "awb", AckDue: Term{5, WorkingDays}, RefusalNotice: weeks(4),
			Decision: Term{6, Weeks}, DecisionCommittee: weeks(10), MoveToWorkingDay: true,
			MaxExtensions: 1, Extension: Term{4, Weeks},
			Reminders:  mustRules("received+2w", "due-10wd", "due-5wd", "due-2wd"),
			Escalation: EscalationRule{BeforeDue: 3, NextLevel: 5}, RetentionYears: 5,
			Procedure: presetProcedure(PresetAwb),
		}},
		{PresetWkkgz, Policy{
			Name: "wkkgz", AckDue: Term{5, WorkingDays}, Decision: Term{6, Weeks}, MoveToWorkingDay: true,
			MaxExtensions: 1, Extension: Term{4, Weeks},
			Reminders:  mustRules("received+2w", "due-10wd", "due-5wd", "due-2wd"),
			Escalation: EscalationRule{BeforeDue: 3, NextLevel: 5}, RetentionYears: 2,
			Procedure: presetProcedure(PresetWkkgz),
		}},
		{PresetGeneric, Policy{
			Name: "generic", AckDue: Term{1, WorkingDays}, Decision: Term{6, Weeks},
			MaxExtensions: 1, Extension: Term{4, Weeks}, Pausable: true,
			Reminders:  mustRules("50%", "80%", "due-2wd"),
			Escalation: EscalationRule{NextLevel: 5}, RetentionYears: 2,
			Procedure: presetProcedure(PresetGeneric),
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := mustPreset(t, tc.name)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Preset(%q) =\n%+v\nwant\n%+v", tc.name, got, tc.want)
			}
			if err := got.Validate(); err != nil {
				t.Error(err)
			}
		})
	}
	t.Run("fresh copies", func(t *testing.T) {
		a := mustPreset(t, PresetAwb)
		a.Reminders[0] = ReminderRule{}
		*a.RefusalNotice = Term{}
		if b := mustPreset(t, PresetAwb); b.Reminders[0].String() != "received+2w" || b.RefusalNotice.N != 4 {
			t.Error("changing one preset changed the next")
		}
	})
	t.Run("unknown", func(t *testing.T) {
		_, err := Preset("wmo")
		if !errors.Is(err, ErrUnknownPolicy) || !strings.Contains(err.Error(), `"wmo"`) {
			t.Errorf("err = %v, want ErrUnknownPolicy naming wmo", err)
		}
	})
}

func intp(n int) *int    { return &n }
func boolp(b bool) *bool { return &b }

func TestFromConfig(t *testing.T) {
	t.Run("empty is generic", func(t *testing.T) {
		p, err := FromConfig(Config{})
		if err != nil || !reflect.DeepEqual(p, mustPreset(t, PresetGeneric)) {
			t.Errorf("FromConfig(Config{}) = %+v, %v", p, err)
		}
	})
	t.Run("overrides", func(t *testing.T) {
		p, err := FromConfig(Config{
			Preset: "awb", Name: "gemeente-x",
			AckCalendarDays:              intp(2),
			RefusalNoticeWeeks:           intp(0),
			DecisionWorkingDays:          intp(30),
			DecisionCommitteeWeeks:       intp(12),
			MoveToWorkingDay:             boolp(false),
			MaxExtensions:                intp(2),
			ExtensionWeeks:               intp(3),
			Pausable:                     boolp(true),
			Reminders:                    []string{},
			EscalateBeforeDueWorkingDays: intp(0),
			EscalateNextLevelWorkingDays: intp(10),
			RetentionYears:               intp(7),
		})
		if err != nil {
			t.Fatal(err)
		}
		want := Policy{
			Name: "gemeente-x", AckDue: Term{2, CalendarDays}, Decision: Term{30, WorkingDays},
			DecisionCommittee: &Term{12, Weeks}, MaxExtensions: 2, Extension: Term{3, Weeks},
			Pausable: true, Reminders: []ReminderRule{}, Escalation: EscalationRule{NextLevel: 10},
			RetentionYears: 7, Procedure: presetProcedure(PresetAwb),
		}
		if !reflect.DeepEqual(p, want) {
			t.Errorf("got\n%+v\nwant\n%+v", p, want)
		}
	})
	t.Run("committee off", func(t *testing.T) {
		p, err := FromConfig(Config{Preset: "awb", DecisionCommitteeWeeks: intp(0)})
		if err != nil || p.DecisionCommittee != nil {
			t.Errorf("DecisionCommittee = %v, %v; want nil", p.DecisionCommittee, err)
		}
	})
}

func TestFromConfigErrorsNameTheKey(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		keys []string
	}{
		{"unknown preset", Config{Preset: "wmo"}, []string{"policy.preset", `"wmo"`}},
		{"decision zero", Config{DecisionWeeks: intp(0)}, []string{"policy.decision_weeks"}},
		{"ack negative", Config{AckWorkingDays: intp(-1)}, []string{"policy.ack_working_days"}},
		{"two units", Config{DecisionWeeks: intp(6), DecisionWorkingDays: intp(30)},
			[]string{"policy.decision_weeks", "decision_working_days"}},
		{"refusal negative", Config{Preset: "awb", RefusalNoticeCalendarDays: intp(-3)},
			[]string{"policy.refusal_notice_calendar_days"}},
		{"committee negative", Config{DecisionCommitteeWorkingDays: intp(-1)},
			[]string{"policy.decision_committee_working_days"}},
		{"extension zero", Config{ExtensionWeeks: intp(0)}, []string{"policy.extension_weeks"}},
		{"max extensions negative", Config{MaxExtensions: intp(-1)}, []string{"policy.max_extensions"}},
		{"retention zero", Config{RetentionYears: intp(0)}, []string{"policy.retention_years"}},
		{"escalation negative", Config{EscalateBeforeDueWorkingDays: intp(-2)},
			[]string{"policy.escalate_before_due_working_days"}},
		{"next level negative", Config{EscalateNextLevelWorkingDays: intp(-2)},
			[]string{"policy.escalate_next_level_working_days"}},
		{"bad reminder", Config{Reminders: []string{"due-10wd", "due-10x", "150%"}},
			[]string{"policy.reminders[1]", `"due-10x"`, "policy.reminders[2]"}},
		{"every bad key", Config{DecisionWeeks: intp(0), RetentionYears: intp(0)},
			[]string{"policy.decision_weeks", "policy.retention_years"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := FromConfig(tc.cfg)
			if err == nil {
				t.Fatal("no error")
			}
			for _, k := range tc.keys {
				if !strings.Contains(err.Error(), k) {
					t.Errorf("error %q does not name %s", err, k)
				}
			}
		})
	}
}

func TestParseReminderRule(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want ReminderRule
		ok   bool
	}{
		{"received+2w", ReminderRule{Anchor: AfterReceived, Offset: Term{2, Weeks}}, true},
		{"due-10wd", ReminderRule{Anchor: BeforeDue, Offset: Term{10, WorkingDays}}, true},
		{"due-3d", ReminderRule{Anchor: BeforeDue, Offset: Term{3, CalendarDays}}, true},
		{"50%", ReminderRule{Anchor: ShareOfTerm, Percent: 50}, true},
		{"due-0wd", ReminderRule{}, false},
		{"due+2wd", ReminderRule{}, false},
		{"received-2w", ReminderRule{}, false},
		{"100%", ReminderRule{}, false},
		{"due-2x", ReminderRule{}, false},
		{"", ReminderRule{}, false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseReminderRule(tc.in)
			if (err == nil) != tc.ok || got != tc.want {
				t.Fatalf("ParseReminderRule(%q) = %+v, %v", tc.in, got, err)
			}
			if tc.ok && got.String() != tc.in {
				t.Errorf("String = %q, want %q", got.String(), tc.in)
			}
		})
	}
}

// The [policy] and [calendar] tables decode from TOML as documented.
func TestConfigTOML(t *testing.T) {
	const file = `
[policy]
preset = "awb"
ack_working_days = 3
decision_weeks = 6
reminders = ["due-10wd", "due-2wd"]
retention_years = 7

[calendar]
good_friday_off = true
liberation_day = "every_year"
closed = [2026-12-24, "2026-12-31"]
`
	var cfg struct {
		Policy   Config         `toml:"policy"`
		Calendar CalendarConfig `toml:"calendar"`
	}
	md, err := toml.Decode(file, &cfg)
	if err != nil {
		t.Fatal(err)
	}
	if un := md.Undecoded(); len(un) > 0 {
		t.Fatalf("undecoded keys %v", un)
	}
	p, err := FromConfig(cfg.Policy)
	if err != nil {
		t.Fatal(err)
	}
	if p.AckDue != (Term{3, WorkingDays}) || p.RetentionYears != 7 || len(p.Reminders) != 2 || p.RefusalNotice == nil {
		t.Errorf("policy = %+v", p)
	}
	c := mustCalendar(t, cfg.Calendar)
	for _, d := range []string{"2026-12-24", "2026-12-31", "2026-04-03", "2026-05-05"} {
		if c.IsWorkingDay(mustDate(t, d)) {
			t.Errorf("%s is a working day, want closed", d)
		}
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(*Policy)
		field string
	}{
		{"bad unit", func(p *Policy) { p.Decision.Unit = "months" }, "Decision"},
		{"zero decision", func(p *Policy) { p.Decision.N = 0 }, "Decision"},
		{"negative ack", func(p *Policy) { p.AckDue.N = -1 }, "AckDue"},
		{"extension in days", func(p *Policy) { p.Extension = Term{28, CalendarDays} }, "Extension"},
		{"refusal zero", func(p *Policy) { p.RefusalNotice = &Term{0, Weeks} }, "RefusalNotice"},
		{"committee unit", func(p *Policy) { p.DecisionCommittee = &Term{10, "fortnights"} }, "DecisionCommittee"},
		{"retention", func(p *Policy) { p.RetentionYears = 0 }, "RetentionYears"},
		{"escalation", func(p *Policy) { p.Escalation.NextLevel = -1 }, "Escalation.NextLevel"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := mustPreset(t, PresetAwb)
			tc.edit(&p)
			if err := p.Validate(); err == nil || !strings.Contains(err.Error(), tc.field) {
				t.Errorf("Validate = %v, want an error naming %s", err, tc.field)
			}
		})
	}
}
