package schedule_test

import (
	"strings"
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/config"
	"github.com/klachtd/klachtd/internal/schedule"
)

func baseEnv(extra map[string]string) func(string) string {
	env := map[string]string{
		"KLACHTD_DATABASE_URL": "postgres://x@localhost/x", "KLACHTD_IMAP_ADDRESS": "imap.example.nl:993",
		"KLACHTD_IMAP_USERNAME": "klachten", "KLACHTD_SMTP_ADDRESS": "smtp.example.nl:587",
		"KLACHTD_INTAKE_ADDRESS": "klachten@example.nl",
	}
	for k, v := range extra {
		env[k] = v
	}
	return func(k string) string { return env[k] }
}

func TestScheduleConfig(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		wantErr string // "" = valid
		check   func(schedule.Options) bool
	}{
		{"defaults", nil, "", func(o schedule.Options) bool {
			return o.DigestHour == 8 && o.DigestMinute == 0 && o.DueSoonWorkingDays == 5 && o.Interval == time.Minute && !o.DigestEveryDay
		}},
		{"set", map[string]string{"KLACHTD_SCHEDULE_DIGEST_TIME": "07:45", "KLACHTD_SCHEDULE_DUE_SOON_WORKING_DAYS": "3",
			"KLACHTD_SCHEDULE_SWEEP_INTERVAL": "30s", "KLACHTD_SCHEDULE_DIGEST_EVERY_DAY": "true"}, "", func(o schedule.Options) bool {
			return o.DigestHour == 7 && o.DigestMinute == 45 && o.DueSoonWorkingDays == 3 && o.Interval == 30*time.Second && o.DigestEveryDay
		}},
		{"bad time", map[string]string{"KLACHTD_SCHEDULE_DIGEST_TIME": "8 uur"}, "schedule.digest_time", nil},
		{"bad days", map[string]string{"KLACHTD_SCHEDULE_DUE_SOON_WORKING_DAYS": "-1"}, "schedule.due_soon_working_days", nil},
		{"bad interval", map[string]string{"KLACHTD_SCHEDULE_SWEEP_INTERVAL": "10ms"}, "schedule.sweep_interval", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := config.Load("", baseEnv(tt.env))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one naming %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if o := schedule.OptionsFromConfig(c); !tt.check(o) {
				t.Errorf("options %+v", o)
			}
		})
	}
}

func TestStaffFromConfig(t *testing.T) {
	c := &config.Config{
		Handlers: []config.Handler{{Name: "A", Address: "a@x.nl"}, {Name: "B", Address: "b@x.nl", Default: true}},
		Managers: []config.Manager{{Name: "M", Address: "m@x.nl"}},
	}
	st := schedule.StaffFromConfig(c)
	if st.DefaultHandler.Address != "b@x.nl" || len(st.Handlers) != 2 || len(st.Managers) != 1 {
		t.Errorf("staff %+v", st)
	}
	c.Handlers[1].Default = false
	if st := schedule.StaffFromConfig(c); st.DefaultHandler.Address != "a@x.nl" {
		t.Errorf("without a default, the first handler: got %+v", st.DefaultHandler)
	}
}
