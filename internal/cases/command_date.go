package cases

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/klachtd/klachtd/internal/deadline"
)

// Dates in commands are ISO ("2026-12-08"); Dutch forms are welcome too:
// "8-12-2026", "8/12/2026", "8 december 2026" and "8 december" (the next
// such day from today). Times are "10:30" or "10.30", in Europe/Amsterdam.

var dutchMonths = map[string]time.Month{
	"januari": 1, "jan": 1, "februari": 2, "feb": 2, "maart": 3, "mrt": 3, "april": 4, "apr": 4, "mei": 5,
	"juni": 6, "jun": 6, "juli": 7, "jul": 7, "augustus": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
	"oktober": 10, "okt": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}

// parseDate reads a date at the start of words and returns it and how many
// words it took.
func parseDate(words []string, today deadline.Date) (deadline.Date, int, error) {
	if len(words) == 0 {
		return deadline.Date{}, 0, fmt.Errorf("de datum ontbreekt (schrijf 2026-12-08 of 8-12-2026)")
	}
	w := words[0]
	if d, err := deadline.ParseDate(w); err == nil {
		return d, 1, nil
	}
	if parts := strings.FieldsFunc(w, func(r rune) bool { return r == '-' || r == '/' }); len(parts) == 3 {
		if d, ok := dayMonthYear(parts[0], parts[1], parts[2]); ok {
			return d, 1, nil
		}
	}
	if len(words) >= 2 {
		if m, ok := dutchMonths[strings.ToLower(strings.TrimSuffix(words[1], "."))]; ok {
			day, err := strconv.Atoi(w)
			if err == nil && len(words) >= 3 {
				if y, err := strconv.Atoi(words[2]); err == nil && y > 1900 {
					if d, ok := validDate(y, m, day); ok {
						return d, 3, nil
					}
				}
			}
			if d, ok := validDate(today.Year, m, day); err == nil && ok {
				if d.Before(today) {
					d, _ = validDate(today.Year+1, m, day)
				}
				return d, 2, nil
			}
		}
	}
	return deadline.Date{}, 0, fmt.Errorf("%q is geen datum (schrijf 2026-12-08, 8-12-2026 of 8 december)", w)
}

func dayMonthYear(ds, ms, ys string) (deadline.Date, bool) {
	day, e1 := strconv.Atoi(ds)
	month, e2 := strconv.Atoi(ms)
	year, e3 := strconv.Atoi(ys)
	if e1 != nil || e2 != nil || e3 != nil || year < 1900 {
		return deadline.Date{}, false
	}
	return validDate(year, time.Month(month), day)
}

// validDate is the date, when it exists (no 31 November).
func validDate(y int, m time.Month, d int) (deadline.Date, bool) {
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return deadline.Date{}, false
	}
	t := time.Date(y, m, d, 12, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return deadline.Date{}, false
	}
	return deadline.NewDate(y, m, d), true
}

// parseClock reads "10:30", "10.30" or "10u30".
func parseClock(s string) (hour, minute int, err error) {
	s = strings.TrimSuffix(strings.ToLower(s), "u")
	h, m, ok := strings.Cut(strings.NewReplacer(".", ":", "u", ":").Replace(s), ":")
	if !ok {
		m = "0"
	}
	hour, e1 := strconv.Atoi(h)
	minute, e2 := strconv.Atoi(m)
	if e1 != nil || e2 != nil || hour < 0 || hour > 23 || minute < 0 || minute > 59 {
		return 0, 0, fmt.Errorf("%q is geen tijd (schrijf 10:30)", s)
	}
	return hour, minute, nil
}

// parseDateTime reads "<datum> <tijd>" at the start of words and returns
// the moment in Europe/Amsterdam and how many words it took.
func parseDateTime(words []string, today deadline.Date) (time.Time, int, error) {
	d, n, err := parseDate(words, today)
	if err != nil {
		return time.Time{}, 0, err
	}
	if len(words) <= n {
		return time.Time{}, 0, fmt.Errorf("de tijd ontbreekt (schrijf bijvoorbeeld %s 10:30)", d)
	}
	h, m, err := parseClock(words[n])
	if err != nil {
		return time.Time{}, 0, err
	}
	return time.Date(d.Year, d.Month, d.Day, h, m, 0, 0, deadline.Location()), n + 1, nil
}
