package config

import (
	"strings"
	"testing"
)

func TestChannelsConfig(t *testing.T) {
	base := func() *Config {
		c := &Config{Handlers: []Handler{{Name: "Bea", Address: "bea@example.nl"}}}
		c.Form.setDefaults()
		return c
	}
	check := func(c *Config) []string {
		var keys []string
		c.validateChannels(func(key, format string, args ...any) { keys = append(keys, key) })
		return keys
	}
	if keys := check(base()); len(keys) != 0 {
		t.Errorf("a plain config is refused: %v", keys)
	}
	for _, tc := range []struct {
		name string
		mod  func(*Config)
		key  string
	}{
		{"registrar address", func(c *Config) { c.Registrars = []Registrar{{Address: "Balie <balie@example.nl>"}} }, "registrars[0].address"},
		{"registrar is a handler", func(c *Config) { c.Registrars = []Registrar{{Address: "BEA@example.nl"}} }, "registrars[0].address"},
		{"regulation url", func(c *Config) { c.Form.RegulationURL = "javascript:alert(1)" }, "form.regulation_url"},
		{"unknown label field", func(c *Config) { c.Form.Labels = map[string][]string{"adres": {"Adres"}} }, "form.labels.adres"},
		{"form without listener", func(c *Config) { c.Form.Enabled = true }, "form.enabled"},
		{"negative limit", func(c *Config) { c.Form.MaxAttachments = -1 }, "form"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := base()
			tc.mod(c)
			if keys := check(c); strings.Join(keys, ",") != tc.key {
				t.Errorf("refused keys %v, want %s", keys, tc.key)
			}
		})
	}
	c := base()
	if c.Form.MaxAttachments != 5 || c.Form.MaxAttachmentBytes != 10<<20 || c.Form.MaxBodyBytes != 5*10<<20+1<<20 || c.Form.SubmissionsPerHour != 5 {
		t.Errorf("defaults = %+v", c.Form)
	}
}
