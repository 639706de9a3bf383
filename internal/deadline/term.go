package deadline

import (
	"fmt"
	"strconv"
	"strings"
)

// A Unit is what a Term counts.
type Unit string

// The units a term can be counted in.
const (
	Weeks        Unit = "weeks"         // calendar weeks: same weekday N weeks later
	WorkingDays  Unit = "working_days"  // days the calendar in use works
	CalendarDays Unit = "calendar_days" // every day counts
)

// A Term is a length of time counted from a day: "6 weeks", "5 working days".
type Term struct {
	N    int
	Unit Unit
}

// Short is the compact form used in point names and config: "6w", "5wd", "3d".
func (t Term) Short() string {
	return strconv.Itoa(t.N) + unitSuffix[t.Unit]
}

// String is the long form: "6 weeks", "5 working_days".
func (t Term) String() string { return fmt.Sprintf("%d %s", t.N, t.Unit) }

var unitSuffix = map[Unit]string{Weeks: "w", WorkingDays: "wd", CalendarDays: "d"}

// ParseTerm reads the Short form: a positive number followed by w, wd or d.
func ParseTerm(s string) (Term, error) {
	num := strings.TrimRight(s, "wd")
	suffix := s[len(num):]
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 {
		return Term{}, fmt.Errorf("%q is not a term like 2w, 10wd or 3d", s)
	}
	for u, suf := range unitSuffix {
		if suf == suffix {
			return Term{N: n, Unit: u}, nil
		}
	}
	return Term{}, fmt.Errorf("%q is not a term like 2w, 10wd or 3d", s)
}

func (t Term) validate() error {
	if _, ok := unitSuffix[t.Unit]; !ok {
		return fmt.Errorf("unit %q is not weeks, working_days or calendar_days", t.Unit)
	}
	if t.N < 0 {
		return fmt.Errorf("%d is negative", t.N)
	}
	return nil
}

// after is the day the term ends when counted from d: weeks and calendar
// days on the calendar, working days on cal. A negative sign counts back.
func (t Term) after(d Date, sign int, cal *Calendar) Date {
	switch t.Unit {
	case Weeks:
		return d.AddWeeks(sign * t.N)
	case WorkingDays:
		return cal.AddWorkingDays(d, sign*t.N)
	default:
		return d.AddDays(sign * t.N)
	}
}
