package schedule

import (
	"time"

	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/store"
)

// CaseLine is a case as the reminder, escalation and digest templates show it.
type CaseLine struct {
	Ref      string
	Subject  string
	Handler  string // the handler's name, else address, else ""
	Received time.Time
	Due      deadline.Date
	// DaysLeft is the number of calendar days from today to the due date:
	// 0 on the due date, negative when overdue.
	DaysLeft int
	Extended bool // the decision term was extended
	// Flags of the digest: why the case is in it.
	Overdue, DueSoon, AckFailed, AckBounced, NeedsReview, New bool
}

// Late reports whether the case is past its due date.
func (c CaseLine) Late() bool { return c.DaysLeft < 0 }

// DaysLate is how many days the case is past its due date (0 if not late).
func (c CaseLine) DaysLate() int { return max(0, -c.DaysLeft) }

// ReminderData is what the reminder template gets.
type ReminderData struct {
	IntakeName  string
	HandlerName string // "" when unknown
	Case        CaseLine
	Point       string // the policy's rule, e.g. "due-5wd"
	// WorkingDaysLeft counts the organisation's working days after today up
	// to and including the due date.
	WorkingDaysLeft int
}

// EscalationData is what the escalation template gets.
type EscalationData struct {
	IntakeName string
	Case       CaseLine
	Point      string // "escalate-due-3wd", "overdue", "overdue+5wd"
	Level      int    // 1 or 2
	// WorkingDaysLeft as in ReminderData; meaningful before the due date.
	WorkingDaysLeft int
}

// DigestData is what the digest template gets.
type DigestData struct {
	IntakeName  string
	ManagerName string
	Date        deadline.Date
	DueSoonDays int // working days that count as "due soon"
	Cases       []CaseLine
	Overdue     int // counts of the flags, for the summary line
	DueSoon     int
	AckProblems int
	Review      int
	New         int
	// More is how many cases need attention besides the listed ones: the
	// digest lists at most Options.DigestMaxCases (default 200).
	More int
	// Quarantined are mails klachtd could not read (or that were over the
	// size limit) since the previous digest: kept raw in the quarantine
	// folder, they need a person.
	Quarantined []QuarantineLine
	// Caseless counts, by kind, the mails stored without a case since the
	// previous digest (auto-replies, bounces, lists, …), CaselessTotal their
	// sum: a complaint taken for a machine would show here.
	Caseless      []store.KindCount
	CaselessTotal int
	// IntakeProblems says when intake has not reached a mailbox for over an
	// hour (a dead connection, an expired password): mail may be waiting.
	IntakeProblems []string
	// Measures are the open improvement measures and those whose effect
	// was judged since the previous digest.
	Measures []MeasureLine
}

// MeasureLine is a measure in the digest.
type MeasureLine struct {
	Ref    string
	N      int
	Text   string
	Due    *deadline.Date
	Result string // ja, nee, deels; "" while open
	Note   string
}

// QuarantineLine is one quarantined mail in the digest.
type QuarantineLine struct {
	From, Subject, Reason string
	At                    time.Time
}
