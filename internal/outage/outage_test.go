package outage

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// An outage is one WARN and one INFO, however many errors it causes; an
// error while the database answers is logged as it is.
func TestOutageIsTwoLines(t *testing.T) {
	var out syncBuffer
	log := slog.New(slog.NewTextHandler(&out, nil))
	var down atomic.Bool
	m := New(log, func(context.Context) error {
		if down.Load() {
			return errors.New("connection refused")
		}
		return nil
	})
	m.every, m.settle = time.Millisecond, time.Millisecond
	defer m.Close()
	river := slog.New(m.Handler(log.Handler(), "river"))

	river.Error("producer: error fetching jobs", slog.String("error", "bad query"))
	if !strings.Contains(out.String(), "bad query") {
		t.Fatalf("an error with the database up was not logged:\n%s", out.String())
	}
	down.Store(true)
	for range 5 {
		river.Error("producer: error fetching jobs", slog.String("error", "dial unix: connection refused"))
		river.Info("an info line passes")
	}
	if !m.Report("intake_status", errors.New("record check: connection refused")) {
		t.Error("Report during an outage = false")
	}
	if !m.Down() {
		t.Fatal("not down")
	}
	down.Store(false)
	// The recovered line is written after the state flips: wait for it.
	for deadline := time.Now().Add(10 * time.Second); m.Down() || !strings.Contains(out.String(), "database_recovered"); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("recovery not noticed")
		}
	}
	got := out.String()
	for _, want := range []string{
		`level=WARN msg=database_unavailable affected=river error="producer: error fetching jobs: dial unix: connection refused"`,
		`level=INFO msg=database_recovered`, "errors_intake_status=1", "errors_river=5",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("log lacks %q:\n%s", want, got)
		}
	}
	if n := strings.Count(got, "level=ERROR"); n != 1 {
		t.Errorf("%d ERROR lines, want only the one from before the outage:\n%s", n, got)
	}
	if n := strings.Count(got, "an info line passes"); n != 5 {
		t.Errorf("%d info lines, want 5 (only WARN and above are collapsed)", n)
	}
}

// Errors in the settling time after the database answers again (River's
// completer giving up on a batch it began during the outage) count towards
// the outage instead of being logged.
func TestErrorsJustAfterTheOutageCountTowardsIt(t *testing.T) {
	var out syncBuffer
	log := slog.New(slog.NewTextHandler(&out, nil))
	var down atomic.Bool
	answered := make(chan struct{}, 100)
	m := New(log, func(context.Context) error {
		if down.Load() {
			return errors.New("connection refused")
		}
		answered <- struct{}{}
		return nil
	})
	m.every, m.settle = time.Millisecond, time.Hour
	defer m.Close()
	river := slog.New(m.Handler(log.Handler(), "river"))
	down.Store(true)
	river.Error("completer: error completing batch")
	down.Store(false)
	select {
	case <-answered:
	case <-time.After(10 * time.Second):
		t.Fatal("the database was not asked again")
	}
	river.Error("completer: too many errors; giving up")
	if got := out.String(); strings.Contains(got, "giving up") || strings.Count(got, "database_unavailable") != 1 {
		t.Errorf("an error just after the outage was logged on its own:\n%s", got)
	}
}
