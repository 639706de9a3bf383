package schedule_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// The digest warns when intake has not reached the mailbox for over an hour,
// and not when it has.
func TestDigestWarnsOfAStalledIntake(t *testing.T) {
	for _, tt := range []struct {
		name    string
		lastOK  time.Time
		warning bool
	}{
		{"reached ten minutes ago", time.Date(2026, 11, 3, 8, 50, 0, 0, ams), false},
		{"not reached since last night", time.Date(2026, 11, 2, 23, 0, 0, 0, ams), true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			ctx := context.Background()
			if err := e.st.RecordCheck(ctx, "INBOX", tt.lastOK, nil); err != nil {
				t.Fatal(err)
			}
			if err := e.st.RecordCheck(ctx, "INBOX", tt.lastOK.Add(time.Minute), errors.New("mailbox: login: authentication failed")); err != nil {
				t.Fatal(err)
			}
			e.sweep(e.sweeper(), time.Date(2026, 11, 3, 9, 0, 0, 0, ams))
			digests := e.mails("digest")
			if len(digests) != 2 {
				t.Fatalf("%d digests, want one per manager", len(digests))
			}
			raw := strings.ReplaceAll(string(digests[0].Raw), "=\r\n", "")
			got := strings.Contains(raw, "bereikt de mailbox niet") && strings.Contains(raw, "authentication failed")
			if got != tt.warning {
				t.Errorf("warning in digest = %v, want %v", got, tt.warning)
			}
		})
	}
}
