package main

import (
	"github.com/klachtd/klachtd/internal/cases"
	"github.com/klachtd/klachtd/internal/config"
	"github.com/klachtd/klachtd/internal/schedule"
)

// Reload reads the config again and swaps in what can change while running:
// handlers, managers and routing, and the [oauth2] settings (a fixed client
// secret, a new refresh token: the token source's backoff ends and intake
// resumes at its next reconnect). It returns the error of a bad config and
// then changes nothing.
func (d *Daemon) Reload(path string, getenv func(string) string) error {
	cfg, err := config.Load(path, getenv)
	if err != nil {
		return err
	}
	if d.Tokens != nil && cfg.UsesOAuth2() {
		if err := d.Tokens.Reload(cfg.OAuth2); err != nil {
			return err
		}
	}
	d.Intake.SetPeople(cases.PeopleFromConfig(cfg))
	d.Sweeper.SetStaff(schedule.StaffFromConfig(cfg))
	d.Config.Handlers, d.Config.Managers, d.Config.Routing = cfg.Handlers, cfg.Managers, cfg.Routing
	d.Config.Registrars = cfg.Registrars
	return nil
}
