package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/store"
)

// entry is one line of a case's timeline: an audit event, with the mail that
// caused it and the mail it queued.
type entry struct {
	At     time.Time       `json:"at"`
	Kind   string          `json:"kind"`
	Actor  string          `json:"actor"`
	Detail json.RawMessage `json:"detail,omitempty"`
	MailIn *mailIn         `json:"mail_in,omitempty"`
	Mail   *mailOut        `json:"mail_out,omitempty"`
}

type mailIn struct {
	MessageID   string    `json:"message_id"`
	Kind        string    `json:"kind"`
	From        string    `json:"from"`
	Subject     string    `json:"subject"`
	DeliveredAt time.Time `json:"delivered_at"`
}

type mailOut struct {
	Kind    string     `json:"kind"`
	To      []string   `json:"to"`
	Subject string     `json:"subject"`
	Status  string     `json:"status"`
	SentAt  *time.Time `json:"sent_at,omitempty"`
	Error   string     `json:"error,omitempty"`
}

// timeline builds a case's story from the audit trail.
func timeline(ctx context.Context, s *store.Store, c *store.Case) ([]entry, error) {
	evs, err := s.Events(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	msgs, err := s.MessagesOfCase(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	outs, err := s.OutboxForCase(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	in := map[int64]store.Message{}
	for _, m := range msgs {
		in[m.ID] = m
	}
	out := map[int64]store.OutboxMail{}
	for _, m := range outs {
		out[m.ID] = m
	}
	shown := map[int64]bool{}
	var tl []entry
	for _, e := range evs {
		en := entry{At: e.At, Kind: e.Kind, Actor: e.Actor}
		if string(e.Detail) != "{}" {
			en.Detail = e.Detail
		}
		if m, ok := in[e.Message.Int64]; ok && e.Message.Valid && !shown[m.ID] {
			shown[m.ID] = true
			en.MailIn = &mailIn{MessageID: m.MessageID.String, Kind: m.Kind, From: m.FromAddress, Subject: m.Subject, DeliveredAt: m.InternalDate}
		}
		if m, ok := out[e.Outbox.Int64]; ok && e.Outbox.Valid {
			mo := &mailOut{Kind: m.Kind, To: m.Rcpt, Subject: m.Subject, Status: m.Status, Error: m.LastError}
			if m.SentAt.Valid {
				mo.SentAt = &m.SentAt.Time
			}
			en.Mail = mo
		}
		tl = append(tl, en)
	}
	return tl, nil
}

func showCase(ctx context.Context, s *store.Store, ref string, asJSON bool, w io.Writer) error {
	c, err := s.CaseByRef(ctx, ref)
	if err != nil {
		return err
	}
	tl, err := timeline(ctx, s, c)
	if err != nil {
		return err
	}
	today := deadline.DateOf(time.Now())
	row := toRow(*c, today)
	if row.Fields, err = s.FieldsOf(ctx, c.ID); err != nil {
		return err
	}
	if asJSON {
		return json.NewEncoder(w).Encode(struct {
			Case     caseRow `json:"case"`
			AckDue   string  `json:"ack_due"`
			Timeline []entry `json:"timeline"`
		}{row, c.AckDue.String(), tl})
	}
	loc := deadline.Location()
	fmt.Fprintf(w, "%s  %s\n", c.Ref, c.Subject)
	status := c.Status
	if c.Outcome.Valid {
		status += " (" + c.Outcome.String + ")"
	}
	rows := [][2]string{
		{"status", status},
		{"complainant", strings.TrimSpace(c.ComplainantName + " <" + c.ComplainantAddress + ">")},
		{"handler", c.HandlerAddress},
		{"category", c.Category},
		{"policy", c.Policy},
		{"received", c.ReceivedAt.In(loc).Format("2006-01-02 15:04")},
		{"ack due", c.AckDue.String()},
		{"decision due", fmt.Sprintf("%s (extended %d×, %d delays with consent)", c.DecisionDue, c.Extensions, c.ConsentedDelays)},
	}
	rows = append(rows, fieldRows(row.Fields)...)
	for _, r := range rows {
		fmt.Fprintf(w, "  %-13s %s\n", r[0], r[1])
	}
	fmt.Fprintln(w, "\nTimeline")
	for _, e := range tl {
		at := e.At.In(loc).Format("2006-01-02 15:04")
		if e.MailIn != nil {
			fmt.Fprintf(w, "  %s  mail in    %s from %s: %q\n", e.MailIn.DeliveredAt.In(loc).Format("2006-01-02 15:04"),
				e.MailIn.Kind, e.MailIn.From, e.MailIn.Subject)
		}
		line := fmt.Sprintf("  %s  %-10s by %s", at, e.Kind, e.Actor)
		if e.Detail != nil {
			line += "  " + string(e.Detail)
		}
		fmt.Fprintln(w, line)
		if e.Mail != nil {
			fmt.Fprintf(w, "  %s  mail out   %s to %s: %q [%s]\n", at, e.Mail.Kind, strings.Join(e.Mail.To, ", "), e.Mail.Subject, e.Mail.Status)
		}
	}
	return nil
}
