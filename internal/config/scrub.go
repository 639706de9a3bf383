package config

import (
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

const redacted = "(redacted)"

// Scrubber removes secrets from text that is about to be shown or logged:
// the literal secret values it was made with (in the escaped forms a URL,
// a Go-quoted error or a key/value DSN would show them in), and any
// password in a connection string, even one it was not told about.
// The zero Scrubber still redacts connection strings.
type Scrubber struct {
	literals []string // longest first
}

// NewScrubber returns a Scrubber for these secret values; empty ones are
// ignored. Every non-empty secret is replaced, however short: a short
// password is weak, not public.
func NewScrubber(secrets ...string) *Scrubber {
	seen := map[string]bool{}
	var lits []string
	for _, s := range secrets {
		for _, v := range variants(s) {
			if v != "" && !seen[v] {
				seen[v] = true
				lits = append(lits, v)
			}
		}
	}
	sort.Slice(lits, func(i, j int) bool { return len(lits[i]) > len(lits[j]) })
	return &Scrubber{literals: lits}
}

// variants are the forms a secret takes inside URLs, quoted Go strings and
// key/value connection strings.
func variants(s string) []string {
	if s == "" {
		return nil
	}
	q := strconv.Quote(s)
	return []string{
		s,
		url.QueryEscape(s),
		url.PathEscape(s),
		strings.TrimPrefix(url.UserPassword("", s).String(), ":"),
		q[1 : len(q)-1],
		kvEscape(s), // as joinDatabasePassword writes it
	}
}

var (
	// A URL's userinfo password: scheme://user:PASSWORD@ (up to the last @
	// before white space or a quote, so that an unescaped @ or # is covered).
	urlPasswordRE = regexp.MustCompile(`([a-zA-Z][a-zA-Z0-9+.\-]*://[^\s/:@"'` + "`" + `]*):[^\s"'` + "`" + `]*@`)
	// password= and sslpassword= in a URL query or a key/value DSN, quoted
	// (with backslash escapes) or not.
	paramPasswordRE = regexp.MustCompile(`(?i)\b((?:ssl)?password\s*=\s*)('(?:[^'\\]|\\.)*'?|"(?:[^"\\]|\\.)*"?|[^\s&"'` + "`" + `]+)`)
	// lib/pq echoes the word it could not read as a key, which in a
	// malformed DSN is often the rest of a password with a space in it.
	pqMissingRE = regexp.MustCompile(`(missing "=" after )"(?:[^"\\]|\\.)*"`)
)

// String returns s with every secret replaced by "(redacted)".
func (sc *Scrubber) String(s string) string {
	if sc != nil {
		for _, lit := range sc.literals {
			s = strings.ReplaceAll(s, lit, redacted)
		}
	}
	s = urlPasswordRE.ReplaceAllString(s, "$1:"+redacted+"@")
	s = paramPasswordRE.ReplaceAllString(s, "${1}"+redacted)
	return pqMissingRE.ReplaceAllString(s, `$1"`+redacted+`"`)
}

// Error returns err with a scrubbed message; errors.Is and errors.As still
// see the original chain. A nil error stays nil.
func (sc *Scrubber) Error(err error) error {
	if err == nil {
		return nil
	}
	msg := sc.String(err.Error())
	if msg == err.Error() {
		return err
	}
	return &scrubbedError{msg: msg, err: err}
}

// Scrub returns err with the secrets and any connection-string password
// removed from its message: the one call for every database, IMAP or SMTP
// error a subcommand prints or klachtd logs.
func Scrub(err error, secrets ...string) error { return NewScrubber(secrets...).Error(err) }

type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }

// Secrets lists the secret values of this configuration (passwords, the
// database password and any PGPASSWORD from the environment), for a
// Scrubber.
func (c *Config) Secrets() []string {
	s := []string{c.IMAP.Password, c.SMTP.Password, c.Database.password, c.pgPassword, c.OAuth2.ClientSecret, c.OAuth2.RefreshToken}
	return append(s, dsnSecrets(c.Database.URL)...)
}

// Scrubber returns a Scrubber for this configuration's secrets.
func (c *Config) Scrubber() *Scrubber { return NewScrubber(c.Secrets()...) }
