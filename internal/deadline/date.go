package deadline

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"sync"
	"time"
	_ "time/tzdata" // Europe/Amsterdam must work on hosts without system tzdata.
)

// amsterdam is loaded once, on first use, not in init: the embedded tzdata
// makes the load infallible, but it may still look at the system zoneinfo.
var amsterdam = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		panic("deadline: load Europe/Amsterdam: " + err.Error())
	}
	return loc
})

// Location is Europe/Amsterdam, the zone every term is counted in.
func Location() *time.Location { return amsterdam() }

// A Date is a calendar day in Europe/Amsterdam. A due date means the end of
// that day: a decision sent at 23:59 on the due date is on time.
//
// The zero Date means "no date" (NULL in the database, null in JSON).
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// NewDate normalises its arguments the way time.Date does (31 April is 1 May).
func NewDate(year int, month time.Month, day int) Date {
	return dateFromUTC(time.Date(year, month, day, 12, 0, 0, 0, time.UTC))
}

// DateOf is the Amsterdam calendar day that t falls on, whatever t's zone.
func DateOf(t time.Time) Date {
	y, m, d := t.In(amsterdam()).Date()
	return Date{y, m, d}
}

// ParseDate reads "YYYY-MM-DD" and rejects days that do not exist.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("deadline: parse date %q: want YYYY-MM-DD", s)
	}
	return dateFromUTC(t), nil
}

func dateFromUTC(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// String is "YYYY-MM-DD", or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// IsZero reports whether d is the zero Date ("no date").
func (d Date) IsZero() bool { return d == Date{} }

// Start is the instant the day begins in Amsterdam.
func (d Date) Start() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, amsterdam())
}

// End is the instant the day ends in Amsterdam, which is the start of the
// next day: a case due on d is overdue from End() on.
func (d Date) End() time.Time {
	return time.Date(d.Year, d.Month, d.Day+1, 0, 0, 0, 0, amsterdam())
}

// utcNoon is d as a UTC instant far from any day boundary, for arithmetic.
func (d Date) utcNoon() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC)
}

// AddDays adds n calendar days (n may be negative).
func (d Date) AddDays(n int) Date { return dateFromUTC(d.utcNoon().AddDate(0, 0, n)) }

// AddWeeks adds n calendar weeks: the same weekday n weeks later.
func (d Date) AddWeeks(n int) Date { return d.AddDays(7 * n) }

// AddYears adds n years; 29 February becomes 1 March in a common year.
func (d Date) AddYears(n int) Date { return NewDate(d.Year+n, d.Month, d.Day) }

// Sub is the number of calendar days from e to d (positive when d is later).
func (d Date) Sub(e Date) int {
	return int(d.utcNoon().Sub(e.utcNoon()).Hours() / 24)
}

// Weekday is the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.utcNoon().Weekday() }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return cmpInt(d.Year, e.Year)
	case d.Month != e.Month:
		return cmpInt(int(d.Month), int(e.Month))
	default:
		return cmpInt(d.Day, e.Day)
	}
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Before reports whether d is an earlier day than e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is a later day than e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// MarshalText writes "YYYY-MM-DD" ("" for the zero Date).
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads "YYYY-MM-DD"; "" gives the zero Date. The date part
// of a midnight timestamp ("2026-12-24T00:00:00Z") is accepted too, because
// that is how a TOML date literal (closed = [2026-12-24]) and some database
// drivers hand a date over.
func (d *Date) UnmarshalText(b []byte) error {
	s := string(b)
	if s == "" {
		*d = Date{}
		return nil
	}
	if len(s) > len(time.DateOnly) && s[len(time.DateOnly)] == 'T' {
		s = s[:len(time.DateOnly)]
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalJSON writes "YYYY-MM-DD", or null for the zero Date.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(d.String())
}

// UnmarshalJSON reads "YYYY-MM-DD" or null.
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("deadline: date: %w", err)
	}
	return d.UnmarshalText([]byte(s))
}

// Value stores d in a PostgreSQL date column; the zero Date is NULL.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads a PostgreSQL date. lib/pq hands a time.Time at midnight in
// its own zone: the calendar fields are taken as they are, not converted to
// Amsterdam, because a date column has no zone. NULL gives the zero Date.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
	case time.Time:
		y, m, day := v.Date()
		*d = Date{y, m, day}
	case string:
		return d.UnmarshalText([]byte(v))
	case []byte:
		return d.UnmarshalText(v)
	default:
		return fmt.Errorf("deadline: scan date: unsupported type %T", src)
	}
	return nil
}
