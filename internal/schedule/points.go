package schedule

import (
	"fmt"
	"strings"

	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/store"
)

// The kinds of mail the scheduler sends; also the outbox kind and the
// template name.
const (
	KindReminder   = "reminder"
	KindEscalation = "escalation"
	KindDigest     = "digest"
)

// duePoints is what is due for one case today: at most one reminder and at
// most one escalation.
type duePoints struct {
	reminder, escalation *deadline.Point
}

// pointsDue picks, from a case's current state, the reminder and the
// escalation that are due on today. Points are recomputed from the current
// due date, so an extension moves them. Of the points on or before today
// only the latest counts: a daemon that was down sends what it missed once,
// not every missed point in a row. A reminder is not sent once the case is
// overdue (the escalation says more); "escalate-due-Nwd" only applies to a
// case that was not extended; a paused case (pausable policy, waiting on
// the complainant) gets neither, as its due date is still to move.
func pointsDue(p deadline.Policy, c *store.Case, today deadline.Date, cal *deadline.Calendar) duePoints {
	d, _ := plan(p, c, today, newPointsMemo(cal))
	return d
}

// pointsMemo remembers the points of a policy, receipt day and due date:
// the cases of a backlog share them, and computing them (working days,
// holidays) is most of a sweep's work. A sweep keeps one per page, so it
// holds at most a page's worth.
type pointsMemo struct {
	cal  *deadline.Calendar
	seen map[pointsKey][2][]deadline.Point
}

type pointsKey struct {
	policy        string
	received, due deadline.Date
}

func newPointsMemo(cal *deadline.Calendar) *pointsMemo {
	return &pointsMemo{cal: cal, seen: map[pointsKey][2][]deadline.Point{}}
}

// pointsFor is p.PointsFor of the case; the slices are shared, not to be
// changed.
func (m *pointsMemo) pointsFor(p deadline.Policy, c *store.Case) (reminders, escalations []deadline.Point) {
	k := pointsKey{policy: p.Name, received: deadline.DateOf(c.ReceivedAt), due: c.DecisionDue}
	if pts, ok := m.seen[k]; ok {
		return pts[0], pts[1]
	}
	reminders, escalations = p.PointsFor(c.DecisionDue, c.ReceivedAt, m.cal)
	m.seen[k] = [2][]deadline.Point{reminders, escalations}
	return reminders, escalations
}

// plan is pointsDue and the day the sweep must look at the case again: the
// first point after today ("infinity" when there is none, or while the case
// is paused: unpausing changes its status, which sets the case's sweep
// date back, see store.CasesToSweep).
func plan(p deadline.Policy, c *store.Case, today deadline.Date, memo *pointsMemo) (duePoints, string) {
	if p.Pausable && c.Status == store.StatusWaiting {
		return duePoints{}, noPointAhead
	}
	reminders, escalations := memo.pointsFor(p, c)
	var d duePoints
	if !today.After(c.DecisionDue) {
		d.reminder = latest(reminders, today, func(deadline.Point) bool { return true })
	}
	d.escalation = latest(escalations, today, func(pt deadline.Point) bool {
		return c.Extensions == 0 || !strings.HasPrefix(pt.Name, "escalate-due-")
	})
	next, ok := firstAfter(reminders, today, deadline.Date{}, false)
	next, ok = firstAfter(escalations, today, next, ok)
	if !ok {
		return d, noPointAhead
	}
	return d, next.String()
}

// firstAfter is the earliest of next (when ok) and the dates of points
// after today.
func firstAfter(points []deadline.Point, today, next deadline.Date, ok bool) (deadline.Date, bool) {
	for _, pt := range points {
		if pt.Date.After(today) && (!ok || pt.Date.Before(next)) {
			next, ok = pt.Date, true
		}
	}
	return next, ok
}

// noPointAhead is the sweep date of a case with no point after today.
const noPointAhead = "infinity"

// latest is the last point on or before today that ok accepts, or nil.
// Points come sorted by date.
func latest(points []deadline.Point, today deadline.Date, ok func(deadline.Point) bool) *deadline.Point {
	var found *deadline.Point
	for i, pt := range points {
		if pt.Date.After(today) {
			break
		}
		if ok(pt) {
			found = &points[i]
		}
	}
	return found
}

// dedupeKey makes "once per case, point and date" an outbox constraint:
// reminder:<case>:<point>:<date>. The date is the point's own date, so a
// point that an extension moves is sent again on its new date, and one
// that it does not move (received+2w) is not.
func dedupeKey(kind string, caseID int64, pt deadline.Point) string {
	return fmt.Sprintf("%s:%d:%s:%s", kind, caseID, pt.Name, pt.Date)
}

// digestKey makes "one digest per manager and day" an outbox constraint.
func digestKey(day deadline.Date, addr string) string {
	return fmt.Sprintf("digest:%s:%s", day, strings.ToLower(addr))
}

// weeklyDigestKey makes "one weekly digest per manager and ISO week" an
// outbox constraint: digest:<YYYY>-W<ww>:<manager>.
func weeklyDigestKey(day deadline.Date, addr string) string {
	y, w := day.Start().ISOWeek()
	return fmt.Sprintf("digest:%04d-W%02d:%s", y, w, strings.ToLower(addr))
}
