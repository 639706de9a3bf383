package cases

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/klachtd/klachtd/internal/classify"
	"github.com/klachtd/klachtd/internal/config"
	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/parse"
	"github.com/klachtd/klachtd/internal/store"
)

// A registration is a complaint made by phone, at the desk, by letter or
// elsewhere, put on paper by a handler or a registrar ([[registrars]]) in a
// mail to the intake address that threads to no case and starts with
// #namens (command_registration.go). Its rules:
//   - the sender is authenticated as for any command (auth.go); a forged
//     registration is stored and logged, nothing else;
//   - the commands apply all or none: one bad line (or a missing #namens or
//     #kanaal, or any other command) opens nothing, and the sender is told
//     why (within the notice cap);
//   - the case is the named complainant's: their name and e-mail address,
//     the receipt time of #ontvangen (never later than the mail), the
//     channel, the registrar and the complainant's phone and postal address
//     are recorded (case_channels), and the registrar's mail is the case's
//     first message;
//   - the acknowledgement goes to the complainant's e-mail address, within
//     the same caps as any acknowledgement; without an address the case
//     records ack_by_post and the registrar and the handler are told the
//     acknowledgement must go by post;
//   - the case is routed like a mail (on the text below the commands) and
//     the handler notified; the registrar gets a confirmation.

// registrant is who may register: a handler or a registrar.
type registrant struct {
	who  role
	name string
	addr string
}

// registrantOf is the sender as a handler or registrar, or nil.
func registrantOf(msg *parse.Message, p *People) *registrant {
	if len(msg.From) != 1 {
		return nil
	}
	a := strings.TrimSpace(msg.From[0].Address)
	if h := p.Handler(a); h != nil && strings.EqualFold(h.Address, a) {
		return &registrant{who: roleHandler, name: h.Name, addr: h.Address}
	}
	for _, r := range p.Registrars {
		if strings.EqualFold(r.Address, a) {
			return &registrant{who: roleRegistrar, name: r.Name, addr: r.Address}
		}
	}
	return nil
}

// isRegistration reports whether a mail that threads to no case is a
// registration: from a handler or registrar, with a registration command
// at the top.
func isRegistration(msg *parse.Message, p *People) (*registrant, bool) {
	r := registrantOf(msg, p)
	if r == nil {
		return nil, false
	}
	cmds, _ := splitCommands(msg.NewText)
	table := registrationCommands()
	for _, c := range cmds {
		for _, s := range table {
			if c.name == s.name {
				return r, true
			}
		}
	}
	return nil, false
}

// register handles a registration (see above).
func (in *Intake) register(ctx context.Context, tx *store.Tx, row *store.Message, t *take, p *People, r *registrant) error {
	msg := t.msg
	if ok, why := authenticated(row.Raw, msg, p.TrustedAuthServID); !ok {
		in.o.Logger.Warn("registration_refused", slog.Int64("message", row.ID), slog.String("from", row.FromAddress), slog.String("reason", why))
		return nil
	}
	cmds, text := splitCommands(msg.NewText)
	reg, errs := in.registrationPlan(cmds, row, p, r)
	if len(errs) > 0 {
		in.o.Logger.Info("registration_refused", slog.Int64("message", row.ID), slog.Any("errors", errs))
		errs = append(errs, "Er is niets geregistreerd. Verbeter de regels en stuur de mail opnieuw.")
		return in.notice(ctx, tx, nil, &config.Handler{Name: r.name, Address: r.addr}, in.confirmMail(nil, "", nil, errs, msg), row.ID)
	}
	return in.openRegistered(ctx, tx, row, msg, text, p, r, reg)
}

// registrationPlan checks a registration's commands together.
func (in *Intake) registrationPlan(cmds []command, row *store.Message, p *People, r *registrant) (*registration, []string) {
	pl := &plan{reg: &registration{mailAt: row.InternalDate}}
	table := commands()
	reg := registrationCommands()
	var errs []string
	seen := map[string]bool{}
	for _, cmd := range cmds {
		seen[cmd.name] = true
		if table.find(cmd.name) != nil && commandTable(reg).find(cmd.name) == nil {
			errs = append(errs, cmd.line+": in een registratie staan alleen #namens, #kanaal, #ontvangen en #gewenst")
			continue
		}
		e := &cmdEnv{in: in, plan: pl, people: p, now: in.o.Now(), cmd: cmd}
		if err := table.run(e, r.who); err != "" {
			errs = append(errs, fmt.Sprintf("%s: %s", cmd.line, err))
		}
	}
	if !seen["namens"] {
		errs = append(errs, "#namens ontbreekt: schrijf #namens <naam> [<e-mail>] [tel <nummer>]")
	}
	if !seen["kanaal"] {
		errs = append(errs, "#kanaal ontbreekt: schrijf #kanaal telefoon|balie|brief|formulier|sociale-media")
	}
	if pl.reg.received.IsZero() {
		pl.reg.received = row.InternalDate
	}
	return pl.reg, errs
}

// openRegistered opens the case of a registration.
func (in *Intake) openRegistered(ctx context.Context, tx *store.Tx, row *store.Message, msg *parse.Message, text string, p *People, r *registrant, reg *registration) error {
	now := in.o.Now()
	sched := in.o.Policy.Compute(reg.received, false, in.o.Calendar)
	ref, err := tx.NextRef(ctx, in.o.RefPrefix, reg.received.In(deadline.Location()).Year())
	if err != nil {
		return err
	}
	body := *msg
	body.Text, body.NewText = text, text
	body.From = []parse.Address{{Name: reg.name, Address: reg.address}}
	category, handler := p.route(&body)
	c := &store.Case{
		Ref: ref, Status: store.StatusReceived, Category: category, ComplainantName: reg.name,
		ComplainantAddress: reg.address, Subject: parse.StripSubjectPrefixes(msg.Subject),
		Language: guessLanguage(text, in.o.Language), ReceivedAt: reg.received, Policy: in.o.Policy.Name,
		AckDue: sched.AckDue, DecisionDue: sched.DecisionDue, CreatedAt: now,
	}
	if handler != nil {
		c.HandlerAddress = lower(handler.Address)
	}
	var withheld []string
	if reg.address != "" {
		withheld = merge(in.withhold(ctx, tx, &parse.Message{ReplyAddress: reg.address},
			classify.Result{Kind: classify.Complaint, Acknowledge: true}, now), unusable(reg.address))
	}
	c.NeedsReview = len(withheld) > 0 || handler == nil
	if err := tx.InsertCase(ctx, c); err != nil {
		return err
	}
	if err := tx.SetMessageCase(ctx, row.ID, c.ID); err != nil {
		return err
	}
	f := &store.Fields{CaseID: c.ID, Channel: reg.channel, DesiredOutcome: reg.desired, Department: category,
		Registrar: lower(r.addr), Phone: reg.phone, PostalAddress: reg.postal, AckByPost: reg.address == ""}
	if err := tx.SaveFields(ctx, f); err != nil {
		return err
	}
	if err := tx.AddEvent(ctx, &store.Event{CaseID: c.ID, At: now, Actor: lower(r.addr), Kind: "opened", Message: nullID(row.ID),
		Detail: store.Detail(map[string]any{"ref": ref, "received_at": reg.received, "decision_due": c.DecisionDue,
			"policy": c.Policy, "category": category, "handler": c.HandlerAddress,
			"channel": reg.channel, "registrar": lower(r.addr), "on_behalf_of": reg.name})}); err != nil {
		return err
	}
	in.o.Logger.Info("case_registered", slog.String("case_ref", ref), slog.Int64("message", row.ID),
		slog.String("channel", reg.channel), slog.String("registrar", r.addr))
	ackLine, err := in.acknowledgeRegistered(ctx, tx, c, row, withheld)
	if err != nil {
		return err
	}
	if handler != nil {
		if err := in.notifyHandler(ctx, tx, c, handler, &body, row.ID); err != nil {
			return err
		}
	}
	return in.confirm(ctx, tx, c, r.addr, registeredSummary(c, reg, ackLine), msg, row.ID)
}

// acknowledgeRegistered queues the acknowledgement of a registration, or
// records why not; it returns the line for the registrar's confirmation.
func (in *Intake) acknowledgeRegistered(ctx context.Context, tx *store.Tx, c *store.Case, row *store.Message, withheld []string) (string, error) {
	now := in.o.Now()
	switch {
	case c.ComplainantAddress == "":
		err := tx.AddEvent(ctx, &store.Event{CaseID: c.ID, At: now, Actor: "klachtd", Kind: "ack_by_post", Message: nullID(row.ID),
			Detail: store.Detail(map[string]any{"reason": "no e-mail address", "ack_due": c.AckDue})})
		return "de klager heeft geen e-mailadres: stuur de ontvangstbevestiging per post, uiterlijk " + c.AckDue.String(), err
	case len(withheld) > 0:
		err := tx.AddEvent(ctx, &store.Event{CaseID: c.ID, At: now, Actor: "klachtd", Kind: "ack_withheld", Message: nullID(row.ID),
			Detail: store.Detail(map[string]any{"reasons": withheld})})
		return "geen ontvangstbevestiging verstuurd (" + strings.Join(withheld, "; ") + "); het dossier staat op beoordelen", err
	}
	// Not threaded on the registrar's mail: the complainant never saw it.
	if err := in.acknowledge(ctx, tx, c, &parse.Message{}, row.ID); err != nil {
		return "", err
	}
	return "ontvangstbevestiging verstuurd naar " + c.ComplainantAddress, nil
}

func registeredSummary(c *store.Case, reg *registration, ackLine string) []string {
	out := []string{
		fmt.Sprintf("klacht geregistreerd als %s namens %s", c.Ref, reg.name),
		"kanaal: " + reg.channel,
		"ontvangen: " + reg.received.In(deadline.Location()).Format("2-1-2006 15:04") + "; beslissing uiterlijk " + c.DecisionDue.String(),
	}
	if reg.desired != "" {
		out = append(out, "gewenst: "+reg.desired)
	}
	return append(out, ackLine)
}
