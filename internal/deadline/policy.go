package deadline

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// A Policy is the set of terms a case is handled by. The presets follow
// ../shared/domain.md ("Policy presets"); every number is a default an
// organisation may change in config (see Config), not legal advice.
type Policy struct {
	Name string

	// AckDue is the acknowledgement term, counted on the organisation's
	// calendar and never moved by the Atw: Awb 9:6 sets no term, practice
	// is 5 working days (awb, wkkgz); generic 1 working day.
	AckDue Term
	// RefusalNotice is Awb 9:8 lid 2: a refusal to handle is told within
	// 4 weeks after receipt. nil when the policy has none.
	RefusalNotice *Term
	// Decision is the handling term: Awb 9:11 lid 1 and Wkkgz, 6 weeks.
	Decision Term
	// DecisionCommittee replaces Decision when an advisory committee
	// handles the complaint (Awb 9:11 lid 1 with 9:14: 10 weeks). nil when
	// the policy has none; a committee flag is then ignored.
	DecisionCommittee *Term
	// MoveToWorkingDay applies the Algemene termijnenwet art. 1 to the
	// statutory terms (refusal notice, decision, extension): one that ends
	// on a Saturday, Sunday or Legal holiday ends on the next day that is
	// none of these.
	MoveToWorkingDay bool
	// MaxExtensions is how often the decision term may be extended (Awb
	// 9:11 lid 2, Wkkgz: once). More delay needs recorded consent, which is
	// not an extension.
	MaxExtensions int
	// Extension is the longest one extension may be; its Unit is Weeks.
	Extension Term
	// Pausable lets the clock stop while the case waits on the complainant.
	// The law has no such pause, so only the generic preset allows it.
	Pausable bool
	// Reminders are the points at which the handler is reminded.
	Reminders []ReminderRule
	// Escalation says when managers hear of a case.
	Escalation EscalationRule
	// RetentionYears is how long a closed case is kept before its personal
	// data is purged: awb 5 (municipal selection list), wkkgz and generic 2.
	RetentionYears int
	// Procedure is the steps besides the terms: recourse, hearing duty,
	// follow-up, reopening (procedure.go).
	Procedure Procedure
}

// The names of the presets.
const (
	PresetAwb     = "awb"
	PresetWkkgz   = "wkkgz"
	PresetGeneric = "generic"
)

// ErrUnknownPolicy is returned for a policy name that is not a preset.
var ErrUnknownPolicy = errors.New("unknown policy")

// Preset returns a fresh copy of a preset policy: "awb", "wkkgz" or
// "generic". The error for any other name names it.
func Preset(name string) (Policy, error) {
	weeks := func(n int) *Term { return &Term{N: n, Unit: Weeks} }
	p := Policy{
		Name:             name,
		AckDue:           Term{5, WorkingDays},
		Decision:         Term{6, Weeks},
		MoveToWorkingDay: true,
		MaxExtensions:    1,
		Extension:        Term{4, Weeks},
		Reminders:        mustRules("received+2w", "due-10wd", "due-5wd", "due-2wd"),
		Escalation:       EscalationRule{BeforeDue: 3, NextLevel: 5},
		RetentionYears:   2,
		Procedure:        presetProcedure(name),
	}
	switch name {
	case PresetAwb:
		p.RefusalNotice, p.DecisionCommittee, p.RetentionYears = weeks(4), weeks(10), 5
	case PresetWkkgz:
	case PresetGeneric:
		p.AckDue = Term{1, WorkingDays}
		p.MoveToWorkingDay, p.Pausable = false, true
		p.Reminders = mustRules("50%", "80%", "due-2wd")
		p.Escalation.BeforeDue = 0
	default:
		return Policy{}, fmt.Errorf("deadline: %w %q (want awb, wkkgz or generic)", ErrUnknownPolicy, name)
	}
	return p, nil
}

// Validate checks a policy built in code; FromConfig checks config values
// with errors that name the key instead.
func (p Policy) Validate() error {
	check := func(field string, t Term, minN int) error {
		if err := t.validate(); err != nil {
			return fmt.Errorf("deadline: policy %s: %s: %w", p.Name, field, err)
		}
		if t.N < minN {
			return fmt.Errorf("deadline: policy %s: %s: must be at least %d", p.Name, field, minN)
		}
		return nil
	}
	errs := []error{check("AckDue", p.AckDue, 0), check("Decision", p.Decision, 1)}
	if p.RefusalNotice != nil {
		errs = append(errs, check("RefusalNotice", *p.RefusalNotice, 1))
	}
	if p.DecisionCommittee != nil {
		errs = append(errs, check("DecisionCommittee", *p.DecisionCommittee, 1))
	}
	if p.MaxExtensions > 0 && (p.Extension.Unit != Weeks || p.Extension.N < 1) {
		errs = append(errs, fmt.Errorf("deadline: policy %s: Extension: must be at least 1 week, got %s", p.Name, p.Extension))
	}
	for _, c := range []struct {
		field   string
		v, minV int
	}{
		{"MaxExtensions", p.MaxExtensions, 0},
		{"Escalation.BeforeDue", p.Escalation.BeforeDue, 0},
		{"Escalation.NextLevel", p.Escalation.NextLevel, 0},
		{"RetentionYears", p.RetentionYears, 1},
	} {
		if c.v < c.minV {
			errs = append(errs, fmt.Errorf("deadline: policy %s: %s: must be at least %d, got %d", p.Name, c.field, c.minV, c.v))
		}
	}
	return errors.Join(errs...)
}

// An Anchor is what a reminder is counted from.
type Anchor string

// The anchors of a ReminderRule.
const (
	AfterReceived Anchor = "received" // Offset after the day of receipt
	BeforeDue     Anchor = "due"      // Offset before the due date
	ShareOfTerm   Anchor = "term"     // Percent of the days from receipt to due
)

// A ReminderRule is one point at which the handler is reminded. Its String
// form is its config syntax and the stable key of the Point it yields:
// "received+2w", "due-10wd", "due-3d", "50%".
type ReminderRule struct {
	Anchor  Anchor
	Offset  Term // AfterReceived, BeforeDue
	Percent int  // ShareOfTerm, 1–99
}

// ParseReminderRule reads the String form of a ReminderRule.
func ParseReminderRule(s string) (ReminderRule, error) {
	bad := fmt.Errorf("%q is not a reminder like received+2w, due-10wd or 50%%", s)
	switch {
	case strings.HasPrefix(s, "received+"):
		t, err := ParseTerm(strings.TrimPrefix(s, "received+"))
		if err != nil || t.N < 1 {
			return ReminderRule{}, bad
		}
		return ReminderRule{Anchor: AfterReceived, Offset: t}, nil
	case strings.HasPrefix(s, "due-"):
		t, err := ParseTerm(strings.TrimPrefix(s, "due-"))
		if err != nil || t.N < 1 {
			return ReminderRule{}, bad
		}
		return ReminderRule{Anchor: BeforeDue, Offset: t}, nil
	case strings.HasSuffix(s, "%"):
		n, err := strconv.Atoi(strings.TrimSuffix(s, "%"))
		if err != nil || n < 1 || n > 99 {
			return ReminderRule{}, bad
		}
		return ReminderRule{Anchor: ShareOfTerm, Percent: n}, nil
	}
	return ReminderRule{}, bad
}

func mustRules(ss ...string) []ReminderRule {
	out := make([]ReminderRule, len(ss))
	for i, s := range ss {
		r, err := ParseReminderRule(s)
		if err != nil {
			panic("deadline: preset: " + err.Error())
		}
		out[i] = r
	}
	return out
}

// String is the config syntax of r and the Name of its Point.
func (r ReminderRule) String() string {
	switch r.Anchor {
	case AfterReceived:
		return "received+" + r.Offset.Short()
	case BeforeDue:
		return "due-" + r.Offset.Short()
	default:
		return strconv.Itoa(r.Percent) + "%"
	}
}

// An EscalationRule says when managers are told about a case. Every policy
// escalates at "overdue", the day after the due date (level 1).
type EscalationRule struct {
	// BeforeDue is the number of working days before the due date at which
	// a case with neither a decision nor an extension is escalated (level
	// 1, point "escalate-due-3wd"); 0 for no such point. awb, wkkgz: 3.
	BeforeDue int
	// NextLevel is the number of working days after the overdue point at
	// which an overdue case goes to the next level (level 2, point
	// "overdue+5wd"); 0 for none. All presets: 5.
	NextLevel int
}
