package main

import (
	"github.com/klachtd/klachtd/internal/web"
)

// mountForm serves the complaint form ([form] enabled) at /klacht and
// /complaint on the HTTP listener; a submission goes through the intake
// like a mail (cases.Intake.Submit). The CSRF key is random per process:
// behind a load balancer over several instances, keep a client on one
// instance (a form loaded on one and sent to another is asked again).
func (d *Daemon) mountForm() error {
	if d.Web == nil || !d.Config.Form.Enabled {
		return nil
	}
	h, err := web.NewForm(web.FormOptions{Form: d.Config.Form, Submit: d.Intake.Submit, Intake: d.Config.Intake.Address,
		Organisation: d.Config.Intake.Name, Now: d.Now, Logger: d.logFor("form")})
	if err != nil {
		return err
	}
	d.Web.Handle("/klacht", h)
	d.Web.Handle("/complaint", h)
	return nil
}
