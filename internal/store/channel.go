package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"

	"github.com/lib/pq"
)

// Channels a complaint can arrive by; a case without a case_channels row
// came by e-mail.
const (
	ChannelEmail  = "email"
	ChannelPhone  = "telefoon"
	ChannelDesk   = "balie"
	ChannelLetter = "brief"
	ChannelForm   = "formulier"
	ChannelSocial = "sociale-media"
)

// Channels lists the channels the schema accepts, e-mail first.
func Channels() []string {
	return []string{ChannelEmail, ChannelPhone, ChannelDesk, ChannelLetter, ChannelForm, ChannelSocial}
}

// Fields are a case's structured fields (issue 14): how the complaint
// arrived, what the complainant wants, when it happened, which department
// it is about, and, for a registration on someone's behalf, who registered
// it and how to reach the complainant without e-mail.
type Fields struct {
	CaseID         int64  `db:"case_id" json:"-"`
	Channel        string `db:"channel" json:"channel"`
	DesiredOutcome string `db:"desired_outcome" json:"desired_outcome"`
	IncidentDate   string `db:"incident_date" json:"incident_date"`
	Department     string `db:"department" json:"department"`
	Registrar      string `db:"registrar" json:"registrar,omitempty"`
	Phone          string `db:"phone" json:"phone,omitempty"`
	PostalAddress  string `db:"postal_address" json:"postal_address,omitempty"`
	AckByPost      bool   `db:"ack_by_post" json:"ack_by_post,omitempty"`
}

// Empty reports whether f says nothing beyond "by e-mail".
func (f Fields) Empty() bool {
	return (f.Channel == "" || f.Channel == ChannelEmail) && f.DesiredOutcome == "" && f.IncidentDate == "" &&
		f.Department == "" && f.Registrar == "" && f.Phone == "" && f.PostalAddress == "" && !f.AckByPost
}

const fieldColumns = `case_id, channel, desired_outcome, incident_date, department, registrar, phone, postal_address, ack_by_post`

// SaveFields writes a case's structured fields whole.
func (tx *Tx) SaveFields(ctx context.Context, f *Fields) error {
	if f.Channel == "" {
		f.Channel = ChannelEmail
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO case_channels (`+fieldColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (case_id) DO UPDATE SET channel = $2, desired_outcome = $3, incident_date = $4,
			department = $5, registrar = $6, phone = $7, postal_address = $8, ack_by_post = $9`,
		f.CaseID, Clean(f.Channel), Clean(f.DesiredOutcome), Clean(f.IncidentDate), Clean(f.Department),
		Clean(f.Registrar), Clean(f.Phone), Clean(f.PostalAddress), f.AckByPost)
	if err != nil {
		return fmt.Errorf("store: save fields of case %d: %w", f.CaseID, err)
	}
	return nil
}

// FieldsOf reads a case's structured fields; a case without a row gets
// channel e-mail and nothing else.
func (tx *Tx) FieldsOf(ctx context.Context, caseID int64) (Fields, error) {
	return fieldsOf(ctx, tx, caseID)
}

// FieldsOf is Tx.FieldsOf outside a transaction.
func (s *Store) FieldsOf(ctx context.Context, caseID int64) (Fields, error) {
	return fieldsOf(ctx, s.db, caseID)
}

type getter interface {
	GetContext(ctx context.Context, dest any, query string, args ...any) error
}

func fieldsOf(ctx context.Context, q getter, caseID int64) (Fields, error) {
	var f Fields
	err := q.GetContext(ctx, &f, `SELECT `+fieldColumns+` FROM case_channels WHERE case_id = $1`, caseID)
	if errors.Is(err, sql.ErrNoRows) {
		return Fields{CaseID: caseID, Channel: ChannelEmail}, nil
	}
	if err != nil {
		return f, fmt.Errorf("store: fields of case %d: %w", caseID, err)
	}
	return f, nil
}

// CaseRefOfMessage is the reference of the case a stored mail (by
// Message-ID, without <>) belongs to; ErrNotFound when it has none.
func (tx *Tx) CaseRefOfMessage(ctx context.Context, messageID string) (string, error) {
	var ref string
	err := tx.GetContext(ctx, &ref, `
		SELECT c.ref FROM messages m JOIN cases c ON c.id = m.case_id
		WHERE m.message_id = $1 ORDER BY m.id LIMIT 1`, messageID)
	if err != nil {
		return "", fmt.Errorf("store: case of message: %w", notFound(err))
	}
	return ref, nil
}

// FieldsOfCases reads the structured fields of many cases; a case without
// a row is missing from the map (channel e-mail).
func (s *Store) FieldsOfCases(ctx context.Context, ids []int64) (map[int64]Fields, error) {
	out := map[int64]Fields{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []Fields
	err := s.db.SelectContext(ctx, &rows, `SELECT `+fieldColumns+` FROM case_channels WHERE case_id = ANY($1)`, pq.Array(ids))
	if err != nil {
		return nil, fmt.Errorf("store: fields of cases: %w", err)
	}
	for _, f := range rows {
		out[f.CaseID] = f
	}
	return out, nil
}

// FormKey is the key that signs the complaint form's CSRF tokens: made
// once, at random, and the same for every instance on this database.
func (s *Store) FormKey(ctx context.Context) ([]byte, error) {
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("store: form key: %w", err)
	}
	var key []byte
	// Two instances starting together: the loser's statement may see
	// neither row (its snapshot predates the winner's commit); the second
	// try sees the winner's.
	var err error
	for try := 0; try < 2; try++ {
		err = s.db.GetContext(ctx, &key, `
			WITH ins AS (INSERT INTO form_key (id, key) VALUES (1, $1) ON CONFLICT (id) DO NOTHING RETURNING key)
			SELECT key FROM ins UNION ALL SELECT key FROM form_key WHERE id = 1 LIMIT 1`, fresh)
		if !errors.Is(err, sql.ErrNoRows) {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("store: form key: %w", err)
	}
	return key, nil
}
