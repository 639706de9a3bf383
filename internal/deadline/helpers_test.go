package deadline

import (
	"testing"
	"time"
)

// mustDate parses "YYYY-MM-DD" or fails the test.
func mustDate(t *testing.T, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// mustPreset returns a preset or fails the test.
func mustPreset(t *testing.T, name string) Policy {
	t.Helper()
	p, err := Preset(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// mustCalendar builds an organisation calendar or fails the test.
func mustCalendar(t *testing.T, cfg CalendarConfig) *Calendar {
	t.Helper()
	c, err := NewCalendar(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// at is local Amsterdam wall-clock time "YYYY-MM-DD HH:MM".
func at(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.ParseInLocation("2006-01-02 15:04", s, Location())
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// utc is an RFC 3339 instant.
func utc(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}
