package deadline

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// A Schedule is every date a case's policy sets, computed at receipt.
type Schedule struct {
	// Received is the delivery time (IMAP INTERNALDATE, Awb 2:17).
	Received time.Time `json:"received"`
	AckDue   Date      `json:"ack_due"`
	// DecisionDue is the last day of the decision term, moved by the Atw
	// when the policy says so.
	DecisionDue Date `json:"decision_due"`
	// ExtendedDue is the latest date the policy's extensions allow:
	// DecisionDue extended MaxExtensions times by the full Extension.
	ExtendedDue Date `json:"extended_due"`
	// RefusalNoticeDue is the Awb 9:8 term; nil when the policy has none.
	RefusalNoticeDue *Date   `json:"refusal_notice_due,omitempty"`
	Reminders        []Point `json:"reminders"`
	Escalations      []Point `json:"escalations"`
}

// A Point is a day on which the scheduler does something for a case. Name
// is stable (the scheduler records "sent once per case and Name"): a
// reminder's rule ("received+2w", "due-10wd", "50%") or an escalation's
// "escalate-due-3wd", "overdue", "overdue+5wd".
type Point struct {
	Name  string `json:"name"`
	Date  Date   `json:"date"`
	Level int    `json:"level,omitempty"` // escalation level, 1 or 2; 0 for reminders
}

// Compute is the schedule of a case received at received (the delivery
// time). org is the organisation's calendar; nil means DefaultCalendar.
//
// Counting: the day of receipt is day 0 and does not count. A term of N
// weeks ends at the end of the same weekday N weeks later (received on
// Monday 2 March 2026, six weeks end on Monday 13 April 2026); N calendar
// days end N days later; N working days end on the Nth working day after
// the day of receipt. Sources: Awb 9:8 and 9:11 count "na ontvangst", and
// the Awb starts a term on the day after the event (art. 6:8 for appeal
// terms); Regulation (EEC, Euratom) 1182/71 art. 3(1) and 3(2)(c) say the
// same for terms in weeks: the day of the event does not count and the
// term ends at the end of the day in the last week with the same name as
// that day. Statutory terms are then moved by the Atw (Legal calendar)
// when p.MoveToWorkingDay.
func (p Policy) Compute(received time.Time, committee bool, org *Calendar) Schedule {
	if org == nil {
		org = DefaultCalendar()
	}
	r := DateOf(received)
	s := Schedule{Received: received, AckDue: p.AckDue.after(r, 1, org)}
	if p.RefusalNotice != nil {
		d := p.statutory(r, *p.RefusalNotice, org)
		s.RefusalNoticeDue = &d
	}
	term := p.Decision
	if committee && p.DecisionCommittee != nil {
		term = *p.DecisionCommittee
	}
	s.DecisionDue = p.statutory(r, term, org)
	s.ExtendedDue = p.LatestExtension(s.DecisionDue)
	s.Reminders, s.Escalations = p.PointsFor(s.DecisionDue, received, org)
	return s
}

// statutory counts a term set by law from r and moves its end by the Atw.
// Working days of a statutory term are Legal working days when the Atw
// applies, the organisation's otherwise.
func (p Policy) statutory(r Date, t Term, org *Calendar) Date {
	if !p.MoveToWorkingDay {
		return t.after(r, 1, org)
	}
	legal := Legal()
	return legal.OnOrAfter(t.after(r, 1, legal))
}

// LatestExtension is the latest due date the policy's extensions allow for
// a case now due on due: every extension used in full.
func (p Policy) LatestExtension(due Date) Date {
	for range p.MaxExtensions {
		due = p.extend(due, p.Extension.N)
	}
	return due
}

// extend adds weeks to the current due date and moves the result by the
// Atw. The extension counts from the current due date as the Atw has set
// it, not from the unmoved end: the Atw says the term "wordt verlengd tot en
// met" that day, so that is where the term ends and where the "at most four
// weeks" of Awb 9:11 lid 2 start.
func (p Policy) extend(due Date, weeks int) Date {
	d := due.AddWeeks(weeks)
	if p.MoveToWorkingDay {
		d = Legal().OnOrAfter(d)
	}
	return d
}

// The reasons Extend refuses an extension.
var (
	ErrNoExtensionLeft  = errors.New("no extension left")
	ErrExtensionLength  = errors.New("extension length not allowed")
	ErrExtensionTooLate = errors.New("extension after the due date")
)

// Extend is the new due date when the handler extends a case now due on
// current by weeks, having used extensionsUsed extensions before, at now.
// It refuses (errors.Is one of the Err... above) when no extension is left,
// when weeks is not between 1 and the policy's maximum, or when now is at or
// after the end of the current due date: the notice must reach the
// complainant before the term ends (Awb 9:11 lid 2). Further delay then
// needs the complainant's recorded consent, which is not this function's.
func (p Policy) Extend(current Date, weeks, extensionsUsed int, now time.Time) (Date, error) {
	switch {
	case extensionsUsed >= p.MaxExtensions:
		return Date{}, fmt.Errorf("deadline: %w: policy %s allows %d, %d used", ErrNoExtensionLeft, p.Name, p.MaxExtensions, extensionsUsed)
	case weeks < 1 || weeks > p.Extension.N:
		return Date{}, fmt.Errorf("deadline: %w: %d weeks asked, policy %s allows 1 to %d", ErrExtensionLength, weeks, p.Name, p.Extension.N)
	case !now.Before(current.End()):
		return Date{}, fmt.Errorf("deadline: %w: due %s has passed", ErrExtensionTooLate, current)
	}
	return p.extend(current, weeks), nil
}

// ErrNotPausable is returned by Resume for a policy that has no pause.
var ErrNotPausable = errors.New("policy does not pause")

// Resume is the due date after a pause from paused to resumed (a case that
// waited on the complainant). The clock stops for whole calendar days: the
// due date moves by the number of days from the day of pausing to the day
// of resuming, then by the Atw when the policy says so.
func (p Policy) Resume(due Date, paused, resumed time.Time) (Date, error) {
	if !p.Pausable {
		return Date{}, fmt.Errorf("deadline: policy %s: %w", p.Name, ErrNotPausable)
	}
	d := due.AddDays(max(0, DateOf(resumed).Sub(DateOf(paused))))
	if p.MoveToWorkingDay {
		d = Legal().OnOrAfter(d)
	}
	return d, nil
}

// RetainUntil is the last day a case closed at closed is kept in full.
func (p Policy) RetainUntil(closed time.Time) Date {
	return DateOf(closed).AddYears(p.RetentionYears)
}

// PointsFor is the reminder and escalation points for a case received at
// received and now due on due, so the scheduler can recompute them after
// an extension or a pause. Reminders are moved onto the organisation's
// working days (points counted from receipt forward, points counted back
// from due backward); a reminder that would fall before the day of receipt
// or after due, or on the same day as an earlier one, is left out.
// Escalations are, in order: "escalate-due-Nwd" (level 1, only when the case
// has neither decision nor extension by then), "overdue" (the day after
// due, level 1) and "overdue+Nwd" (level 2).
func (p Policy) PointsFor(due Date, received time.Time, org *Calendar) (reminders, escalations []Point) {
	if org == nil {
		org = DefaultCalendar()
	}
	r := DateOf(received)
	for _, rule := range p.Reminders {
		d := rule.date(r, due, org)
		if d.Before(r) || d.After(due) || slices.ContainsFunc(reminders, func(q Point) bool { return q.Date == d }) {
			continue
		}
		reminders = append(reminders, Point{Name: rule.String(), Date: d})
	}
	slices.SortStableFunc(reminders, func(a, b Point) int { return a.Date.Compare(b.Date) })
	return reminders, p.escalations(r, due, org)
}

func (p Policy) escalations(r, due Date, org *Calendar) []Point {
	var out []Point
	if n := p.Escalation.BeforeDue; n > 0 {
		if d := org.AddWorkingDays(due, -n); !d.Before(r) {
			out = append(out, Point{Name: "escalate-due-" + strconv.Itoa(n) + "wd", Date: d, Level: 1})
		}
	}
	overdue := due.AddDays(1)
	out = append(out, Point{Name: "overdue", Date: overdue, Level: 1})
	if n := p.Escalation.NextLevel; n > 0 {
		out = append(out, Point{Name: "overdue+" + strconv.Itoa(n) + "wd", Date: org.AddWorkingDays(overdue, n), Level: 2})
	}
	return out
}

func (rule ReminderRule) date(r, due Date, org *Calendar) Date {
	switch rule.Anchor {
	case AfterReceived:
		return org.OnOrAfter(rule.Offset.after(r, 1, org))
	case BeforeDue:
		return org.OnOrBefore(rule.Offset.after(due, -1, org))
	default:
		return org.OnOrAfter(r.AddDays(due.Sub(r) * rule.Percent / 100))
	}
}
