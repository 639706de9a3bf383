package metrics_test

import (
	"context"
	"errors"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/klachtd/klachtd/internal/metrics"
	"github.com/klachtd/klachtd/internal/oauth"
	"github.com/klachtd/klachtd/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// value finds the series name with labels (pairs) in a gather.
func value(t *testing.T, m *metrics.Metrics, name string, labels ...string) (float64, bool) {
	t.Helper()
	fams, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		if f.GetName() != name {
			continue
		}
		for _, s := range f.GetMetric() {
			if matches(s, labels) {
				return num(s), true
			}
		}
	}
	return 0, false
}

func matches(s *dto.Metric, labels []string) bool {
	have := map[string]string{}
	for _, l := range s.GetLabel() {
		have[l.GetName()] = l.GetValue()
	}
	for i := 0; i+1 < len(labels); i += 2 {
		if have[labels[i]] != labels[i+1] {
			return false
		}
	}
	return true
}

func num(s *dto.Metric) float64 {
	switch {
	case s.Counter != nil:
		return s.Counter.GetValue()
	case s.Gauge != nil:
		return s.Gauge.GetValue()
	case s.Histogram != nil:
		return float64(s.Histogram.GetSampleCount())
	}
	return 0
}

// TestCountersAndGauges: the counters move with the calls, the mailbox gauges
// reset on success, and the database collector reads a real database at
// scrape time and says klachtd_database_up 0, without the gauges, when it
// is gone.
func TestCountersAndGauges(t *testing.T) {
	m := metrics.New()
	m.MailHandled("processed", "complaint", 30*time.Millisecond)
	m.MailHandled("processed", "complaint", 30*time.Millisecond)
	m.MailHandled("quarantine", "quarantine", time.Millisecond)
	if v, _ := value(t, m, "klachtd_mails_handled_total", "disposition", "processed", "kind", "complaint"); v != 2 {
		t.Errorf("processed complaints = %v, want 2", v)
	}
	if v, _ := value(t, m, "klachtd_mail_handle_duration_seconds"); v != 3 {
		t.Errorf("handle duration samples = %v, want 3", v)
	}
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	m.MailboxChecked("INBOX", at, errors.New("down"))
	m.MailboxChecked("INBOX", at, errors.New("down"))
	if v, _ := value(t, m, "klachtd_mailbox_consecutive_errors", "mailbox", "INBOX"); v != 2 {
		t.Errorf("consecutive errors = %v, want 2", v)
	}
	m.MailboxChecked("INBOX", at, nil)
	if v, _ := value(t, m, "klachtd_mailbox_consecutive_errors", "mailbox", "INBOX"); v != 0 {
		t.Errorf("consecutive errors after a success = %v, want 0", v)
	}
	if v, _ := value(t, m, "klachtd_mailbox_last_success_timestamp_seconds", "mailbox", "INBOX"); v != float64(at.Unix()) {
		t.Errorf("last success = %v, want %d", v, at.Unix())
	}
	m.Delivered("reminder", "sent")
	if v, _ := value(t, m, "klachtd_deliveries_total", "kind", "reminder", "result", "sent"); v != 1 {
		t.Errorf("reminders sent = %v, want 1", v)
	}
	exp := at.Add(time.Hour)
	m.WatchTokens(func() oauth.State { return oauth.State{Expiry: exp, FetchFailures: 3, Failures: 1} })
	if v, _ := value(t, m, "klachtd_oauth2_token_expiry_timestamp_seconds"); v != float64(exp.Unix()) {
		t.Errorf("token expiry = %v", v)
	}
	if v, _ := value(t, m, "klachtd_oauth2_refresh_failures_total"); v != 3 {
		t.Errorf("refresh failures = %v, want 3", v)
	}

	st := storetest.New(t)
	m.WatchDatabase(func(ctx context.Context) (metrics.DatabaseGauges, error) {
		h, err := st.Health(ctx, time.Now())
		if err != nil {
			return metrics.DatabaseGauges{}, err
		}
		return metrics.DatabaseGauges{OpenCases: h.OpenCases, OutboxQueued: h.OutboxQueued}, nil
	})
	if v, ok := value(t, m, "klachtd_database_up"); v != 1 || !ok {
		t.Errorf("database_up = %v %v, want 1", v, ok)
	}
	if v, ok := value(t, m, "klachtd_cases", "state", "open"); v != 0 || !ok {
		t.Errorf("open cases = %v %v, want 0 present", v, ok)
	}
	st.Close()
	if v, ok := value(t, m, "klachtd_database_up"); v != 0 || !ok {
		t.Errorf("database_up with the database gone = %v %v, want 0", v, ok)
	}
	if _, ok := value(t, m, "klachtd_cases", "state", "open"); ok {
		t.Error("klachtd_cases reported while the database is gone")
	}
}
