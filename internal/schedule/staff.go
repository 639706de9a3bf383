package schedule

import (
	"strings"

	"github.com/klachtd/klachtd/internal/config"
	"github.com/klachtd/klachtd/internal/outbox"
)

// StaffFromConfig takes the handlers and managers of a config. The default
// handler is the one marked default, else the first one, as for routing.
func StaffFromConfig(c *config.Config) Staff {
	var st Staff
	for i, h := range c.Handlers {
		a := outbox.Address{Name: h.Name, Address: h.Address}
		st.Handlers = append(st.Handlers, a)
		if h.Default || (i == 0 && st.DefaultHandler.Address == "") {
			st.DefaultHandler = a
		}
	}
	st.Levels, st.Digests = map[string]int{}, map[string]string{}
	for _, m := range c.Managers {
		st.Managers = append(st.Managers, outbox.Address{Name: m.Name, Address: m.Address})
		st.Levels[strings.ToLower(m.Address)], st.Digests[strings.ToLower(m.Address)] = m.Level, m.Digest
	}
	return st
}

// OptionsFromConfig fills the config part of Options; the caller adds
// Store, Queue, Policy, Calendar, Now and Logger.
func OptionsFromConfig(c *config.Config) Options {
	h, m, _ := c.Schedule.DigestClock() // validated by config.Load
	return Options{
		Staff: StaffFromConfig(c), DigestHour: h, DigestMinute: m, DigestEveryDay: c.Schedule.DigestEveryDay,
		DueSoonWorkingDays: c.Schedule.DueSoonWorkingDays, Interval: c.Schedule.SweepInterval.Duration,
		Language: c.Intake.Language, IntakeName: c.Intake.Name, IntakeAddress: c.Intake.Address,
	}
}
