package deadline

import "testing"

// The holidays these rows walk through, worked out from the law (Atw art. 3
// and the decrees listed in domain.md), not from the code under test:
//
//	2025  Sat 26 Apr Koningsdag (27 Apr is a Sunday, so the 26th)
//	2026  Thu 1 Jan Nieuwjaarsdag, Fri 2 Jan decreed; Easter is Sun 5 Apr:
//	      Fri 3 Apr Goede Vrijdag, Mon 6 Apr Tweede Paasdag; Mon 27 Apr
//	      Koningsdag; Tue 5 May Bevrijdingsdag; Thu 14 May Hemelvaart (Easter
//	      + 39), Fri 15 May decreed; Mon 25 May Tweede Pinksterdag; Fri 25
//	      and Sat 26 Dec Christmas
//	2027  Fri 1 Jan; Easter Sun 28 Mar: Fri 26 Mar, Mon 29 Mar; Tue 27 Apr
//	      Koningsdag (not a Sunday: the next Sunday 27 April is in 2031);
//	      Wed 5 May; Thu 6 May Hemelvaart, Fri 7 May decreed; Mon 17 May;
//	      Sat 25 and Sun 26 Dec
//	2028  Sat 1 Jan; Thu 27 Apr Koningsdag, Fri 28 Apr decreed; Thu 25 May
//	      Hemelvaart, Fri 26 May decreed
//
// Rule: receipt day is day 0, N weeks end on the same weekday N weeks later.
// awb and wkkgz then move a decision (and an extended) due date off a
// Saturday, Sunday or Atw holiday to the next day that is none; the
// extension (4 weeks) counts from the moved due date and is moved again.
// generic never moves.
var decisionTable = []struct {
	name     string
	received string // Amsterdam wall clock, 12:00 unless the row is about the hour
	// legal is awb and wkkgz (the same terms without a committee); generic
	// is the generic preset.
	legalDue, legalExt     string
	genericDue, genericExt string
}{
	{"nieuwjaar then decreed 2 jan", "2025-11-20 12:00",
		// Thu + 6w = Thu 1 Jan 2026 (Nieuwjaarsdag) -> Fri 2 Jan (decreed) -> Sat, Sun -> Mon 5 Jan.
		// Ext: Mon 5 Jan + 4w = Mon 2 Feb, a working day.
		"2026-01-05", "2026-02-02",
		// generic: Thu 1 Jan stays; + 4w = Thu 29 Jan.
		"2026-01-01", "2026-01-29"},
	{"decreed 2 jan 2026", "2025-11-21 12:00",
		// Fri + 6w = Fri 2 Jan 2026 (decreed) -> Mon 5 Jan; ext Mon 2 Feb.
		"2026-01-05", "2026-02-02",
		"2026-01-02", "2026-01-30"},
	{"plain saturday", "2026-01-10 12:00",
		// Sat + 6w = Sat 21 Feb -> Mon 23 Feb; ext Mon 23 Mar.
		"2026-02-23", "2026-03-23",
		"2026-02-21", "2026-03-21"},
	{"plain monday, no move", "2026-03-02 12:00",
		// Mon + 6w = Mon 13 Apr, a working day; ext Mon 11 May.
		"2026-04-13", "2026-05-11",
		"2026-04-13", "2026-05-11"},
	{"goede vrijdag through pasen", "2026-02-20 12:00",
		// Fri + 6w = Fri 3 Apr (Goede Vrijdag) -> Sat 4 -> Sun 5 (Pasen) ->
		// Mon 6 (Tweede Paasdag) -> Tue 7 Apr. Ext: Tue 7 Apr + 4w = Tue 5 May
		// (Bevrijdingsdag, every year for the Atw) -> Wed 6 May.
		"2026-04-07", "2026-05-06",
		// generic: Fri 3 Apr; + 4w = Fri 1 May.
		"2026-04-03", "2026-05-01"},
	{"tweede paasdag", "2026-02-23 12:00",
		// Mon + 6w = Mon 6 Apr (Tweede Paasdag) -> Tue 7 Apr; ext Tue 5 May -> Wed 6 May.
		"2026-04-07", "2026-05-06",
		"2026-04-06", "2026-05-04"},
	{"koningsdag 2026", "2026-03-16 12:00",
		// Mon + 6w = Mon 27 Apr (Koningsdag) -> Tue 28 Apr; ext Tue 26 May
		// (the Monday before is Tweede Pinksterdag, the Tuesday works).
		"2026-04-28", "2026-05-26",
		// generic: Mon 27 Apr; + 4w = Mon 25 May.
		"2026-04-27", "2026-05-25"},
	{"bevrijdingsdag 2026", "2026-03-24 12:00",
		// Tue + 6w = Tue 5 May -> Wed 6 May; ext Wed 3 Jun.
		"2026-05-06", "2026-06-03",
		"2026-05-05", "2026-06-02"},
	{"hemelvaart and the decreed friday", "2026-04-02 12:00",
		// Thu + 6w = Thu 14 May (Hemelvaart) -> Fri 15 May (decreed) -> Sat,
		// Sun -> Mon 18 May; ext Mon 15 Jun.
		"2026-05-18", "2026-06-15",
		"2026-05-14", "2026-06-11"},
	{"received on goede vrijdag, due on the decreed friday", "2026-04-03 12:00",
		// Fri + 6w = Fri 15 May (decreed) -> Mon 18 May; ext Mon 15 Jun.
		"2026-05-18", "2026-06-15",
		"2026-05-15", "2026-06-12"},
	{"tweede pinksterdag 2026", "2026-04-13 12:00",
		// Mon + 6w = Mon 25 May (Tweede Pinksterdag) -> Tue 26 May; ext Tue 23 Jun.
		"2026-05-26", "2026-06-23",
		"2026-05-25", "2026-06-22"},
	{"eerste kerstdag 2026", "2026-11-13 12:00",
		// Fri + 6w = Fri 25 Dec -> Sat 26 (Tweede Kerstdag) -> Sun 27 -> Mon 28 Dec;
		// ext Mon 25 Jan 2027.
		"2026-12-28", "2027-01-25",
		"2026-12-25", "2027-01-22"},
	{"nieuwjaar 2027", "2026-11-20 12:00",
		// Fri + 6w = Fri 1 Jan 2027 -> Mon 4 Jan; ext Mon 1 Feb.
		"2027-01-04", "2027-02-01",
		"2027-01-01", "2027-01-29"},
	{"goede vrijdag 2027, extension onto koningsdag", "2027-02-12 12:00",
		// Fri + 6w = Fri 26 Mar (Goede Vrijdag) -> Sat -> Sun 28 (Pasen) ->
		// Mon 29 (Tweede Paasdag) -> Tue 30 Mar. Ext: Tue 30 Mar + 4w = Tue 27
		// Apr (Koningsdag) -> Wed 28 Apr.
		"2027-03-30", "2027-04-28",
		// generic: Fri 26 Mar; + 4w = Fri 23 Apr.
		"2027-03-26", "2027-04-23"},
	{"koningsdag 2027", "2027-03-16 12:00",
		// Tue + 6w = Tue 27 Apr -> Wed 28 Apr; ext Wed 26 May.
		"2027-04-28", "2027-05-26",
		"2027-04-27", "2027-05-25"},
	{"bevrijdingsdag then hemelvaart then decreed 2027", "2027-03-24 12:00",
		// Wed + 6w = Wed 5 May -> Thu 6 (Hemelvaart) -> Fri 7 (decreed) ->
		// Sat, Sun -> Mon 10 May; ext Mon 7 Jun.
		"2027-05-10", "2027-06-07",
		"2027-05-05", "2027-06-02"},
	{"tweede pinksterdag 2027", "2027-04-05 12:00",
		// Mon + 6w = Mon 17 May -> Tue 18 May; ext Tue 15 Jun.
		"2027-05-18", "2027-06-15",
		"2027-05-17", "2027-06-14"},
	{"christmas on a weekend 2027", "2027-11-13 12:00",
		// Sat + 6w = Sat 25 Dec -> Sun 26 -> Mon 27 Dec; ext Mon 24 Jan 2028.
		"2027-12-27", "2028-01-24",
		"2027-12-25", "2028-01-22"},
	{"nieuwjaar 2028 on a saturday", "2027-11-20 12:00",
		// Sat + 6w = Sat 1 Jan 2028 -> Sun -> Mon 3 Jan; ext Mon 31 Jan.
		"2028-01-03", "2028-01-31",
		"2028-01-01", "2028-01-29"},
	{"koningsdag on a sunday (2025): observed saturday 26th", "2025-03-15 12:00",
		// Sat + 6w = Sat 26 Apr 2025 (Koningsdag, the 27th is a Sunday) ->
		// Sun 27 -> Mon 28 Apr; ext Mon 26 May (Hemelvaart 2025 is Thu 29 May).
		"2025-04-28", "2025-05-26",
		"2025-04-26", "2025-05-24"},
	{"koningsdag then decreed friday 2028", "2028-03-16 12:00",
		// Thu + 6w = Thu 27 Apr 2028 (Koningsdag) -> Fri 28 Apr (decreed) ->
		// Sat, Sun -> Mon 1 May; ext Mon 29 May (Tweede Pinksterdag 2028 is 5 Jun).
		"2028-05-01", "2028-05-29",
		"2028-04-27", "2028-05-25"},
	{"just after midnight counts as the new day", "2026-03-03 00:30",
		// Tue 3 Mar in Amsterdam (23:30 UTC on Mon 2 Mar): Tue + 6w = Tue 14
		// Apr; ext Tue 12 May. Counting from the UTC date would give 13 Apr.
		"2026-04-14", "2026-05-12",
		"2026-04-14", "2026-05-12"},
	{"just before midnight counts as the old day", "2026-03-02 23:59",
		"2026-04-13", "2026-05-11",
		"2026-04-13", "2026-05-11"},
	{"night the clocks go forward", "2026-03-29 00:30",
		// Sun 29 Mar + 6w = Sun 10 May -> Mon 11 May; ext Mon 8 Jun.
		"2026-05-11", "2026-06-08",
		"2026-05-10", "2026-06-07"},
	{"night the clocks go back", "2026-10-25 00:30",
		// Sun 25 Oct + 6w = Sun 6 Dec -> Mon 7 Dec; ext Mon 4 Jan 2027.
		"2026-12-07", "2027-01-04",
		"2026-12-06", "2027-01-03"},
}

func TestDecisionDueTable(t *testing.T) {
	for _, tc := range decisionTable {
		for _, preset := range []string{PresetAwb, PresetWkkgz, PresetGeneric} {
			t.Run(preset+"/"+tc.name, func(t *testing.T) {
				wantDue, wantExt := tc.legalDue, tc.legalExt
				if preset == PresetGeneric {
					wantDue, wantExt = tc.genericDue, tc.genericExt
				}
				s := mustPreset(t, preset).Compute(at(t, tc.received), false, nil)
				if got := s.DecisionDue.String(); got != wantDue {
					t.Errorf("decision_due = %s, want %s", got, wantDue)
				}
				if got := s.ExtendedDue.String(); got != wantExt {
					t.Errorf("extended_due = %s, want %s", got, wantExt)
				}
			})
		}
	}
}

// The received time given as UTC must count on the Amsterdam date.
func TestDecisionDueUTCInput(t *testing.T) {
	for _, tc := range []struct {
		name, received, want string
	}{
		// 23:30 UTC Mon 2 Mar 2026 is 00:30 CET Tue 3 Mar: Tue + 6w = Tue 14 Apr.
		{"winter", "2026-03-02T23:30:00Z", "2026-04-14"},
		// 22:30 UTC Sun 12 Apr 2026 is 00:30 CEST Mon 13 Apr: + 6w = Mon 25
		// May (Tweede Pinksterdag) -> Tue 26 May. (From Sun 12 Apr it would be
		// Sun 24 May -> Mon 25 -> Tue 26 too, so check generic below.)
		{"summer", "2026-04-12T22:30:00Z", "2026-05-26"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := mustPreset(t, PresetAwb).Compute(utc(t, tc.received), false, nil)
			if got := s.DecisionDue.String(); got != tc.want {
				t.Errorf("decision_due = %s, want %s", got, tc.want)
			}
		})
	}
	t.Run("summer generic", func(t *testing.T) {
		// Mon 13 Apr (Amsterdam) + 6w = Mon 25 May, unmoved; the UTC date
		// (Sun 12 Apr) would give Sun 24 May.
		s := mustPreset(t, PresetGeneric).Compute(utc(t, "2026-04-12T22:30:00Z"), false, nil)
		if got := s.DecisionDue.String(); got != "2026-05-25" {
			t.Errorf("decision_due = %s, want 2026-05-25", got)
		}
	})
}

func TestCommitteeTable(t *testing.T) {
	for _, tc := range []struct {
		name, preset, received string
		committee              bool
		wantDue, wantExt       string
	}{
		// Mon + 10w = Mon 27 Apr (Koningsdag) -> Tue 28 Apr; ext Tue 26 May.
		{"awb koningsdag", PresetAwb, "2026-02-16 12:00", true, "2026-04-28", "2026-05-26"},
		// Thu + 10w = Thu 14 May (Hemelvaart) -> Fri 15 (decreed) -> Mon 18 May; ext Mon 15 Jun.
		{"awb hemelvaart", PresetAwb, "2026-03-05 12:00", true, "2026-05-18", "2026-06-15"},
		// Fri + 10w = Fri 25 Dec -> Mon 28 Dec; ext Mon 25 Jan 2027.
		{"awb christmas", PresetAwb, "2026-10-16 12:00", true, "2026-12-28", "2027-01-25"},
		// Without committee the same receipt: Mon + 6w = Mon 30 Mar; ext Mon
		// 27 Apr (Koningsdag) -> Tue 28 Apr.
		{"awb no committee", PresetAwb, "2026-02-16 12:00", false, "2026-03-30", "2026-04-28"},
		// wkkgz has no committee term: the flag is ignored, 6 weeks as above.
		{"wkkgz ignores committee", PresetWkkgz, "2026-02-16 12:00", true, "2026-03-30", "2026-04-28"},
		// generic: Mon 30 Mar; + 4w = Mon 27 Apr, not moved.
		{"generic ignores committee", PresetGeneric, "2026-02-16 12:00", true, "2026-03-30", "2026-04-27"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := mustPreset(t, tc.preset).Compute(at(t, tc.received), tc.committee, nil)
			if got := s.DecisionDue.String(); got != tc.wantDue {
				t.Errorf("decision_due = %s, want %s", got, tc.wantDue)
			}
			if got := s.ExtendedDue.String(); got != tc.wantExt {
				t.Errorf("extended_due = %s, want %s", got, tc.wantExt)
			}
		})
	}
}

func TestRefusalNoticeTable(t *testing.T) {
	for _, tc := range []struct{ received, want string }{
		// Fri + 4w = Fri 3 Apr 2026 (Goede Vrijdag) -> Sat, Sun, Mon 6 (Tweede Paasdag) -> Tue 7 Apr.
		{"2026-03-06 12:00", "2026-04-07"},
		// Fri + 4w = Fri 15 May (decreed) -> Mon 18 May.
		{"2026-04-17 12:00", "2026-05-18"},
		// Fri + 4w = Fri 25 Dec -> Sat 26 -> Sun 27 -> Mon 28 Dec.
		{"2026-11-27 12:00", "2026-12-28"},
		// Mon + 4w = Mon 30 Mar, a working day.
		{"2026-03-02 12:00", "2026-03-30"},
	} {
		t.Run(tc.received, func(t *testing.T) {
			s := mustPreset(t, PresetAwb).Compute(at(t, tc.received), false, nil)
			if s.RefusalNoticeDue == nil || s.RefusalNoticeDue.String() != tc.want {
				t.Errorf("refusal_notice_due = %v, want %s", s.RefusalNoticeDue, tc.want)
			}
		})
	}
	for _, preset := range []string{PresetWkkgz, PresetGeneric} {
		t.Run(preset+" has none", func(t *testing.T) {
			if s := mustPreset(t, preset).Compute(at(t, "2026-03-02 12:00"), false, nil); s.RefusalNoticeDue != nil {
				t.Errorf("refusal_notice_due = %v, want nil", s.RefusalNoticeDue)
			}
		})
	}
}
