package main

import (
	"context"
	"time"

	"github.com/klachtd/klachtd/internal/web"
)

// mountForm serves the complaint form ([form] enabled) at /klacht and
// /complaint on the HTTP listener; a submission goes through the intake
// like a mail (cases.Intake.Submit). The CSRF key is kept in the database
// (store.FormKey), so every instance behind a load balancer accepts a form
// another one served.
func (d *Daemon) mountForm() error {
	if d.Web == nil || !d.Config.Form.Enabled {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	key, err := d.Store.FormKey(ctx)
	if err != nil {
		return err
	}
	h, err := web.NewForm(web.FormOptions{Form: d.Config.Form, Submit: d.Intake.Submit, Intake: d.Config.Intake.Address,
		Organisation: d.Config.Intake.Name, Key: key, Now: d.Now, Logger: d.logFor("form")})
	if err != nil {
		return err
	}
	d.Web.Handle("/klacht", h)
	d.Web.Handle("/complaint", h)
	return nil
}
