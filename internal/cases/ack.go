package cases

import (
	"context"
	"fmt"

	"github.com/klachtd/klachtd/internal/outbox"
	"github.com/klachtd/klachtd/internal/parse"
	"github.com/klachtd/klachtd/internal/store"
)

// acknowledge queues the one acknowledgement of a new case (dedupe key
// ack:<case>), threaded on the complaint.
func (in *Intake) acknowledge(ctx context.Context, tx *store.Tx, c *store.Case, msg *parse.Message, cause int64) error {
	return in.queue(ctx, tx, outbox.Mail{
		CaseID: c.ID, Kind: "ack", DedupeKey: fmt.Sprintf("ack:%d", c.ID),
		To:        []outbox.Address{{Name: c.ComplainantName, Address: c.ComplainantAddress}},
		InReplyTo: msg.MessageID, References: msg.References,
		Auto: outbox.AutoReplied, Template: "ack", Lang: c.Language, Data: in.data(c),
	}, cause, "ack_queued")
}
