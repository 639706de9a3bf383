package cases

import (
	"context"
	"log/slog"
	"slices"
	"strings"

	"github.com/klachtd/klachtd/internal/config"
	"github.com/klachtd/klachtd/internal/outbox"
	"github.com/klachtd/klachtd/internal/parse"
	"github.com/klachtd/klachtd/internal/store"
)

// handlerMail takes a mail from a configured handler on case c:
//   - not authenticated (auth.go: one From mailbox, no other Sender, and with
//     trusted_authserv_id set an aligned pass from that host): refused
//     whole — no command applied, nothing relayed — logged, recorded on the
//     case, and reported to the configured handler it claims to come from,
//     never to another From address, within the notice cap, not threaded on
//     the forged mail and without its text;
//   - "#" commands at the top: all applied or, when one is bad, none, and
//     confirmed to the handler by mail (the refusal of bad commands within
//     the notice cap);
//   - the rest of the text: relayed to the complainant when the mail went to
//     the intake address only; recorded, not relayed, when the handler wrote
//     to the complainant directly; an internal note with #intern.
func (in *Intake) handlerMail(ctx context.Context, tx *store.Tx, c *store.Case, row *store.Message, msg *parse.Message, p *People) error {
	now := in.o.Now()
	actor := row.FromAddress
	if ok, why := authenticated(row.Raw, msg, p.TrustedAuthServID); !ok {
		in.o.Logger.Warn("handler_mail_refused", slog.String("case_ref", c.Ref), slog.String("from", actor), slog.String("reason", why))
		if err := tx.AddEvent(ctx, &store.Event{CaseID: c.ID, At: now, Actor: actor, Kind: "handler_mail_refused", Message: nullID(row.ID),
			Detail: store.Detail(map[string]any{"reason": why})}); err != nil {
			return err
		}
		m := in.confirmMail(c, "", nil, []string{
			"Een mail op uw naam is geweigerd omdat niet vast te stellen is dat u hem verstuurde (" + why + "). " +
				"Er is niets uitgevoerd en niets doorgestuurd. Was u het niet, meld dit dan bij uw beheerder."}, msg)
		m.InReplyTo, m.References = "", nil
		return in.notice(ctx, tx, c, claimedHandler(msg, p), m, row.ID)
	}
	cmds, text := splitCommands(msg.NewText)
	facts, err := factsOf(ctx, tx, c.ID)
	if err != nil {
		return err
	}
	pl := in.makePlanWith(*c, facts, cmds, text, p, now, roleHandler)
	if len(pl.errors) > 0 {
		in.o.Logger.Info("handler_commands_refused", slog.String("case_ref", c.Ref), slog.Any("errors", pl.errors))
		if err := tx.AddEvent(ctx, &store.Event{CaseID: c.ID, At: now, Actor: actor, Kind: "commands_refused", Message: nullID(row.ID),
			Detail: store.Detail(map[string]any{"errors": pl.errors})}); err != nil {
			return err
		}
		return in.notice(ctx, tx, c, claimedHandler(msg, p), in.confirmMail(c, "", nil, pl.errors, msg), row.ID)
	}
	answered := in.answer(pl, text, row, c)
	if pl.c.Status == store.StatusReceived {
		pl.c.Status = store.StatusInProgress
	}
	pl.c.UpdatedAt = now
	if err := tx.UpdateCase(ctx, &pl.c); err != nil {
		return err
	}
	*c = pl.c
	if pl.procChanged {
		pl.proc.CaseID = c.ID
		if err := tx.SaveProcedure(ctx, &pl.proc); err != nil {
			return err
		}
	}
	for _, ch := range pl.changes {
		if err := tx.AddEvent(ctx, &store.Event{CaseID: c.ID, At: now, Actor: actor, Kind: ch.kind, Message: nullID(row.ID),
			Detail: store.Detail(ch.detail)}); err != nil {
			return err
		}
	}
	if err := in.effects(ctx, tx, c, pl, answered, text, msg, row.ID); err != nil {
		return err
	}
	if len(cmds) == 0 {
		return nil
	}
	summaries := make([]string, 0, len(pl.changes))
	for _, ch := range pl.changes {
		summaries = append(summaries, ch.summary)
	}
	return in.confirm(ctx, tx, c, actor, summaries, msg, row.ID)
}

// answer decides what the handler's text is and records it in the plan:
// "relay", "direct" (the complainant was addressed), "note" or "" (no text).
func (in *Intake) answer(pl *plan, text string, row *store.Message, c *store.Case) string {
	switch {
	case text == "" && pl.decision && c.ComplainantAddress != "":
		pl.add("decision_not_sent", nil, "geen beslissingsbrief verstuurd: er stond geen motivering onder de opdrachten; "+
			"schrijf de klager zelf, of stuur de motivering na (het dossier is gesloten)")
		return ""
	case text == "":
		return ""
	case pl.report:
		return "note" // #verslag recorded the text as the hearing report
	case pl.internal:
		pl.add("internal_note", map[string]any{"text": text}, "interne notitie vastgelegd")
		return "note"
	case c.ComplainantAddress != "" && slices.Contains(row.Recipients, c.ComplainantAddress):
		pl.add("answered_directly", map[string]any{"to": row.Recipients}, "uw antwoord ging rechtstreeks naar de klager en is vastgelegd")
	case c.ComplainantAddress == "":
		pl.add("answer_not_sent", map[string]any{"reason": "no reply address"}, "het dossier heeft geen adres van de klager: niets doorgestuurd")
		return "note"
	case !usableAddress(c.ComplainantAddress):
		pl.add("answer_not_sent", map[string]any{"reason": unusable(c.ComplainantAddress)[0]},
			"het adres van de klager ("+c.ComplainantAddress+") is onbruikbaar: niets doorgestuurd; neem op een andere manier contact op")
		return "note"
	case pl.decision:
		pl.add("decision_sent", nil, "uw tekst is als beslissingsbrief verstuurd naar "+c.ComplainantAddress)
		return "decision"
	default:
		pl.add("answered", nil, "uw antwoord is doorgestuurd naar "+c.ComplainantAddress)
		if pl.c.Status != store.StatusClosed {
			pl.c.Status = store.StatusAnswered
		}
		return "relay"
	}
	if pl.c.Status != store.StatusClosed {
		pl.c.Status = store.StatusAnswered
	}
	return "direct"
}

// effects queues the mails a handler's mail causes.
// The commands' own effects (measures, copies, invitations) come first, so
// that a decision letter shows a measure recorded in the same mail.
func (in *Intake) effects(ctx context.Context, tx *store.Tx, c *store.Case, pl *plan, answered, text string, msg *parse.Message, cause int64) error {
	for _, f := range pl.effects {
		if err := f(ctx, tx, c, cause); err != nil {
			return err
		}
	}
	switch answered {
	case "relay":
		if err := in.relay(ctx, tx, c, text, msg, cause); err != nil {
			return err
		}
	case "decision":
		if err := in.decisionLetter(ctx, tx, c, text, msg, cause); err != nil {
			return err
		}
	}
	if pl.extended && c.ComplainantAddress != "" {
		if err := in.extensionNotice(ctx, tx, c, pl.reason, cause); err != nil {
			return err
		}
	}
	if pl.assignedTo != nil {
		orig, err := in.complaint(ctx, tx, c)
		if err != nil {
			return err
		}
		return in.notifyHandler(ctx, tx, c, pl.assignedTo, orig, cause)
	}
	return nil
}

// complaint re-reads the mail that opened c, for a notification to a newly
// assigned handler.
func (in *Intake) complaint(ctx context.Context, tx *store.Tx, c *store.Case) (*parse.Message, error) {
	raw, err := tx.FirstRaw(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	msg, _ := parse.Parse(raw, in.o.Limits)
	return msg, nil
}

// handlerWithoutCase answers a handler's mail that threads to no case, when
// it is authenticated and within the notice cap; a forged one gets nothing
// (there is no case to record it on: the log says it).
func (in *Intake) handlerWithoutCase(ctx context.Context, tx *store.Tx, row *store.Message, msg *parse.Message, p *People) error {
	if ok, why := authenticated(row.Raw, msg, p.TrustedAuthServID); !ok {
		in.o.Logger.Warn("handler_mail_refused", slog.Int64("message", row.ID), slog.String("from", row.FromAddress), slog.String("reason", why))
		return nil
	}
	in.o.Logger.Warn("handler_mail_without_case", slog.String("from", row.FromAddress), slog.Int64("message", row.ID))
	return in.notice(ctx, tx, nil, claimedHandler(msg, p), in.confirmMail(nil, "", nil,
		[]string{"Deze mail hoort bij geen enkel dossier. Antwoord op de melding van klachtd, of zet het kenmerk [KL-…] in het onderwerp."},
		msg), row.ID)
}

// notice queues m, a mail telling handler h that their mail was not acted
// on, unless h already got the day's notices (intake.notices_per_handler_per_day):
// then the log (and the case, when there is one) says it was withheld.
func (in *Intake) notice(ctx context.Context, tx *store.Tx, c *store.Case, h *config.Handler, m outbox.Mail, cause int64) error {
	if h == nil {
		return nil
	}
	now := in.o.Now()
	capped, err := in.noticeCapped(ctx, tx, h.Address, now)
	if err != nil {
		return err
	}
	if capped {
		in.o.Logger.Warn("handler_notice_capped", slog.String("to", h.Address), slog.Int64("message", cause))
		if c == nil {
			return nil
		}
		return tx.AddEvent(ctx, &store.Event{CaseID: c.ID, At: now, Actor: "klachtd", Kind: "notice_withheld", Message: nullID(cause),
			Detail: store.Detail(map[string]any{"to": h.Address, "reason": "cap: intake.notices_per_handler_per_day"})})
	}
	m.To = []outbox.Address{{Name: h.Name, Address: h.Address}}
	q, err := in.enqueue(ctx, tx, m, cause, "handler_confirmed")
	if err != nil {
		return err
	}
	return in.countAnswer(ctx, tx, answerNotice, h.Address, q)
}

// claimedHandler is the configured handler among the mail's From addresses
// (the first one), or nil: a notice goes to the address in the config,
// never to whatever else the From field lists.
func claimedHandler(msg *parse.Message, p *People) *config.Handler {
	for _, a := range msg.From {
		if h := p.Handler(a.Address); h != nil && strings.EqualFold(h.Address, strings.TrimSpace(a.Address)) {
			return h
		}
	}
	return nil
}
