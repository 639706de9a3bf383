package deadline

import (
	"errors"
	"fmt"
	"strings"
)

// Config is a policy in the config file, the [policy] table. A preset
// gives every number; any key set here overrides it. Unset keys (nil
// pointers) keep the preset's value. Example, a municipality that follows
// the Awb but wants acknowledgements within 3 working days and no reminder
// two weeks after receipt:
//
//	[policy]
//	preset = "awb"                 # awb | wkkgz | generic (default generic)
//	name = "gemeente-voorbeeld"    # shown in logs and stored with cases; default the preset
//	ack_working_days = 3
//	reminders = ["due-10wd", "due-5wd", "due-2wd"]
//
// Terms take one key per unit; set at most one of a term's keys:
//
//	ack_working_days, ack_calendar_days, ack_weeks                     acknowledgement due
//	refusal_notice_weeks, _working_days, _calendar_days               Awb 9:8 notice; 0 = none
//	decision_weeks, decision_working_days, decision_calendar_days     decision due
//	decision_committee_weeks, _working_days, _calendar_days           with an advisory committee; 0 = none
//
// and the other numbers:
//
//	move_to_working_day = true     # Atw: a statutory term ending on Sat/Sun/holiday moves on
//	max_extensions = 1             # how often the decision term may be extended (0 = never)
//	extension_weeks = 4            # the most one extension may add
//	pausable = false               # may the clock stop while waiting on the complainant
//	reminders = ["received+2w", "due-10wd", "due-5wd", "due-2wd"]  # or "50%", "due-3d", ...
//	escalate_before_due_working_days = 3   # escalate N working days before due without decision or extension; 0 = not
//	escalate_next_level_working_days = 5   # overdue case goes to the next level after N working days; 0 = not
//	retention_years = 5            # keep closed cases this long
//
// and the procedure (procedure.go), shown as written:
//
//	recourse_name = "de Nationale ombudsman"   # named in the decision letter; awb default; wkkgz: set your disputes body
//	recourse_url = "https://www.nationaleombudsman.nl"
//	recourse_address = "Postbus 93122, 2509 AC Den Haag"
//	recourse_term = "1 jaar"
//	require_hearing = true         # #sluit needs #verslag or #geen-hoorzitting (awb default)
//	followup_days = 0              # ask the complainant N days after closing whether it helped; 0 = never
//	reopen_new_term = false        # #heropen starts a new decision term
//	report_in_decision = true      # the hearing report goes in the decision letter
//
// Reminder syntax: "received+N<unit>" (after receipt), "due-N<unit>" (before
// the due date), "P%" (P percent of the days from receipt to due); unit w
// (weeks), wd (working days) or d (calendar days).
type Config struct {
	Preset string `toml:"preset"`
	Name   string `toml:"name"`

	AckWorkingDays  *int `toml:"ack_working_days"`
	AckCalendarDays *int `toml:"ack_calendar_days"`
	AckWeeks        *int `toml:"ack_weeks"`

	RefusalNoticeWeeks        *int `toml:"refusal_notice_weeks"`
	RefusalNoticeWorkingDays  *int `toml:"refusal_notice_working_days"`
	RefusalNoticeCalendarDays *int `toml:"refusal_notice_calendar_days"`

	DecisionWeeks        *int `toml:"decision_weeks"`
	DecisionWorkingDays  *int `toml:"decision_working_days"`
	DecisionCalendarDays *int `toml:"decision_calendar_days"`

	DecisionCommitteeWeeks        *int `toml:"decision_committee_weeks"`
	DecisionCommitteeWorkingDays  *int `toml:"decision_committee_working_days"`
	DecisionCommitteeCalendarDays *int `toml:"decision_committee_calendar_days"`

	MoveToWorkingDay *bool `toml:"move_to_working_day"`
	MaxExtensions    *int  `toml:"max_extensions"`
	ExtensionWeeks   *int  `toml:"extension_weeks"`
	Pausable         *bool `toml:"pausable"`
	// Reminders replaces the preset's list when set; an empty list means
	// no reminders.
	Reminders []string `toml:"reminders"`

	EscalateBeforeDueWorkingDays *int `toml:"escalate_before_due_working_days"`
	EscalateNextLevelWorkingDays *int `toml:"escalate_next_level_working_days"`
	RetentionYears               *int `toml:"retention_years"`

	// The procedure (procedure.go): the recourse the decision letter
	// names, the hearing duty, the follow-up question, reopening.
	RecourseName    *string `toml:"recourse_name"`
	RecourseURL     *string `toml:"recourse_url"`
	RecourseAddress *string `toml:"recourse_address"`
	RecourseTerm    *string `toml:"recourse_term"`
	RequireHearing  *bool   `toml:"require_hearing"`
	FollowupDays    *int    `toml:"followup_days"`
	ReopenNewTerm   *bool   `toml:"reopen_new_term"`
	// ReportInDecision puts the hearing report in the decision letter
	// (default true).
	ReportInDecision *bool `toml:"report_in_decision"`
}

// FromConfig builds the policy cfg describes. Errors name the key as it is
// written in the file ("policy.decision_weeks") and report every bad key.
func FromConfig(cfg Config) (Policy, error) {
	preset := cfg.Preset
	if preset == "" {
		preset = PresetGeneric
	}
	p, err := Preset(preset)
	if err != nil {
		return Policy{}, fmt.Errorf("deadline: policy.preset: %w %q (want awb, wkkgz or generic)", ErrUnknownPolicy, preset)
	}
	if cfg.Name != "" {
		p.Name = cfg.Name
	}
	var errs []error
	bad := func(key, format string, a ...any) {
		errs = append(errs, fmt.Errorf("deadline: policy.%s: "+format, append([]any{key}, a...)...))
	}
	if t, ok := cfg.term(bad, "ack", 0, cfg.AckWorkingDays, cfg.AckCalendarDays, cfg.AckWeeks); ok {
		p.AckDue = *t
	}
	if t, ok := cfg.term(bad, "refusal_notice", 0, cfg.RefusalNoticeWorkingDays, cfg.RefusalNoticeCalendarDays, cfg.RefusalNoticeWeeks); ok {
		p.RefusalNotice = t
	}
	if t, ok := cfg.term(bad, "decision", 1, cfg.DecisionWorkingDays, cfg.DecisionCalendarDays, cfg.DecisionWeeks); ok {
		p.Decision = *t
	}
	if t, ok := cfg.term(bad, "decision_committee", 0, cfg.DecisionCommitteeWorkingDays, cfg.DecisionCommitteeCalendarDays, cfg.DecisionCommitteeWeeks); ok {
		p.DecisionCommittee = t
	}
	setBool(&p.MoveToWorkingDay, cfg.MoveToWorkingDay)
	setBool(&p.Pausable, cfg.Pausable)
	setInt(bad, "max_extensions", 0, &p.MaxExtensions, cfg.MaxExtensions)
	setInt(bad, "extension_weeks", 1, &p.Extension.N, cfg.ExtensionWeeks)
	setInt(bad, "escalate_before_due_working_days", 0, &p.Escalation.BeforeDue, cfg.EscalateBeforeDueWorkingDays)
	setInt(bad, "escalate_next_level_working_days", 0, &p.Escalation.NextLevel, cfg.EscalateNextLevelWorkingDays)
	setInt(bad, "retention_years", 1, &p.RetentionYears, cfg.RetentionYears)
	if cfg.Reminders != nil {
		p.Reminders = cfg.reminders(bad)
	}
	cfg.applyProcedure(&p, bad)
	if err := errors.Join(errs...); err != nil {
		return Policy{}, err
	}
	return p, p.Validate()
}

// term reads the keys of one term: prefix_working_days, _calendar_days and
// _weeks. ok reports that exactly one valid key was given; t is then nil
// when the value is 0 for an optional term (min 0, not "ack"): switched off.
func (cfg Config) term(bad func(string, string, ...any), prefix string, min int, wd, cd, w *int) (t *Term, ok bool) {
	var given []string
	for _, k := range []struct {
		v    *int
		unit Unit
	}{{wd, WorkingDays}, {cd, CalendarDays}, {w, Weeks}} {
		if k.v == nil {
			continue
		}
		key := prefix + "_" + string(k.unit)
		given = append(given, key)
		if *k.v < min {
			bad(key, "must be at least %d, got %d", min, *k.v)
			return nil, false
		}
		t = &Term{N: *k.v, Unit: k.unit}
	}
	switch {
	case len(given) > 1:
		bad(given[1], "set only one of %s", strings.Join(given, ", "))
		return nil, false
	case len(given) == 0:
		return nil, false
	case t.N == 0 && prefix != "ack":
		return nil, true
	}
	return t, true
}

func (cfg Config) reminders(bad func(string, string, ...any)) []ReminderRule {
	rules := make([]ReminderRule, 0, len(cfg.Reminders))
	for i, s := range cfg.Reminders {
		r, err := ParseReminderRule(s)
		if err != nil {
			bad(fmt.Sprintf("reminders[%d]", i), "%v", err)
			continue
		}
		rules = append(rules, r)
	}
	return rules
}

func setBool(dst *bool, v *bool) {
	if v != nil {
		*dst = *v
	}
}

func setInt(bad func(string, string, ...any), key string, min int, dst *int, v *int) {
	switch {
	case v == nil:
	case *v < min:
		bad(key, "must be at least %d, got %d", min, *v)
	default:
		*dst = *v
	}
}
