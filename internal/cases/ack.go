package cases

import (
	"context"
	"fmt"

	"github.com/klachtd/klachtd/internal/outbox"
	"github.com/klachtd/klachtd/internal/parse"
	"github.com/klachtd/klachtd/internal/store"
)

// acknowledge queues the one acknowledgement of a new case (dedupe key
// ack:<case>), threaded on the complaint, and counts it against the caps
// (caps.go). Whoever wrote the complaint chose the address it goes to, so
// it repeats their name and subject only bounded and without links
// (echo.go): klachtd must not carry a stranger's text to a third party.
// It names the contact person ([intake] contact_*), the handler once one is
// assigned, and what happens next under the policy (hearing, term,
// possible extension).
func (in *Intake) acknowledge(ctx context.Context, tx *store.Tx, c *store.Case, msg *parse.Message, cause int64) error {
	q, err := in.enqueue(ctx, tx, in.ackMail(c, msg), cause, "ack_queued")
	if err != nil {
		return err
	}
	return in.countAnswer(ctx, tx, answerAck, c.ComplainantAddress, q)
}

// ackMail is the acknowledgement of case c, opened by msg.
func (in *Intake) ackMail(c *store.Case, msg *parse.Message) outbox.Mail {
	d := in.data(c)
	d.Case, d.Subject = echoCase(c)
	if h := in.People().Handler(c.HandlerAddress); h != nil {
		d.HandlerName = h.Name
	}
	d.MayHear, d.MayExtend = in.o.Policy.Procedure.RequireHearing, in.o.Policy.MaxExtensions > 0
	return outbox.Mail{
		CaseID: c.ID, Kind: "ack", DedupeKey: fmt.Sprintf("ack:%d", c.ID),
		To:        []outbox.Address{{Name: d.Case.ComplainantName, Address: c.ComplainantAddress}},
		InReplyTo: msg.MessageID, References: msg.References,
		Auto: outbox.AutoReplied, Template: "ack", Lang: c.Language, Data: d,
	}
}
