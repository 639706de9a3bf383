package store_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/store"
	"github.com/klachtd/klachtd/internal/store/storetest"
)

func TestClean(t *testing.T) {
	tests := []struct{ in, want string }{
		{"hallo\x00daar", "hallodaar"},
		{"caf\xe9", "caf\uFFFD"},
		{"gewoon", "gewoon"},
		{"\x00", ""},
	}
	for _, tt := range tests {
		if got := store.Clean(tt.in); got != tt.want {
			t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// PostgreSQL refuses NUL in text, text[] and jsonb and invalid UTF-8 in
// text: the store cleans every value, so that such a mail cannot fail its
// insert (and hold up the queue); the raw bytes stay as they were.
func TestNULAndInvalidUTF8AreStorable(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	raw := []byte("Subject: hallo\x00daar\r\n\r\nbody\x00")
	err := s.InTx(ctx, func(tx *store.Tx) error {
		m := &store.Message{SHA256: "a", Raw: raw, Kind: "complaint", InternalDate: now,
			Subject: "hallo\x00daar", FromAddress: "jan\x00@example.nl", InReplyTo: "x\x00@y",
			Reasons: []string{"r\x00"}, Warnings: []string{"caf\xe9"}, Refs: []string{"a\x00@b"}}
		m.MessageID = sql.NullString{String: "id\x00@example.nl", Valid: true}
		m.ContentSHA256 = sql.NullString{String: "c", Valid: true}
		id, ok, err := tx.InsertMessage(ctx, m)
		if err != nil || !ok {
			t.Fatalf("insert message: %v %v", ok, err)
		}
		c := &store.Case{Ref: "KL-2026-000001", Status: store.StatusReceived, Policy: "awb", Language: "nl",
			ComplainantName: "Jan\x00", Subject: "hallo\x00daar", ReceivedAt: now,
			AckDue: deadline.DateOf(now), DecisionDue: deadline.DateOf(now), CreatedAt: now}
		if err := tx.InsertCase(ctx, c); err != nil {
			return err
		}
		c.Category = "geluid\x00"
		if err := tx.UpdateCase(ctx, c); err != nil {
			return err
		}
		ev := &store.Event{CaseID: c.ID, At: now, Actor: "jan\x00", Kind: "opened", Message: sql.NullInt64{Int64: id, Valid: true},
			Detail: store.Detail(map[string]any{"subject": "hallo\x00daar", "list": []string{"\x00"}, "k\x00": 1})}
		if err := tx.AddEvent(ctx, ev); err != nil {
			return err
		}
		_, err = tx.InsertOutbox(ctx, &store.OutboxMail{Kind: "ack", MessageID: "o\x00@x", MailFrom: "k@x",
			Rcpt: []string{"jan\x00@example.nl"}, Subject: "Re: hallo\x00daar", Raw: raw, CreatedAt: now})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var subject string
	var gotRaw []byte
	var detail json.RawMessage
	db := s.DB()
	if err := db.QueryRow(`SELECT subject, raw FROM messages`).Scan(&subject, &gotRaw); err != nil {
		t.Fatal(err)
	}
	if subject != "hallodaar" || string(gotRaw) != string(raw) {
		t.Errorf("stored subject %q, raw %q; want the subject cleaned and the raw bytes untouched", subject, gotRaw)
	}
	if err := db.QueryRow(`SELECT detail FROM case_events`).Scan(&detail); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(detail), `\u0000`) || !strings.Contains(string(detail), "hallodaar") {
		t.Errorf("event detail %s", detail)
	}
}

// A duplicate is the same Message-ID and the same content; a different mail
// that reuses a Message-ID is stored as its own. Rows from before content
// hashes existed still dedupe on the Message-ID.
func TestDuplicateIsSameMessageIDAndContent(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	msg := func(id, sha, content string) store.Message {
		m := store.Message{SHA256: sha, Raw: []byte(sha), Kind: "complaint", InternalDate: now}
		m.MessageID = sql.NullString{String: id, Valid: id != ""}
		m.ContentSHA256 = sql.NullString{String: content, Valid: content != ""}
		return m
	}
	steps := []struct {
		name       string
		m          store.Message
		want       bool
		wantReused bool
	}{
		{"first", msg("one@x", "r1", "c1"), true, false},
		{"same mail by another path (other raw bytes, same content)", msg("one@x", "r2", "c1"), false, false},
		{"another mail reusing the Message-ID", msg("one@x", "r3", "c2"), true, true},
		{"legacy row without content hash", msg("old@x", "r4", ""), true, false},
		{"legacy Message-ID seen again", msg("old@x", "r5", "c5"), false, false},
		{"no Message-ID", msg("", "r6", "c6"), true, false},
		{"no Message-ID, same bytes", msg("", "r6", "c7"), false, false},
		{"no Message-ID, same content", msg("", "r8", "c6"), false, false},
	}
	for _, st := range steps {
		err := s.InTx(ctx, func(tx *store.Tx) error {
			m := st.m
			if m.MessageID.Valid {
				reused, err := tx.MessageIDReused(ctx, m.MessageID.String, m.ContentSHA256.String)
				if err != nil {
					return err
				}
				if reused != st.wantReused {
					t.Errorf("%s: reused = %v, want %v", st.name, reused, st.wantReused)
				}
			}
			_, inserted, err := tx.InsertMessage(ctx, &m)
			if err != nil {
				return err
			}
			if inserted != st.want {
				t.Errorf("%s: inserted = %v, want %v", st.name, inserted, st.want)
			}
			if !inserted {
				if _, err := tx.StoredMessage(ctx, m.MessageID.String, m.ContentSHA256.String, m.SHA256); err != nil {
					t.Errorf("%s: stored twin: %v", st.name, err)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// A mail marked in hand by another process that never cleared it is a mail
// that process died on; our own earlier attempt is not.
func TestMarkInHand(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	k := store.MailKey{Mailbox: "INBOX", UIDValidity: 7, UID: 42}
	mark := func(holder string) store.InHand {
		t.Helper()
		h, err := s.MarkInHand(ctx, k, holder)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	if h := mark("a"); h.Attempts != 0 || h.DiedOn("a") {
		t.Errorf("first mark: %+v", h)
	}
	if h := mark("a"); h.Attempts != 1 || h.DiedOn("a") {
		t.Errorf("own second attempt: %+v, want no death", h)
	}
	if h := mark("b"); h.Attempts != 2 || !h.DiedOn("b") {
		t.Errorf("after holder a vanished: %+v, want a death", h)
	}
	if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.ClearInHand(ctx, k) }); err != nil {
		t.Fatal(err)
	}
	if h := mark("b"); h.Attempts != 0 {
		t.Errorf("after clear: %+v", h)
	}
}
