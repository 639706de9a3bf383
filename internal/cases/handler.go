package cases

import (
	"context"
	"log/slog"
	"slices"

	"github.com/klachtd/klachtd/internal/parse"
	"github.com/klachtd/klachtd/internal/store"
)

// handlerMail takes a mail from a configured handler on case c:
//   - not authenticated (trusted_authserv_id set, no dkim/spf pass): refused
//     whole — no command applied, nothing relayed — logged, and reported to
//     the handler it claims to come from;
//   - "#" commands at the top: all applied or, when one is bad, none, and
//     confirmed to the handler by mail;
//   - the rest of the text: relayed to the complainant when the mail went to
//     the intake address only; recorded, not relayed, when the handler wrote
//     to the complainant directly; an internal note with #intern.
func (in *Intake) handlerMail(ctx context.Context, tx *store.Tx, c *store.Case, row *store.Message, msg *parse.Message, p *People) error {
	now := in.o.Now()
	actor := row.FromAddress
	if ok, why := authenticated(msg, p.TrustedAuthServID); !ok {
		in.o.Logger.Warn("handler_mail_refused", slog.String("case_ref", c.Ref), slog.String("from", actor), slog.String("reason", why))
		if err := tx.AddEvent(ctx, &store.Event{CaseID: c.ID, At: now, Actor: actor, Kind: "handler_mail_refused", Message: nullID(row.ID),
			Detail: store.Detail(map[string]any{"reason": why})}); err != nil {
			return err
		}
		return in.confirm(ctx, tx, c, actor, nil, []string{
			"Een mail op uw naam is geweigerd omdat niet vast te stellen is dat u hem verstuurde (" + why + "). " +
				"Er is niets uitgevoerd en niets doorgestuurd. Was u het niet, meld dit dan bij uw beheerder."}, msg, row.ID)
	}
	cmds, text := splitCommands(msg.NewText)
	pl := in.makePlan(*c, cmds, p, now)
	if len(pl.errors) > 0 {
		in.o.Logger.Info("handler_commands_refused", slog.String("case_ref", c.Ref), slog.Any("errors", pl.errors))
		if err := tx.AddEvent(ctx, &store.Event{CaseID: c.ID, At: now, Actor: actor, Kind: "commands_refused", Message: nullID(row.ID),
			Detail: store.Detail(map[string]any{"errors": pl.errors})}); err != nil {
			return err
		}
		return in.confirm(ctx, tx, c, actor, nil, pl.errors, msg, row.ID)
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
	return in.confirm(ctx, tx, c, actor, summaries, nil, msg, row.ID)
}

// answer decides what the handler's text is and records it in the plan:
// "relay", "direct" (the complainant was addressed), "note" or "" (no text).
func (in *Intake) answer(pl *plan, text string, row *store.Message, c *store.Case) string {
	switch {
	case text == "":
		return ""
	case pl.internal:
		pl.add("internal_note", map[string]any{"text": text}, "interne notitie vastgelegd")
		return "note"
	case c.ComplainantAddress != "" && slices.Contains(row.Recipients, c.ComplainantAddress):
		pl.add("answered_directly", map[string]any{"to": row.Recipients}, "uw antwoord ging rechtstreeks naar de klager en is vastgelegd")
	case c.ComplainantAddress == "":
		pl.add("answer_not_sent", map[string]any{"reason": "no reply address"}, "het dossier heeft geen adres van de klager: niets doorgestuurd")
		return "note"
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
func (in *Intake) effects(ctx context.Context, tx *store.Tx, c *store.Case, pl *plan, answered, text string, msg *parse.Message, cause int64) error {
	if answered == "relay" {
		if err := in.relay(ctx, tx, c, text, msg, cause); err != nil {
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
