package deadline

import (
	"errors"
	"fmt"
	"testing"
)

func TestAckDue(t *testing.T) {
	closed := []Date{{2026, 12, 24}, {2026, 12, 31}}
	for _, tc := range []struct {
		name, preset, received string
		cal                    CalendarConfig
		want                   string
	}{
		// Tue 31 Mar, Wed 1 Apr, Thu 2, Fri 3 (Goede Vrijdag worked), [Mon 6
		// Tweede Paasdag], Tue 7.
		{"awb over easter", PresetAwb, "2026-03-30 09:00", CalendarConfig{}, "2026-04-07"},
		// generic 1 working day: Fri 3 Apr is worked by default.
		{"generic goede vrijdag worked", PresetGeneric, "2026-04-02 09:00", CalendarConfig{}, "2026-04-03"},
		// ... and with it off: [Fri 3], [Sat], [Sun], [Mon 6], Tue 7.
		{"generic goede vrijdag off", PresetGeneric, "2026-04-02 09:00", CalendarConfig{GoodFridayOff: true}, "2026-04-07"},
		// 2026 is no lustrum: Fri 1 May, Mon 4, Tue 5 (worked), Wed 6, Thu 7.
		{"5 may 2026 lustrum rule", PresetAwb, "2026-04-30 09:00", CalendarConfig{}, "2026-05-07"},
		// every year: Fri 1, Mon 4, [Tue 5], Wed 6, Thu 7, Fri 8.
		{"5 may 2026 every year", PresetAwb, "2026-04-30 09:00", CalendarConfig{LiberationDay: LiberationEveryYear}, "2026-05-08"},
		// 2025 is a lustrum: Thu 1 May, Fri 2, [Mon 5], Tue 6, Wed 7, Thu 8.
		{"5 may 2025 lustrum", PresetWkkgz, "2025-04-30 09:00", CalendarConfig{}, "2025-05-08"},
		// never: Thu 1, Fri 2, Mon 5, Tue 6, Wed 7.
		{"5 may 2025 never", PresetWkkgz, "2025-04-30 09:00", CalendarConfig{LiberationDay: LiberationNever}, "2025-05-07"},
		// Received on a Saturday, 1 working day: Mon 9 Mar.
		{"generic saturday", PresetGeneric, "2026-03-07 15:00", CalendarConfig{}, "2026-03-09"},
		// Received on Hemelvaart: Fri 15 May is decreed for the Atw only.
		{"generic on hemelvaart", PresetGeneric, "2026-05-14 15:00", CalendarConfig{}, "2026-05-15"},
		// Tue 22, Wed 23, [Thu 24 closed], [Fri 25], [Sat 26], [Sun], Mon 28, Tue 29, Wed 30.
		{"closing days", PresetAwb, "2026-12-21 09:00", CalendarConfig{Closed: closed}, "2026-12-30"},
		// The same without closing days: Tue 22, Wed 23, Thu 24, Mon 28, Tue 29.
		{"no closing days", PresetAwb, "2026-12-21 09:00", CalendarConfig{}, "2026-12-29"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := mustPreset(t, tc.preset).Compute(at(t, tc.received), false, mustCalendar(t, tc.cal))
			if got := s.AckDue.String(); got != tc.want {
				t.Errorf("ack_due = %s, want %s", got, tc.want)
			}
		})
	}
}

// pointsString is "name date/level, ..." for compact comparison.
func pointsString(ps []Point) string {
	s := ""
	for i, p := range ps {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%s %s", p.Name, p.Date)
		if p.Level > 0 {
			s += fmt.Sprintf("/%d", p.Level)
		}
	}
	return s
}

func TestPoints(t *testing.T) {
	goodFridayOff := CalendarConfig{GoodFridayOff: true}
	for _, tc := range []struct {
		name, preset, received string
		cal                    CalendarConfig
		reminders, escalations string
	}{
		{
			// Due Mon 13 Apr 2026. received+2w = Mon 16 Mar. Back from Mon 13
			// Apr on the default calendar: Fri 10 (1), Thu 9 (2), Wed 8 (3), Tue 7
			// (4), [Mon 6 Tweede Paasdag], Fri 3 (5, Goede Vrijdag worked), Thu
			// 2, Wed 1, Tue 31 Mar, Mon 30, Fri 27 Mar (10).
			// Overdue Tue 14 Apr; + 5 wd: Wed 15, Thu 16, Fri 17, Mon 20, Tue 21.
			name: "awb default calendar", preset: PresetAwb, received: "2026-03-02 10:00",
			reminders:   "received+2w 2026-03-16, due-10wd 2026-03-27, due-5wd 2026-04-03, due-2wd 2026-04-09",
			escalations: "escalate-due-3wd 2026-04-08/1, overdue 2026-04-14/1, overdue+5wd 2026-04-21/2",
		},
		{
			// With Goede Vrijdag off the 5th working day back is Thu 2 Apr and
			// the 10th is Thu 26 Mar.
			name: "wkkgz goede vrijdag off", preset: PresetWkkgz, received: "2026-03-02 10:00", cal: goodFridayOff,
			reminders:   "received+2w 2026-03-16, due-10wd 2026-03-26, due-5wd 2026-04-02, due-2wd 2026-04-09",
			escalations: "escalate-due-3wd 2026-04-08/1, overdue 2026-04-14/1, overdue+5wd 2026-04-21/2",
		},
		{
			// Received Sat 7 Mar: due Sat 18 Apr -> Mon 20 Apr. received+2w =
			// Sat 21 Mar -> Mon 23 Mar. Back from Mon 20 Apr: Fri 17 (1), Thu 16,
			// Wed 15, Tue 14, Mon 13 (5), Fri 10, Thu 9, Wed 8, Tue 7 (9), [Mon 6],
			// Fri 3 (10). due-3wd: Wed 15. Overdue Tue 21; + 5 wd Tue 28 (Mon 27
			// Koningsdag off): Wed 22, Thu 23, Fri 24, Tue 28, Wed 29.
			name: "awb received on a saturday", preset: PresetAwb, received: "2026-03-07 10:00",
			reminders:   "received+2w 2026-03-23, due-10wd 2026-04-03, due-5wd 2026-04-13, due-2wd 2026-04-16",
			escalations: "escalate-due-3wd 2026-04-15/1, overdue 2026-04-21/1, overdue+5wd 2026-04-29/2",
		},
		{
			// Due Mon 13 Apr, 42 days. 50 %: day 21 = Mon 23 Mar. 80 %: day 33
			// (33.6 rounded down) = Sat 4 Apr -> [Sun 5], [Mon 6] -> Tue 7 Apr.
			// due-2wd: Fri 10 (1), Thu 9 (2). No pre-due escalation.
			name: "generic percentages", preset: PresetGeneric, received: "2026-03-02 10:00",
			reminders:   "50% 2026-03-23, 80% 2026-04-07, due-2wd 2026-04-09",
			escalations: "overdue 2026-04-14/1, overdue+5wd 2026-04-21/2",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := mustPreset(t, tc.preset).Compute(at(t, tc.received), false, mustCalendar(t, tc.cal))
			if got := pointsString(s.Reminders); got != tc.reminders {
				t.Errorf("reminders:\n got %s\nwant %s", got, tc.reminders)
			}
			if got := pointsString(s.Escalations); got != tc.escalations {
				t.Errorf("escalations:\n got %s\nwant %s", got, tc.escalations)
			}
		})
	}
}

// After an extension the scheduler recomputes the points for the new date.
func TestPointsForExtendedDue(t *testing.T) {
	p := mustPreset(t, PresetAwb)
	// Received Mon 2 Mar 2026, extended to Mon 11 May. Back from Mon 11 May:
	// Fri 8 (1), Thu 7 (2), Wed 6 (3), Tue 5 (4, Bevrijdingsdag worked in
	// 2026), Mon 4 (5), Fri 1, Thu 30 Apr, Wed 29, Tue 28 (9), [Mon 27
	// Koningsdag], Fri 24 Apr (10). Overdue Tue 12 May; + 5 wd: Wed 13,
	// [Thu 14 Hemelvaart], Fri 15 (decreed, but worked), Mon 18, Tue 19, Wed 20.
	rem, esc := p.PointsFor(mustDate(t, "2026-05-11"), at(t, "2026-03-02 10:00"), nil)
	wantRem := "received+2w 2026-03-16, due-10wd 2026-04-24, due-5wd 2026-05-04, due-2wd 2026-05-07"
	wantEsc := "escalate-due-3wd 2026-05-06/1, overdue 2026-05-12/1, overdue+5wd 2026-05-20/2"
	if got := pointsString(rem); got != wantRem {
		t.Errorf("reminders:\n got %s\nwant %s", got, wantRem)
	}
	if got := pointsString(esc); got != wantEsc {
		t.Errorf("escalations:\n got %s\nwant %s", got, wantEsc)
	}
}

// Points before receipt or after due, and a second reminder on the same day,
// are left out.
func TestPointsDropped(t *testing.T) {
	p := mustPreset(t, PresetAwb)
	p.Decision = Term{1, Weeks}
	// Received Mon 2 Mar, due Mon 9 Mar. received+2w (16 Mar) is after
	// due; due-10wd (Mon 23 Feb) is before receipt; due-5wd is the day of
	// receipt itself and stays; due-2wd is Thu 5 Mar.
	s := p.Compute(at(t, "2026-03-02 10:00"), false, nil)
	if got, want := pointsString(s.Reminders), "due-5wd 2026-03-02, due-2wd 2026-03-05"; got != want {
		t.Errorf("reminders = %s, want %s", got, want)
	}
	// due-2d is Sat 7 Mar, moved back to Fri 6 Mar; due-1wd is Fri 6 Mar
	// too, so only the first is kept.
	p.Reminders = mustRules("due-2d", "due-1wd")
	s = p.Compute(at(t, "2026-03-02 10:00"), false, nil)
	if got, want := pointsString(s.Reminders), "due-2d 2026-03-06"; got != want {
		t.Errorf("reminders = %s, want %s", got, want)
	}
}

func TestExtend(t *testing.T) {
	awb, generic := mustPreset(t, PresetAwb), mustPreset(t, PresetGeneric)
	twice := mustPreset(t, PresetGeneric)
	twice.MaxExtensions = 2
	for _, tc := range []struct {
		name    string
		p       Policy
		current string
		weeks   int
		used    int
		now     string
		want    string
		err     error
	}{
		// Mon 13 Apr + 4w = Mon 11 May.
		{"awb full", awb, "2026-04-13", 4, 0, "2026-04-01 10:00", "2026-05-11", nil},
		{"last minute", awb, "2026-04-13", 4, 0, "2026-04-13 23:59", "2026-05-11", nil},
		// Tue 7 Apr + 4w = Tue 5 May (Bevrijdingsdag) -> Wed 6 May.
		{"awb moved by atw", awb, "2026-04-07", 4, 0, "2026-04-01 10:00", "2026-05-06", nil},
		// Tue 7 Apr + 3w = Tue 28 Apr.
		{"awb shorter", awb, "2026-04-07", 3, 0, "2026-04-01 10:00", "2026-04-28", nil},
		// generic: Fri 3 Apr + 4w = Fri 1 May, never moved.
		{"generic", generic, "2026-04-03", 4, 0, "2026-04-01 10:00", "2026-05-01", nil},
		// generic: Mon 27 Apr (Koningsdag) stays.
		{"generic onto koningsdag", generic, "2026-03-30", 4, 0, "2026-03-01 10:00", "2026-04-27", nil},
		{"second allowed when configured", twice, "2026-05-01", 2, 1, "2026-04-01 10:00", "2026-05-15", nil},
		{"after the due date", awb, "2026-04-13", 4, 0, "2026-04-14 00:00", "", ErrExtensionTooLate},
		{"long after", awb, "2026-04-13", 1, 0, "2026-06-01 10:00", "", ErrExtensionTooLate},
		{"second extension", awb, "2026-05-11", 1, 1, "2026-05-01 10:00", "", ErrNoExtensionLeft},
		{"third when two allowed", twice, "2026-05-11", 1, 2, "2026-05-01 10:00", "", ErrNoExtensionLeft},
		{"five weeks", awb, "2026-04-13", 5, 0, "2026-04-01 10:00", "", ErrExtensionLength},
		{"zero weeks", awb, "2026-04-13", 0, 0, "2026-04-01 10:00", "", ErrExtensionLength},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.p.Extend(mustDate(t, tc.current), tc.weeks, tc.used, at(t, tc.now))
			if !errors.Is(err, tc.err) {
				t.Fatalf("err = %v, want %v", err, tc.err)
			}
			if got.String() != tc.want {
				t.Errorf("Extend = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestResume(t *testing.T) {
	// Paused Tue 10 Mar, resumed Tue 17 Mar: 7 days; Mon 13 Apr -> Mon 20 Apr.
	got, err := mustPreset(t, PresetGeneric).Resume(mustDate(t, "2026-04-13"), at(t, "2026-03-10 10:00"), at(t, "2026-03-17 09:00"))
	if err != nil || got.String() != "2026-04-20" {
		t.Errorf("Resume = %s, %v; want 2026-04-20", got, err)
	}
	// A pause within one day does not move the date.
	got, _ = mustPreset(t, PresetGeneric).Resume(mustDate(t, "2026-04-13"), at(t, "2026-03-10 10:00"), at(t, "2026-03-10 16:00"))
	if got.String() != "2026-04-13" {
		t.Errorf("same-day Resume = %s, want 2026-04-13", got)
	}
	for _, preset := range []string{PresetAwb, PresetWkkgz} {
		t.Run(preset, func(t *testing.T) {
			_, err := mustPreset(t, preset).Resume(mustDate(t, "2026-04-13"), at(t, "2026-03-10 10:00"), at(t, "2026-03-17 09:00"))
			if !errors.Is(err, ErrNotPausable) {
				t.Errorf("err = %v, want ErrNotPausable", err)
			}
		})
	}
}

func TestRetainUntil(t *testing.T) {
	for _, tc := range []struct{ preset, want string }{
		{PresetAwb, "2031-04-28"},
		{PresetWkkgz, "2028-04-28"},
		{PresetGeneric, "2028-04-28"},
	} {
		t.Run(tc.preset, func(t *testing.T) {
			if got := mustPreset(t, tc.preset).RetainUntil(at(t, "2026-04-28 16:00")); got.String() != tc.want {
				t.Errorf("RetainUntil = %s, want %s", got, tc.want)
			}
		})
	}
}
