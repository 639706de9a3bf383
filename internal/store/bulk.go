package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"

	"github.com/lib/pq"
)

// Set-wise writes for a run of new complaints in one batch (internal/cases,
// fresh.go): each statement writes the rows of every mail of the run, so a
// run costs about ten round trips instead of about fifteen per mail. Every
// column goes as one array parameter, unnested in order; columns that are
// arrays themselves go as their array literals (text) and are cast back.
// Each function fails when not every row was written, so that the caller
// can roll the run back to its savepoint and take its mails one at a time.

// rawSet is the raw bytes of a set's rows as ONE bytea parameter, each
// row's cut out by its offset (from 1) and length: a bytea[] parameter of
// the same mails cost about four times as much to encode, send and parse
// (PostgreSQL reads an array literal character by character).
type rawSet struct {
	all      []byte
	at, lens pq.Int64Array
}

func (r *rawSet) add(b []byte) {
	r.at = append(r.at, int64(len(r.all))+1)
	r.lens = append(r.lens, int64(len(b)))
	r.all = append(r.all, b...)
}

// ErrNotAllInserted is a set-wise insert that wrote fewer rows than it was
// given (a conflict: a twin was stored meanwhile).
var ErrNotAllInserted = errors.New("store: not every row of the set was inserted")

// pgTime is t as PostgreSQL reads a timestamptz in text.
func pgTime(t time.Time) string { return t.Format("2006-01-02 15:04:05.999999Z07:00") }

// arrayLiteral is a as the text PostgreSQL casts to text[].
func arrayLiteral(a pq.StringArray) string {
	v, _ := cleanAll(a).Value() // StringArray.Value does not fail
	s, _ := v.(string)
	return s
}

// dateText is a date's Value as text, "" for none (NULLIF makes it NULL).
func dateText(v driver.Valuer) string {
	x, _ := v.Value()
	s, _ := x.(string)
	return s
}

// NextRefs takes n consecutive references of year at once: NextRef n times
// in one statement (the counter row stays locked until the transaction ends).
func (tx *Tx) NextRefs(ctx context.Context, prefix string, year, n int) ([]string, error) {
	var last int
	err := tx.GetContext(ctx, &last, `
		INSERT INTO case_counters (year, last_number) VALUES ($1, $2)
		ON CONFLICT (year) DO UPDATE SET last_number = case_counters.last_number + $2
		RETURNING last_number`, year, n)
	if err != nil {
		return nil, fmt.Errorf("store: next references: %w", err)
	}
	refs := make([]string, n)
	for i := range refs {
		refs[i] = fmt.Sprintf("%s-%04d-%06d", prefix, year, last-n+1+i)
	}
	return refs, nil
}

// InsertCases is InsertCase for every case of cs (their refs are distinct)
// in one statement; it sets each ID.
func (tx *Tx) InsertCases(ctx context.Context, cs []*Case) error {
	var ref, status, category, handler, name, addr, subject, lang, received, policy, ackDue, decisionDue, created pq.StringArray
	var review pq.BoolArray
	byRef := make(map[string]*Case, len(cs))
	for _, c := range cs {
		c.cleanText()
		byRef[c.Ref] = c
		ref, status, category = append(ref, c.Ref), append(status, c.Status), append(category, c.Category)
		handler, name, addr = append(handler, c.HandlerAddress), append(name, c.ComplainantName), append(addr, c.ComplainantAddress)
		subject, lang, policy = append(subject, c.Subject), append(lang, c.Language), append(policy, c.Policy)
		received, created = append(received, pgTime(c.ReceivedAt)), append(created, pgTime(c.CreatedAt))
		ackDue, decisionDue = append(ackDue, dateText(c.AckDue)), append(decisionDue, dateText(c.DecisionDue))
		review = append(review, c.NeedsReview)
	}
	rows, err := tx.QueryContext(ctx, `
		INSERT INTO cases (ref, status, category, handler_address, complainant_name, complainant_address,
			subject, language, received_at, policy, ack_due, decision_due, needs_review, created_at, updated_at)
		SELECT ref, status, category, handler, name, addr, subject, lang, received::timestamptz, policy,
			NULLIF(ack, '')::date, NULLIF(decision, '')::date, review, created::timestamptz, created::timestamptz
		FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
			$9::text[], $10::text[], $11::text[], $12::text[], $13::bool[], $14::text[])
			AS u(ref, status, category, handler, name, addr, subject, lang, received, policy, ack, decision, review, created)
		RETURNING id, ref`,
		ref, status, category, handler, name, addr, subject, lang, received, policy, ackDue, decisionDue, review, created)
	if err != nil {
		return fmt.Errorf("store: insert cases: %w", err)
	}
	n, err := scanIDs(rows, func(id int64, key string) bool {
		c, ok := byRef[key]
		if ok {
			c.ID = id
		}
		return ok
	})
	return allInserted("cases", n, len(cs), err)
}

// InsertNewMessages stores every mail of ms, none of which may be stored
// already (the caller checked their Message-IDs): a twin stored meanwhile
// makes it fail with ErrNotAllInserted. It sets each ID. Each mail must
// have a distinct UID.
func (tx *Tx) InsertNewMessages(ctx context.Context, ms []*Message) error {
	var caseID, size, uidValidity, uid pq.Int64Array
	var messageID, sha, kind, from, subject, internal, mailbox, inReplyTo, contentSHA, reasons, warnings, refs, rcpts pq.StringArray
	var raw rawSet
	var quarantined pq.BoolArray
	byUID := make(map[int64]*Message, len(ms))
	for _, m := range ms {
		m.cleanText()
		byUID[m.UID.Int64] = m
		caseID, size = append(caseID, m.CaseID.Int64), append(size, int64(m.Size))
		uidValidity, uid = append(uidValidity, m.UIDValidity.Int64), append(uid, m.UID.Int64)
		messageID, sha, kind = append(messageID, m.MessageID.String), append(sha, m.SHA256), append(kind, m.Kind)
		from, subject, mailbox = append(from, m.FromAddress), append(subject, m.Subject), append(mailbox, m.Mailbox)
		internal, inReplyTo = append(internal, pgTime(m.InternalDate)), append(inReplyTo, m.InReplyTo)
		contentSHA, quarantined = append(contentSHA, m.ContentSHA256.String), append(quarantined, m.Quarantined)
		raw.add(m.Raw)
		reasons, warnings = append(reasons, arrayLiteral(m.Reasons)), append(warnings, arrayLiteral(m.Warnings))
		refs, rcpts = append(refs, arrayLiteral(m.Refs)), append(rcpts, arrayLiteral(m.Recipients))
	}
	rows, err := tx.QueryContext(ctx, `
		INSERT INTO messages (case_id, message_id, sha256, raw, size, kind, from_address, subject,
			internal_date, mailbox, uid_validity, uid, quarantined, reasons, warnings, in_reply_to, refs, recipients,
			content_sha256)
		SELECT NULLIF(case_id, 0), message_id, sha, substring($4::bytea FROM raw_at::int FOR raw_len::int), size, kind,
			from_address, subject, internal::timestamptz, mailbox, uid_validity, uid, quarantined, reasons::text[],
			warnings::text[], in_reply_to, refs::text[], rcpts::text[], content_sha
		FROM unnest($1::bigint[], $2::text[], $3::text[], $20::bigint[], $21::bigint[], $5::bigint[], $6::text[],
			$7::text[], $8::text[], $9::text[], $10::text[], $11::bigint[], $12::bigint[], $13::bool[], $14::text[],
			$15::text[], $16::text[], $17::text[], $18::text[], $19::text[])
			AS u(case_id, message_id, sha, raw_at, raw_len, size, kind, from_address, subject, internal, mailbox,
				uid_validity, uid, quarantined, reasons, warnings, in_reply_to, refs, rcpts, content_sha)
		ON CONFLICT DO NOTHING
		RETURNING id, uid::text`,
		caseID, messageID, sha, raw.all, size, kind, from, subject, internal, mailbox, uidValidity, uid, quarantined,
		reasons, warnings, inReplyTo, refs, rcpts, contentSHA, raw.at, raw.lens)
	if err != nil {
		return fmt.Errorf("store: insert messages: %w", err)
	}
	n, err := scanIDs(rows, func(id int64, key string) bool {
		var u int64
		fmt.Sscan(key, &u)
		m, ok := byUID[u]
		if ok {
			m.ID = id
		}
		return ok
	})
	return allInserted("messages", n, len(ms), err)
}

// InsertOutboxes is InsertOutbox for every mail of ms (distinct
// Message-IDs, dedupe keys that were never used) in one statement; it sets
// each ID and fails with ErrNotAllInserted when a dedupe key was taken.
func (tx *Tx) InsertOutboxes(ctx context.Context, ms []*OutboxMail) error {
	var caseID pq.Int64Array
	var kind, dedupe, messageID, from, rcpt, subject, created pq.StringArray
	var raw rawSet
	var automatic pq.BoolArray
	byID := make(map[string]*OutboxMail, len(ms))
	for _, m := range ms {
		m.Kind, m.MessageID, m.MailFrom, m.Subject = Clean(m.Kind), Clean(m.MessageID), Clean(m.MailFrom), Clean(m.Subject)
		m.DedupeKey.String, m.Rcpt = Clean(m.DedupeKey.String), cleanAll(m.Rcpt)
		byID[m.MessageID] = m
		caseID, kind, dedupe = append(caseID, m.CaseID.Int64), append(kind, m.Kind), append(dedupe, m.DedupeKey.String)
		messageID, from, rcpt = append(messageID, m.MessageID), append(from, m.MailFrom), append(rcpt, arrayLiteral(m.Rcpt))
		subject, automatic = append(subject, m.Subject), append(automatic, m.Automatic)
		raw.add(m.Raw)
		created = append(created, pgTime(m.CreatedAt))
	}
	rows, err := tx.QueryContext(ctx, `
		INSERT INTO outbox (case_id, kind, dedupe_key, message_id, mail_from, rcpt, subject, raw, automatic, created_at)
		SELECT NULLIF(case_id, 0), kind, NULLIF(dedupe, ''), message_id, mail_from, rcpt::text[], subject,
			substring($8::bytea FROM raw_at::int FOR raw_len::int), automatic, created::timestamptz
		FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $11::bigint[],
			$12::bigint[], $9::bool[], $10::text[])
			AS u(case_id, kind, dedupe, message_id, mail_from, rcpt, subject, raw_at, raw_len, automatic, created)
		ON CONFLICT (dedupe_key) DO NOTHING
		RETURNING id, message_id`,
		caseID, kind, dedupe, messageID, from, rcpt, subject, raw.all, automatic, created, raw.at, raw.lens)
	if err != nil {
		return fmt.Errorf("store: insert outbox: %w", err)
	}
	n, err := scanIDs(rows, func(id int64, key string) bool {
		m, ok := byID[key]
		if ok {
			m.ID = id
		}
		return ok
	})
	return allInserted("outbox", n, len(ms), err)
}

// AddEvents is AddEvent for every event of es, in order, in one statement.
// The IDs are not read back.
func (tx *Tx) AddEvents(ctx context.Context, es []*Event) error {
	var caseID, message, outbox pq.Int64Array
	var at, actor, kind, detail pq.StringArray
	for _, e := range es {
		if e.Detail == nil {
			e.Detail = []byte(`{}`)
		}
		e.Actor, e.Kind, e.Detail = Clean(e.Actor), Clean(e.Kind), cleanJSON(e.Detail)
		caseID, message, outbox = append(caseID, e.CaseID), append(message, e.Message.Int64), append(outbox, e.Outbox.Int64)
		at, actor, kind, detail = append(at, pgTime(e.At)), append(actor, e.Actor), append(kind, e.Kind), append(detail, string(e.Detail))
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO case_events (case_id, at, actor, kind, message, outbox, detail)
		SELECT case_id, at::timestamptz, actor, kind, NULLIF(message, 0), NULLIF(outbox, 0), detail::jsonb
		FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::text[])
			WITH ORDINALITY AS u(case_id, at, actor, kind, message, outbox, detail, n)
		ORDER BY n`,
		caseID, at, actor, kind, message, outbox, detail)
	if err != nil {
		return fmt.Errorf("store: add events: %w", err)
	}
	return nil
}

// RecordAutoAnswers is RecordAutoAnswer for every answer of as.
func (tx *Tx) RecordAutoAnswers(ctx context.Context, as []AutoAnswer) error {
	var outbox pq.Int64Array
	var kind, mailbox, domain, at pq.StringArray
	for _, a := range as {
		outbox, kind, mailbox = append(outbox, a.OutboxID), append(kind, a.Kind), append(mailbox, a.Mailbox)
		domain, at = append(domain, a.Domain), append(at, pgTime(a.At))
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO auto_answers (outbox_id, kind, mailbox, domain, at)
		SELECT outbox_id, kind, mailbox, domain, at::timestamptz
		FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[]) AS u(outbox_id, kind, mailbox, domain, at)
		ON CONFLICT (outbox_id) DO NOTHING`,
		outbox, kind, mailbox, domain, at)
	if err != nil {
		return fmt.Errorf("store: record auto answers: %w", err)
	}
	return nil
}

// scanIDs reads (id, key) rows, handing each to set; it counts the rows set
// took.
func scanIDs(rows *sql.Rows, set func(id int64, key string) bool) (int, error) {
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id int64
		var key string
		if err := rows.Scan(&id, &key); err != nil {
			return n, err
		}
		if set(id, key) {
			n++
		}
	}
	return n, rows.Err()
}

func allInserted(table string, n, want int, err error) error {
	if err != nil {
		return fmt.Errorf("store: insert %s: %w", table, err)
	}
	if n != want {
		return fmt.Errorf("store: insert %s: %d of %d rows: %w", table, n, want, ErrNotAllInserted)
	}
	return nil
}

// FreshMail is one new complaint of a run, as FreshFacts looks it up.
type FreshMail struct {
	MessageID string // without <>, not empty
	Address   string // the reply address, lower case
	Mailbox   string // the address without +tag (the caps' mailbox)
	Domain    string
}

// FreshFacts are what the database knows of a FreshMail before its run.
type FreshFacts struct {
	Stored    bool // a mail with its Message-ID is stored: not a new mail
	Automatic int  // automatic mails queued to its address since mailboxSince (AutomaticMailsTo)
	// Answers of the kind to its mailbox since mailboxSince and to its
	// domain since since, each counted up to its cap in upTo.
	Mailbox, Domain int
}

// FreshFactsOf looks up every mail of ms in one statement, and counts the
// answers of kind to anyone since since (as CountAutoAnswersUpTo does). Like
// CountAutoAnswersUpTo it first takes the caps' transaction lock.
func (tx *Tx) FreshFactsOf(ctx context.Context, ms []FreshMail, kind string, mailboxSince, since time.Time, upTo AutoAnswerCounts) ([]FreshFacts, int, error) {
	if err := tx.lockCaps(ctx); err != nil {
		return nil, 0, err
	}
	var ids, addrs, mbs, doms pq.StringArray
	for _, m := range ms {
		ids, addrs = append(ids, Clean(m.MessageID)), append(addrs, Clean(m.Address))
		mbs, doms = append(mbs, Clean(m.Mailbox)), append(doms, Clean(m.Domain))
	}
	// Unprepared, so planned for its values each time: the generic plan
	// of a prepared statement looked the addresses up with a scan of the
	// outbox instead of its GIN index (9.8 ms per run of 64 after 10 000
	// mails, against 1.5 ms planned per call).
	rows, err := tx.Tx.QueryContext(ctx, `
		SELECT EXISTS (SELECT 1 FROM messages WHERE message_id = u.id),
			(SELECT count(*) FROM outbox WHERE `+automaticTo("u.addr", "$6")+`),
			`+answerCounts("$5", "u.mb", "u.dom", "$6", "$7", "$8", "$9")+`
		FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS u(id, addr, mb, dom, n)
		ORDER BY n`,
		ids, addrs, mbs, doms, kind, mailboxSince, since, upTo.Mailbox, upTo.Domain)
	if err != nil {
		return nil, 0, fmt.Errorf("store: facts of new mails: %w", err)
	}
	defer rows.Close()
	facts := make([]FreshFacts, 0, len(ms))
	all := 0
	for rows.Next() {
		var f FreshFacts
		if err := rows.Scan(&f.Stored, &f.Automatic, &f.Mailbox, &f.Domain, &all); err != nil {
			return nil, 0, fmt.Errorf("store: facts of new mails: %w", err)
		}
		facts = append(facts, f)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("store: facts of new mails: %w", err)
	}
	return facts, all, nil
}
