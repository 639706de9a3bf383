package deadline

import (
	"encoding/json"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"2026-04-27", "2026-04-27", true},
		{"2028-02-29", "2028-02-29", true},
		{"2026-02-29", "", false},
		{"2026-4-27", "", false},
		{"27-04-2026", "", false},
		{"", "", false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			d, err := ParseDate(tc.in)
			if (err == nil) != tc.ok || d.String() != tc.want {
				t.Errorf("ParseDate(%q) = %v, %v; want %q, ok=%v", tc.in, d, err, tc.want, tc.ok)
			}
		})
	}
}

func TestDateOfAndEnd(t *testing.T) {
	for _, tc := range []struct {
		name    string
		instant string
		date    string
		end     string // End() of that date, in UTC
	}{
		// CET (+01:00): 23:30 UTC is 00:30 the next day.
		{"winter evening UTC", "2026-03-02T23:30:00Z", "2026-03-03", "2026-03-03T23:00:00Z"},
		// Clocks go forward on 29 Mar 2026 at 01:00 UTC; that day has 23 hours
		// and ends at 22:00 UTC.
		{"spring forward", "2026-03-29T10:00:00Z", "2026-03-29", "2026-03-29T22:00:00Z"},
		{"day before spring forward", "2026-03-28T12:00:00Z", "2026-03-28", "2026-03-28T23:00:00Z"},
		// Clocks go back on 25 Oct 2026 at 01:00 UTC; that day has 25 hours.
		{"fall back", "2026-10-25T12:00:00Z", "2026-10-25", "2026-10-25T23:00:00Z"},
		{"summer late UTC", "2026-04-12T22:30:00Z", "2026-04-13", "2026-04-13T22:00:00Z"},
		{"offset given", "2026-04-13T01:00:00+09:00", "2026-04-12", "2026-04-12T22:00:00Z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := DateOf(utc(t, tc.instant))
			if d.String() != tc.date {
				t.Errorf("DateOf = %s, want %s", d, tc.date)
			}
			if got := d.End().UTC().Format(time.RFC3339); got != tc.end {
				t.Errorf("End = %s, want %s", got, tc.end)
			}
			if !d.Start().Before(d.End()) || DateOf(d.End().Add(-time.Nanosecond)) != d || DateOf(d.End()) != d.AddDays(1) {
				t.Errorf("Start/End do not bound %s", d)
			}
		})
	}
}

func TestDateArithmetic(t *testing.T) {
	d := mustDate(t, "2026-12-30")
	for _, tc := range []struct {
		name string
		got  Date
		want string
	}{
		{"add days over year end", d.AddDays(3), "2027-01-02"},
		{"subtract days", d.AddDays(-30), "2026-11-30"},
		{"add weeks", d.AddWeeks(6), "2027-02-10"},
		{"leap day plus a year", mustDate(t, "2028-02-29").AddYears(1), "2029-03-01"},
		{"normalised constructor", NewDate(2026, time.April, 31), "2026-05-01"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got.String() != tc.want {
				t.Errorf("got %s, want %s", tc.got, tc.want)
			}
		})
	}
	if n := mustDate(t, "2026-04-13").Sub(mustDate(t, "2026-03-02")); n != 42 {
		t.Errorf("Sub = %d, want 42", n)
	}
	if n := mustDate(t, "2026-03-29").Sub(mustDate(t, "2026-03-30")); n != -1 {
		t.Errorf("Sub over DST = %d, want -1", n)
	}
	if w := mustDate(t, "2026-04-27").Weekday(); w != time.Monday {
		t.Errorf("Weekday = %v, want Monday", w)
	}
}

func TestDateCompare(t *testing.T) {
	a, b := mustDate(t, "2026-04-30"), mustDate(t, "2026-05-01")
	if !a.Before(b) || a.After(b) || !b.After(a) || a.Compare(b) != -1 || b.Compare(a) != 1 || a.Compare(a) != 0 {
		t.Errorf("ordering of %s and %s is wrong", a, b)
	}
	if !(Date{}).IsZero() || a.IsZero() {
		t.Error("IsZero is wrong")
	}
}

func TestDateJSON(t *testing.T) {
	type row struct {
		Due  Date  `json:"due"`
		None Date  `json:"none"`
		Ptr  *Date `json:"ptr"`
	}
	d := mustDate(t, "2026-04-28")
	b, err := json.Marshal(row{Due: d})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"due":"2026-04-28","none":null,"ptr":null}`; string(b) != want {
		t.Errorf("Marshal = %s, want %s", b, want)
	}
	var back row
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Due != d || !back.None.IsZero() {
		t.Errorf("round trip = %+v", back)
	}
	if err := json.Unmarshal([]byte(`{"due":"2026-13-01"}`), &back); err == nil {
		t.Error("month 13 accepted")
	}
}

func TestDateSQL(t *testing.T) {
	want := mustDate(t, "2026-04-28")
	for _, tc := range []struct {
		name string
		src  any
		want Date
	}{
		// lib/pq returns a date column as midnight UTC.
		{"lib/pq time", time.Date(2026, 4, 28, 0, 0, 0, 0, time.UTC), want},
		// Midnight in another zone must not shift to the day before.
		{"time at +02:00", time.Date(2026, 4, 28, 0, 0, 0, 0, time.FixedZone("", 2*3600)), want},
		{"string", "2026-04-28", want},
		{"bytes", []byte("2026-04-28"), want},
		{"timestamp string", "2026-04-28T00:00:00Z", want},
		{"null", nil, Date{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var d Date
			if err := d.Scan(tc.src); err != nil || d != tc.want {
				t.Errorf("Scan(%v) = %v, %v; want %v", tc.src, d, err, tc.want)
			}
		})
	}
	var d Date
	if err := d.Scan(42); err == nil {
		t.Error("Scan(int) accepted")
	}
	if v, err := want.Value(); err != nil || v != "2026-04-28" {
		t.Errorf("Value = %v, %v", v, err)
	}
	if v, err := (Date{}).Value(); err != nil || v != nil {
		t.Errorf("zero Value = %v, %v; want nil", v, err)
	}
}
