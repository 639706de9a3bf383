package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/deadline"
)

// `klachtd status` shows a delivery in flight for longer than its timeout
// (its process died mid-delivery) and exits 1 while there is one.
func TestStatusShowsAStuckDelivery(t *testing.T) {
	h := newHarness(t)
	h.now = time.Now()
	h.smtp.Close() // the acknowledgement stays queued
	h.deliver(complaint, time.Date(2026, 11, 2, 8, 12, 0, 0, deadline.Location()))
	h.runOnce()
	var id int64
	if err := h.d.Store.DB().QueryRow(`SELECT id FROM outbox WHERE kind = 'ack'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KLACHTD_DATABASE_URL", h.cfg.Database.URL)
	var out, errOut bytes.Buffer
	run(context.Background(), []string{"status"}, nil, &out, &errOut)
	if strings.Contains(out.String(), "stuck") {
		t.Fatalf("status shows a stuck delivery before there is one:\n%s", out.String())
	}
	// An instance marked it in flight 5 minutes ago, with a 2 minute timeout, and died.
	if ok, err := h.d.Store.MarkSending(context.Background(), id, time.Now().Add(-5*time.Minute), time.Now().Add(-3*time.Minute)); !ok || err != nil {
		t.Fatal(ok, err)
	}
	out.Reset()
	if code := run(context.Background(), []string{"status"}, nil, &out, &errOut); code != 1 || !strings.Contains(out.String(), "deliveries stuck     1") {
		t.Errorf("status exited %d:\n%s", code, out.String())
	}
	out.Reset()
	if code := run(context.Background(), []string{"status", "--json"}, nil, &out, &errOut); code != 1 {
		t.Errorf("status --json exited %d, want 1", code)
	}
	var st struct {
		Outbox   struct{ Stuck int } `json:"outbox"`
		Problems []string            `json:"problems"`
	}
	if err := json.Unmarshal(out.Bytes(), &st); err != nil || st.Outbox.Stuck != 1 || !strings.Contains(strings.Join(st.Problems, "\n"), "in flight") {
		t.Errorf("status --json = %s (%v)", out.String(), err)
	}
}
