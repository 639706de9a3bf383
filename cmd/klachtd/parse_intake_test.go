package main

import (
	"strings"
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/deadline"
)

// TestNULInSubjectDoesNotStallTheQueue: a subject with an encoded NUL
// (=?utf-8?q?hallo=00daar?=) once failed the insert and the quarantine
// insert alike, and every mail behind it waited. It is now stored, opens a
// case and is acknowledged; the complaint after it is acknowledged once.
func TestNULInSubjectDoesNotStallTheQueue(t *testing.T) {
	h := newHarness(t)
	at := time.Date(2026, 11, 2, 8, 0, 0, 0, deadline.Location())
	nul := strings.NewReplacer("Subject: Overlast bouwplaats", "Subject: =?utf-8?q?hallo=00daar?=",
		"<complaint-1@", "<nul-1@", "Sinds drie", "Sinds\x00 drie").Replace(complaint)
	h.deliver(nul, at)
	h.deliver(complaint, at.Add(time.Minute))
	h.runOnce()
	if n := h.count(`SELECT count(*) FROM messages WHERE message_id = 'nul-1@example.nl' AND subject = 'hallo' || chr(65533) || 'daar'`); n != 1 {
		t.Errorf("the NUL mail is not stored with U+FFFD for the NUL")
	}
	if n := h.count(`SELECT count(*) FROM cases`); n != 2 {
		t.Errorf("%d cases, want 2", n)
	}
	if n := h.count(`SELECT count(*) FROM outbox WHERE kind = 'ack'`); n != 2 {
		t.Errorf("%d acknowledgements, want one per complaint", n)
	}
	if in, p := h.folder("INBOX"), h.folder("Processed"); in != 0 || p != 2 {
		t.Errorf("INBOX %d, Processed %d; want 0, 2", in, p)
	}
}

// TestQuotedLocalPartIsAComplainant: `"jan de vries"@example.nl` is a
// valid address; parse keeps its quotes, so the intake stores it and the
// acknowledgement can be sent to it. The complaint after it is
// acknowledged once.
func TestQuotedLocalPartIsAComplainant(t *testing.T) {
	h := newHarness(t)
	at := time.Date(2026, 11, 2, 8, 0, 0, 0, deadline.Location())
	quoted := strings.NewReplacer("From: Jan de Vries <jan@example.nl>", `From: "jan de vries"@example.nl`,
		"<complaint-1@", "<quoted-1@").Replace(complaint)
	h.deliver(quoted, at)
	h.deliver(complaint, at.Add(time.Minute))
	h.runOnce()
	if n := h.count(`SELECT count(*) FROM cases WHERE complainant_address = '"jan de vries"@example.nl'`); n != 1 {
		t.Errorf("no case for the quoted address")
	}
	if n := h.count(`SELECT count(*) FROM cases`); n != 2 {
		t.Errorf("%d cases, want 2", n)
	}
	if n := h.count(`SELECT count(*) FROM outbox WHERE kind = 'ack'`); n != 2 {
		t.Errorf("%d acknowledgements, want one per complaint", n)
	}
	if in, p := h.folder("INBOX"), h.folder("Processed"); in != 0 || p != 2 {
		t.Errorf("INBOX %d, Processed %d; want 0, 2", in, p)
	}
}
