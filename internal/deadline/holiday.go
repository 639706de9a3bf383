package deadline

import (
	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/nl"
)

// decreed are the days set equal to a public holiday for the Algemene
// termijnenwet by royal decree (art. 3 lid 3 Atw). They are decisions, not
// rules, so they are data: add a line when a new decree is published in the
// Staatsblad. They count for the Legal calendar only; an organisation that is
// closed on them lists them in its own calendar's closed days.
var decreed = map[Date]string{
	{2026, 1, 2}:  "Atw-besluit: vrijdag na Nieuwjaarsdag",
	{2026, 5, 15}: "Atw-besluit: vrijdag na Hemelvaartsdag",
	{2027, 5, 7}:  "Atw-besluit: vrijdag na Hemelvaartsdag",
	{2028, 4, 28}: "Atw-besluit: vrijdag na Koningsdag",
	{2028, 5, 26}: "Atw-besluit: vrijdag na Hemelvaartsdag",
}

// DecreedDays lists the days set equal to a holiday by royal decree, for
// documentation and for organisations that want to copy them.
func DecreedDays() []Date {
	out := make([]Date, 0, len(decreed))
	for d := range decreed {
		out = append(out, d)
	}
	sortDates(out)
	return out
}

// holidayName reports whether d is one of the art. 3 Atw holidays
// (github.com/rickar/cal/v2/nl has the set: Nieuwjaarsdag, Goede Vrijdag,
// Tweede Paasdag, Koningsdag, Bevrijdingsdag, Hemelvaartsdag, Tweede
// Pinksterdag, Eerste and Tweede Kerstdag; Eerste Paas- and Pinksterdag are
// Sundays anyway). Koningsdag counts on the day it is observed: 26 April when
// the 27th is a Sunday. goodFriday and liberation say whether those two count.
func holidayName(d Date, goodFriday, liberation bool) (string, bool) {
	for _, h := range nl.Holidays {
		if (h == nl.GoedeVrijdag && !goodFriday) || (h == nl.BevrijdingsDag && !liberation) {
			continue
		}
		if sameDay(h, d) {
			return h.Name, true
		}
	}
	return "", false
}

func sameDay(h *cal.Holiday, d Date) bool {
	_, observed := h.Calc(d.Year)
	if observed.IsZero() {
		return false
	}
	y, m, day := observed.Date()
	return Date{y, m, day} == d
}
