package config

import (
	"strings"
	"testing"
)

func TestCapsHaveDefaults(t *testing.T) {
	c, err := Load("", env(minimal...))
	if err != nil {
		t.Fatal(err)
	}
	got := []int{c.Intake.AcksPerMailboxPerDay, c.Intake.AcksPerDomainPerHour, c.Intake.AcksPerHour, c.Intake.NoticesPerHandlerPerDay}
	want := []int{3, 100, 1000, 10}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("caps = %v, want %v", got, want)
			break
		}
	}
}

func TestCapsFromEnvironmentAndValidated(t *testing.T) {
	c, err := Load("", env(append(minimal, "KLACHTD_INTAKE_ACKS_PER_HOUR", "50")...))
	if err != nil || c.Intake.AcksPerHour != 50 {
		t.Fatalf("acks_per_hour from the environment: %v, %v", c, err)
	}
	for _, key := range []string{"acks_per_mailbox_per_day", "acks_per_domain_per_hour", "acks_per_hour", "notices_per_handler_per_day"} {
		t.Run(key, func(t *testing.T) {
			_, err := Load("", env(append(minimal, "KLACHTD_INTAKE_"+strings.ToUpper(key), "-1")...))
			if err == nil || !strings.Contains(err.Error(), "intake."+key) {
				t.Errorf("error %v, want one naming intake.%s", err, key)
			}
		})
	}
}
