package cases

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/klachtd/klachtd/internal/config"
	"github.com/klachtd/klachtd/internal/outbox"
	"github.com/klachtd/klachtd/internal/store"
)

// Caps bound the automatic mails klachtd sends to an address it read from an
// incoming mail, so that nobody can use it to send mail to a third party:
// acknowledgements per mailbox (lower case, without +tag) per 24 hours, per
// domain per hour and in all per hour; notices to a handler whose mail was
// not acted on (refused, bad commands, no case) per handler per 24 hours.
// A zero field takes the config default.
type Caps struct {
	AcksPerMailboxPerDay    int
	AcksPerDomainPerHour    int
	AcksPerHour             int
	NoticesPerHandlerPerDay int
}

// CapsFromConfig takes the caps of the [intake] section.
func CapsFromConfig(i config.Intake) Caps {
	return Caps{AcksPerMailboxPerDay: i.AcksPerMailboxPerDay, AcksPerDomainPerHour: i.AcksPerDomainPerHour,
		AcksPerHour: i.AcksPerHour, NoticesPerHandlerPerDay: i.NoticesPerHandlerPerDay}
}

func (c Caps) withDefaults() Caps {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.AcksPerMailboxPerDay, config.DefaultAcksPerMailboxPerDay)
	def(&c.AcksPerDomainPerHour, config.DefaultAcksPerDomainPerHour)
	def(&c.AcksPerHour, config.DefaultAcksPerHour)
	def(&c.NoticesPerHandlerPerDay, config.DefaultNoticesPerHandlerPerDay)
	return c
}

// Kinds of automatic answer counted against the caps.
const (
	answerAck    = "ack"
	answerNotice = "notice"
)

// normalMailbox is addr in lower case without the +tag of its local part,
// and its domain: victim+1@x and Victim+2@X are one mailbox.
func normalMailbox(addr string) (mailbox, domain string) {
	addr = lower(addr)
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return addr, ""
	}
	local, domain := addr[:at], addr[at+1:]
	if i := strings.IndexByte(local, '+'); i > 0 {
		local = local[:i]
	}
	return local + "@" + domain, domain
}

// ackCapped says why an acknowledgement to addr may not go out at now, or ""
// when it may.
func (in *Intake) ackCapped(ctx context.Context, tx *store.Tx, addr string, now time.Time) (string, error) {
	caps := in.o.Caps.withDefaults()
	mb, domain := normalMailbox(addr)
	upTo := store.AutoAnswerCounts{Mailbox: caps.AcksPerMailboxPerDay, Domain: caps.AcksPerDomainPerHour, All: caps.AcksPerHour}
	n, err := tx.CountAutoAnswersUpTo(ctx, answerAck, mb, domain, now.Add(-24*time.Hour), now.Add(-time.Hour), upTo)
	switch {
	case err != nil:
		return "", err
	case n.Mailbox >= caps.AcksPerMailboxPerDay:
		return fmt.Sprintf("cap: mailbox %s already got %d acknowledgements in 24 hours (intake.acks_per_mailbox_per_day)", mb, n.Mailbox), nil
	case n.Domain >= caps.AcksPerDomainPerHour:
		return fmt.Sprintf("cap: domain %s already got %d acknowledgements in an hour (intake.acks_per_domain_per_hour)", domain, n.Domain), nil
	case n.All >= caps.AcksPerHour:
		return fmt.Sprintf("cap: %d acknowledgements went out in an hour (intake.acks_per_hour)", n.All), nil
	}
	return "", nil
}

// noticeCapped reports whether handler address addr already got the day's
// notices.
func (in *Intake) noticeCapped(ctx context.Context, tx *store.Tx, addr string, now time.Time) (bool, error) {
	mb, domain := normalMailbox(addr)
	limit := in.o.Caps.withDefaults().NoticesPerHandlerPerDay
	upTo := store.AutoAnswerCounts{Mailbox: limit, Domain: 0, All: 0} // only the mailbox's count is used
	n, err := tx.CountAutoAnswersUpTo(ctx, answerNotice, mb, domain, now.Add(-24*time.Hour), now.Add(-time.Hour), upTo)
	return err == nil && n.Mailbox >= limit, err
}

// countAnswer records a queued automatic answer against the caps.
func (in *Intake) countAnswer(ctx context.Context, tx *store.Tx, kind, addr string, q outbox.Enqueued) error {
	if !q.Inserted {
		return nil
	}
	return tx.RecordAutoAnswer(ctx, autoAnswer(kind, addr, q, in.o.Now()))
}

// autoAnswer is queued answer q to addr as the caps count it.
func autoAnswer(kind, addr string, q outbox.Enqueued, now time.Time) store.AutoAnswer {
	mb, domain := normalMailbox(addr)
	return store.AutoAnswer{OutboxID: q.ID, Kind: kind, Mailbox: mb, Domain: domain, At: now}
}
