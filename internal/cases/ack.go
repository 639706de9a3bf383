package cases

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/outbox"
	"github.com/klachtd/klachtd/internal/parse"
	"github.com/klachtd/klachtd/internal/store"
)

// AckData is what the ack template gets.
type AckData struct {
	Case       *store.Case
	Subject    string
	IntakeName string
}

// acknowledge queues the one acknowledgement of a new case, threaded on the
// complaint.
func (in *Intake) acknowledge(ctx context.Context, tx *store.Tx, c *store.Case, msg *parse.Message, cause int64) error {
	q, err := in.o.Queue.Enqueue(ctx, tx, outbox.Mail{
		CaseID: c.ID, Kind: "ack", DedupeKey: fmt.Sprintf("ack:%d", c.ID),
		To:        []outbox.Address{{Name: c.ComplainantName, Address: c.ComplainantAddress}},
		InReplyTo: msg.MessageID, References: msg.References,
		Auto: outbox.AutoReplied, Template: "ack", Lang: c.Language,
		Data: AckData{Case: c, Subject: c.Subject, IntakeName: in.o.IntakeName},
	})
	if err != nil || !q.Inserted {
		return err
	}
	return tx.AddEvent(ctx, &store.Event{CaseID: c.ID, At: in.o.Now(), Actor: "klachtd", Kind: "ack_queued",
		Outbox: sql.NullInt64{Int64: q.ID, Valid: true}, Message: sql.NullInt64{Int64: cause, Valid: true},
		Detail: store.Detail(map[string]any{"to": c.ComplainantAddress, "message_id": q.MessageID})})
}

func locAmsterdam() *time.Location { return deadline.Location() }
