package main

import (
	"github.com/klachtd/klachtd/internal/cases"
	"github.com/klachtd/klachtd/internal/config"
	"github.com/klachtd/klachtd/internal/schedule"
)

// Reload reads the config again and swaps in what can change while running:
// handlers, managers and routing. It returns the error of a bad config and
// then changes nothing.
func (d *Daemon) Reload(path string, getenv func(string) string) error {
	cfg, err := config.Load(path, getenv)
	if err != nil {
		return err
	}
	d.Intake.SetPeople(cases.PeopleFromConfig(cfg))
	d.Sweeper.SetStaff(schedule.StaffFromConfig(cfg))
	d.Config.Handlers, d.Config.Managers, d.Config.Routing = cfg.Handlers, cfg.Managers, cfg.Routing
	d.Config.Registrars = cfg.Registrars
	return nil
}
