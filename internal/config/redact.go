package config

import (
	"io"
	"net/url"
	"strings"

	"github.com/BurntSushi/toml"
)

// Redacted returns the effective configuration as TOML with every secret
// replaced, for `klachtd config check`.
func (c *Config) Redacted() string {
	r := *c
	hide := func(s *string) {
		if *s != "" {
			*s = "(redacted)"
		}
	}
	hide(&r.IMAP.Password)
	hide(&r.SMTP.Password)
	r.Database.URL = redactURL(r.Database.URL)
	var b strings.Builder
	_ = tomlEncode(&b, &r)
	return b.String()
}

// redactURL hides a password in a postgres:// URL or a key=value DSN.
func redactURL(s string) string {
	if u, err := url.Parse(s); err == nil && u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "redacted")
		}
		return u.String()
	}
	fields := strings.Fields(s)
	for i, f := range fields {
		if strings.HasPrefix(f, "password=") {
			fields[i] = "password=(redacted)"
		}
	}
	return strings.Join(fields, " ")
}

func tomlEncode(w io.Writer, v any) error { return toml.NewEncoder(w).Encode(v) }
