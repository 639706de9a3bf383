package config

import (
	"fmt"
	"time"
)

// Schedule is the timed work, the [schedule] table: reminders, escalations
// and the daily digest are found by a sweep of the database every
// sweep_interval. Example (the defaults):
//
//	[schedule]
//	digest_time = "08:00"          # when the daily digest goes to the managers (Europe/Amsterdam)
//	digest_every_day = false       # false: only on the organisation's working days ([calendar])
//	due_soon_working_days = 5      # the digest lists cases due within this many working days
//	sweep_interval = "1m"          # how often the database is swept for due work
type Schedule struct {
	DigestTime         string   `toml:"digest_time"`
	DigestEveryDay     bool     `toml:"digest_every_day"`
	DueSoonWorkingDays int      `toml:"due_soon_working_days"`
	SweepInterval      Duration `toml:"sweep_interval"`
}

// DigestClock is digest_time as hours and minutes after midnight.
func (s Schedule) DigestClock() (hour, minute int, err error) {
	t, err := time.Parse("15:04", s.DigestTime)
	if err != nil {
		return 0, 0, fmt.Errorf("not a time of day like 08:00: %q", s.DigestTime)
	}
	return t.Hour(), t.Minute(), nil
}

func (s *Schedule) setDefaults() {
	if s.DigestTime == "" {
		s.DigestTime = "08:00"
	}
	if s.DueSoonWorkingDays == 0 {
		s.DueSoonWorkingDays = 5
	}
	if s.SweepInterval.Duration == 0 {
		s.SweepInterval.Duration = time.Minute
	}
}

func (s *Schedule) validate(bad func(key, format string, args ...any)) {
	if _, _, err := s.DigestClock(); err != nil {
		bad("schedule.digest_time", "%v", err)
	}
	if s.DueSoonWorkingDays < 1 || s.DueSoonWorkingDays > 60 {
		bad("schedule.due_soon_working_days", "must be between 1 and 60, not %d", s.DueSoonWorkingDays)
	}
	if s.SweepInterval.Duration < time.Second || s.SweepInterval.Duration > time.Hour {
		bad("schedule.sweep_interval", "must be between 1s and 1h, not %s", s.SweepInterval)
	}
}
