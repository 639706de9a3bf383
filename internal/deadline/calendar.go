package deadline

import (
	"fmt"
	"slices"
	"time"
)

// Liberation says in which years 5 May (Bevrijdingsdag) is a day off.
type Liberation string

// The Liberation rules. The Atw counts 5 May every year; many employers
// (CAO Rijk, most municipalities) give it off only in lustrum years.
const (
	LiberationEveryYear Liberation = "every_year"
	LiberationLustrum   Liberation = "lustrum" // years divisible by 5: 2025, 2030, …
	LiberationNever     Liberation = "never"
)

// A Calendar says which days are working days. There are two kinds: Legal,
// the Algemene termijnenwet's, which moves the end of a statutory term; and
// an organisation's own (NewCalendar), which counts acknowledgement terms,
// reminders and escalations. A Calendar is immutable and safe for
// concurrent use.
type Calendar struct {
	goodFridayOff bool
	liberation    Liberation
	closed        map[Date]string
}

// Legal is the Atw calendar: Saturdays, Sundays, the art. 3 holidays with
// Goede Vrijdag and 5 May every year, and the days set equal to them by
// royal decree (see DecreedDays).
func Legal() *Calendar {
	return &Calendar{goodFridayOff: true, liberation: LiberationEveryYear, closed: decreed}
}

// CalendarConfig is an organisation's working calendar, the [calendar]
// table of the config file. Example (the first two keys show the defaults):
//
//	[calendar]
//	good_friday_off = false        # true: closed on Goede Vrijdag
//	liberation_day  = "lustrum"    # 5 May off: "every_year", "lustrum" (2025, 2030, …) or "never"
//	closed = [2026-12-24, 2026-12-31]  # extra closing days (bridge days, company days)
//
// Saturdays, Sundays, Nieuwjaarsdag, Tweede Paasdag, Koningsdag,
// Hemelvaartsdag, Tweede Pinksterdag and both Christmas days are always off.
// The days decreed for the Atw (2 January 2026, 15 May 2026, …) are working
// days here unless listed in closed.
type CalendarConfig struct {
	GoodFridayOff bool       `toml:"good_friday_off" json:"good_friday_off"`
	LiberationDay Liberation `toml:"liberation_day" json:"liberation_day"`
	Closed        []Date     `toml:"closed" json:"closed"`
}

// NewCalendar builds an organisation's working calendar.
func NewCalendar(cfg CalendarConfig) (*Calendar, error) {
	c := &Calendar{goodFridayOff: cfg.GoodFridayOff, liberation: cfg.LiberationDay}
	switch c.liberation {
	case "":
		c.liberation = LiberationLustrum
	case LiberationEveryYear, LiberationLustrum, LiberationNever:
	default:
		return nil, fmt.Errorf("deadline: calendar.liberation_day: %q is not every_year, lustrum or never", cfg.LiberationDay)
	}
	c.closed = make(map[Date]string, len(cfg.Closed))
	for i, d := range cfg.Closed {
		if d.IsZero() {
			return nil, fmt.Errorf("deadline: calendar.closed[%d]: empty date", i)
		}
		c.closed[d] = "closed"
	}
	return c, nil
}

// DefaultCalendar is NewCalendar(CalendarConfig{}): the organisation
// calendar used when the config has none.
func DefaultCalendar() *Calendar {
	c, _ := NewCalendar(CalendarConfig{}) // the zero config is valid
	return c
}

// Closure names the holiday or closing day d is, or "" for a weekday on
// which the organisation (or, for Legal, the law) works. Weekends are
// "zaterdag"/"zondag" so a caller can explain any non-working day.
func (c *Calendar) Closure(d Date) string {
	switch d.Weekday() {
	case time.Saturday:
		return "zaterdag"
	case time.Sunday:
		return "zondag"
	}
	if name, ok := holidayName(d, c.goodFridayOff, c.liberationOff(d.Year)); ok {
		return name
	}
	return c.closed[d]
}

func (c *Calendar) liberationOff(year int) bool {
	switch c.liberation {
	case LiberationEveryYear:
		return true
	case LiberationLustrum:
		return year%5 == 0
	}
	return false
}

// IsWorkingDay reports whether d is neither a weekend day, a holiday nor a
// closing day of this calendar.
func (c *Calendar) IsWorkingDay(d Date) bool { return c.Closure(d) == "" }

// NextWorkingDay is the first working day after d (never d itself).
func (c *Calendar) NextWorkingDay(d Date) Date { return c.AddWorkingDays(d, 1) }

// OnOrAfter is d when it is a working day, else the next one: the Atw rule
// for a term that ends on a day that is not a working day.
func (c *Calendar) OnOrAfter(d Date) Date {
	for !c.IsWorkingDay(d) {
		d = d.AddDays(1)
	}
	return d
}

// OnOrBefore is d when it is a working day, else the last one before it.
func (c *Calendar) OnOrBefore(d Date) Date {
	for !c.IsWorkingDay(d) {
		d = d.AddDays(-1)
	}
	return d
}

// AddWorkingDays counts n working days after d; d itself does not count, so
// AddWorkingDays(friday, 1) is the next Monday when that is a working day.
// A negative n counts back before d. n == 0 gives d unchanged.
func (c *Calendar) AddWorkingDays(d Date, n int) Date {
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.AddDays(step)
		if c.IsWorkingDay(d) {
			n--
		}
	}
	return d
}

// WorkingDaysBetween counts the working days after from up to and including
// to, negative when to is before from: the "days left" of a digest line.
// It is the inverse of AddWorkingDays when from and to are working days.
func (c *Calendar) WorkingDaysBetween(from, to Date) int {
	sign := 1
	if to.Before(from) {
		from, to, sign = to, from, -1
	}
	n := 0
	for d := from.AddDays(1); !d.After(to); d = d.AddDays(1) {
		if c.IsWorkingDay(d) {
			n++
		}
	}
	return sign * n
}

func sortDates(ds []Date) { slices.SortFunc(ds, Date.Compare) }
