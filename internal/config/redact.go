package config

import (
	"io"
	"strings"

	"github.com/BurntSushi/toml"
)

// Redacted returns the effective configuration as TOML with every secret
// replaced, for `klachtd config check`.
func (c *Config) Redacted() string {
	r := *c
	hide := func(s *string) {
		if *s != "" {
			*s = redacted
		}
	}
	hide(&r.IMAP.Password)
	hide(&r.SMTP.Password)
	hide(&r.OAuth2.ClientSecret)
	hide(&r.OAuth2.RefreshToken)
	r.Database.URL = RedactDSN(r.Database.URL)
	var b strings.Builder
	_ = tomlEncode(&b, &r)
	return b.String()
}

func tomlEncode(w io.Writer, v any) error { return toml.NewEncoder(w).Encode(v) }
