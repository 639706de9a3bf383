package deadline

import (
	"strings"
	"testing"
)

func TestLegalCalendar(t *testing.T) {
	legal := Legal()
	for _, tc := range []struct {
		date    string
		working bool
		why     string
	}{
		{"2026-01-01", false, "Nieuwjaarsdag"},
		{"2026-01-02", false, "decreed Friday after Nieuwjaarsdag"},
		{"2026-01-05", true, "first Monday of 2026"},
		{"2026-04-03", false, "Goede Vrijdag, a holiday for the Atw"},
		{"2026-04-06", false, "Tweede Paasdag"},
		{"2026-04-07", true, "Tuesday after Easter"},
		{"2026-04-27", false, "Koningsdag"},
		{"2026-05-05", false, "Bevrijdingsdag, every year for the Atw (2026 is no lustrum)"},
		{"2026-05-14", false, "Hemelvaartsdag"},
		{"2026-05-15", false, "decreed Friday after Hemelvaart"},
		{"2026-05-25", false, "Tweede Pinksterdag"},
		{"2026-12-24", true, "Christmas Eve is no holiday"},
		{"2026-12-25", false, "Eerste Kerstdag"},
		{"2026-12-31", true, "Oudejaarsdag is no holiday"},
		{"2027-03-26", false, "Goede Vrijdag 2027"},
		{"2027-03-29", false, "Tweede Paasdag 2027"},
		{"2027-04-26", true, "Monday before Koningsdag 2027"},
		{"2027-04-27", false, "Koningsdag 2027, a Tuesday"},
		{"2027-05-05", false, "Bevrijdingsdag 2027"},
		{"2027-05-07", false, "decreed Friday after Hemelvaart 2027"},
		{"2027-05-17", false, "Tweede Pinksterdag 2027"},
		{"2025-04-26", false, "Koningsdag 2025 is the 26th (a Saturday anyway)"},
		{"2025-04-25", true, "the Friday before is worked"},
		{"2031-04-26", false, "Koningsdag 2031 is the 26th, the 27th is a Sunday"},
		{"2028-04-28", false, "decreed Friday after Koningsdag 2028"},
		{"2028-05-26", false, "decreed Friday after Hemelvaart 2028"},
		{"2029-05-11", true, "no decree known for the Friday after Hemelvaart 2029"},
	} {
		t.Run(tc.date+" "+tc.why, func(t *testing.T) {
			if got := legal.IsWorkingDay(mustDate(t, tc.date)); got != tc.working {
				t.Errorf("IsWorkingDay = %v, want %v", got, tc.working)
			}
		})
	}
}

func TestClosureNames(t *testing.T) {
	legal := Legal()
	for _, tc := range []struct{ date, want string }{
		{"2026-04-04", "zaterdag"},
		{"2026-04-05", "zondag"},
		{"2026-04-27", "Koningsdag"},
		{"2026-05-15", "Atw-besluit: vrijdag na Hemelvaartsdag"},
		{"2026-04-07", ""},
	} {
		t.Run(tc.date, func(t *testing.T) {
			if got := legal.Closure(mustDate(t, tc.date)); got != tc.want {
				t.Errorf("Closure = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestOrganisationCalendar(t *testing.T) {
	closed := []Date{{2026, 12, 24}, {2026, 12, 31}}
	for _, tc := range []struct {
		name    string
		cfg     CalendarConfig
		date    string
		working bool
	}{
		{"default works goede vrijdag", CalendarConfig{}, "2026-04-03", true},
		{"goede vrijdag off", CalendarConfig{GoodFridayOff: true}, "2026-04-03", false},
		{"default: 5 may 2026 no lustrum, worked", CalendarConfig{}, "2026-05-05", true},
		{"default: 5 may 2025 lustrum, off", CalendarConfig{}, "2025-05-05", false},
		{"lustrum 2030 (a Sunday anyway)", CalendarConfig{LiberationDay: LiberationLustrum}, "2030-05-05", false},
		{"lustrum 2027 worked", CalendarConfig{LiberationDay: LiberationLustrum}, "2027-05-05", true},
		{"every year 2026 off", CalendarConfig{LiberationDay: LiberationEveryYear}, "2026-05-05", false},
		{"never 2025 worked", CalendarConfig{LiberationDay: LiberationNever}, "2025-05-05", true},
		{"decreed day is worked by default", CalendarConfig{}, "2026-05-15", true},
		{"hemelvaart always off", CalendarConfig{}, "2026-05-14", false},
		{"koningsdag always off", CalendarConfig{}, "2027-04-27", false},
		{"closed day", CalendarConfig{Closed: closed}, "2026-12-24", false},
		{"closed list leaves other days", CalendarConfig{Closed: closed}, "2026-12-23", true},
		{"closed day without config", CalendarConfig{}, "2026-12-24", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := mustCalendar(t, tc.cfg)
			if got := c.IsWorkingDay(mustDate(t, tc.date)); got != tc.working {
				t.Errorf("IsWorkingDay(%s) = %v, want %v", tc.date, got, tc.working)
			}
		})
	}
}

func TestNewCalendarErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  CalendarConfig
		key  string
	}{
		{"liberation", CalendarConfig{LiberationDay: "sometimes"}, "calendar.liberation_day"},
		{"empty closed", CalendarConfig{Closed: []Date{{}}}, "calendar.closed[0]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewCalendar(tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.key) {
				t.Errorf("err = %v, want one naming %s", err, tc.key)
			}
		})
	}
}

func TestAddWorkingDays(t *testing.T) {
	org := DefaultCalendar()
	goodFridayOff := mustCalendar(t, CalendarConfig{GoodFridayOff: true})
	for _, tc := range []struct {
		name string
		cal  *Calendar
		from string
		n    int
		want string
	}{
		{"zero is the same day", org, "2026-04-04", 0, "2026-04-04"},
		{"friday + 1 = monday", org, "2026-03-06", 1, "2026-03-09"},
		{"saturday + 1 = monday", org, "2026-03-07", 1, "2026-03-09"},
		// Tue 31 Mar, Wed 1, Thu 2, Fri 3 (worked), [Mon 6 off], Tue 7.
		{"over easter, goede vrijdag worked", org, "2026-03-30", 5, "2026-04-07"},
		// Tue 31, Wed 1, Thu 2, [Fri 3 off], [Mon 6 off], Tue 7, Wed 8.
		{"over easter, goede vrijdag off", goodFridayOff, "2026-03-30", 5, "2026-04-08"},
		// Legal: Tue 31, Wed 1, Thu 2, [Fri 3], [Mon 6], Tue 7, Wed 8.
		{"legal over easter", Legal(), "2026-03-30", 5, "2026-04-08"},
		// Back from Mon 13 Apr: Fri 10, Thu 9, Wed 8, Tue 7, [Mon 6], Fri 3.
		{"back over easter", org, "2026-04-13", -5, "2026-04-03"},
		{"back from monday", org, "2026-03-09", -1, "2026-03-06"},
		// Back from Sunday: Fri 6 Mar is the first working day before.
		{"back from sunday", org, "2026-03-08", -1, "2026-03-06"},
		// Fri 15 May 2026 is decreed for the law but worked by default.
		// Wed 13 May + 1: [Thu 14 Hemelvaart], Fri 15.
		{"hemelvaart, decreed day worked", org, "2026-05-13", 1, "2026-05-15"},
		// Legal: [Thu 14], [Fri 15 decreed], [Sat], [Sun], Mon 18, Tue 19.
		{"hemelvaart, legal", Legal(), "2026-05-13", 2, "2026-05-19"},
		// Year end: Mon 28 Dec, Tue 29, Wed 30, Thu 31, [Fri 1 Jan], Mon 4 Jan.
		{"over new year", org, "2026-12-24", 5, "2027-01-04"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.cal.AddWorkingDays(mustDate(t, tc.from), tc.n)
			if got.String() != tc.want {
				t.Errorf("AddWorkingDays(%s, %d) = %s, want %s", tc.from, tc.n, got, tc.want)
			}
		})
	}
}

func TestCalendarSteps(t *testing.T) {
	legal := Legal()
	for _, tc := range []struct {
		name string
		f    func(Date) Date
		from string
		want string
	}{
		{"next after working day", legal.NextWorkingDay, "2026-04-02", "2026-04-07"},
		{"next after friday", legal.NextWorkingDay, "2026-03-06", "2026-03-09"},
		{"on or after working day is itself", legal.OnOrAfter, "2026-04-02", "2026-04-02"},
		{"on or after goede vrijdag", legal.OnOrAfter, "2026-04-03", "2026-04-07"},
		{"on or before tweede paasdag", legal.OnOrBefore, "2026-04-06", "2026-04-02"},
		{"on or before working day is itself", legal.OnOrBefore, "2026-04-07", "2026-04-07"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.f(mustDate(t, tc.from)); got.String() != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	org := DefaultCalendar()
	for _, tc := range []struct {
		from, to string
		want     int
	}{
		{"2026-04-13", "2026-04-13", 0},
		// Fri 3 Apr (worked) to Tue 7 Apr: Tue 7 only counts after Mon 6 (off).
		{"2026-04-03", "2026-04-07", 1},
		// Mon 30 Mar to Tue 7 Apr: Tue, Wed, Thu, Fri, Tue.
		{"2026-03-30", "2026-04-07", 5},
		{"2026-04-07", "2026-03-30", -5},
	} {
		t.Run(tc.from+".."+tc.to, func(t *testing.T) {
			if got := org.WorkingDaysBetween(mustDate(t, tc.from), mustDate(t, tc.to)); got != tc.want {
				t.Errorf("got %d, want %d", got, tc.want)
			}
		})
	}
}

func TestDecreedDaysSorted(t *testing.T) {
	got := DecreedDays()
	want := []string{"2026-01-02", "2026-05-15", "2027-05-07", "2028-04-28", "2028-05-26"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i].String() != want[i] {
			t.Errorf("[%d] = %s, want %s", i, got[i], want[i])
		}
	}
}
