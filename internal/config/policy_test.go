package config

import (
	"strings"
	"testing"
)

func TestManagerLevelAndDigestAreChecked(t *testing.T) {
	for _, tc := range []struct {
		m    Manager
		want string
	}{
		{Manager{Address: "m@example.nl", Level: 2, Digest: "weekly"}, ""},
		{Manager{Address: "m@example.nl", Level: 3}, "managers[0].level"},
		{Manager{Address: "m@example.nl", Digest: "hourly"}, "managers[0].digest"},
	} {
		c := &Config{Managers: []Manager{tc.m}}
		var errs []string
		c.validatePeople(func(key, format string, args ...any) { errs = append(errs, key) })
		if got := strings.Join(errs, " "); got != tc.want {
			t.Errorf("%+v: errors %q, want %q", tc.m, got, tc.want)
		}
	}
}

func TestPolicyWarningIsAConfigWarning(t *testing.T) {
	c, err := Load("", env(append(append([]string{}, minimal...), "KLACHTD_POLICY_PRESET", "awb", "KLACHTD_POLICY_RECOURSE_NAME", "de Ombudscommissie")...))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Warnings()) != 0 {
		t.Errorf("warnings for a set recourse: %v", c.Warnings())
	}
	c, err = Load("", env(append(append([]string{}, minimal...), "KLACHTD_POLICY_PRESET", "wkkgz")...))
	if err != nil {
		t.Fatal(err)
	}
	if ws := c.Warnings(); len(ws) != 1 || !strings.Contains(ws[0].String(), "policy.recourse_name") {
		t.Errorf("warnings %v, want one about policy.recourse_name", ws)
	}
}
