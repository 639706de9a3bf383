package config

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode"

	"github.com/lib/pq"
)

// dsnSecretKeys are the connection parameters whose values are secret, in
// either DSN form: the password, and the passphrase of the client key
// (sslkey itself is a file name, not a secret).
var dsnSecretKeys = []string{"password", "sslpassword"}

// span is a byte range [start, end) of a DSN that holds a secret, with the
// value it stands for once unescaped.
type span struct {
	start, end int
	value      string
}

// dsnSpans finds every secret in a PostgreSQL connection string: the
// password of a URL's userinfo, password= and sslpassword= in a URL's query,
// and the same keys in the key/value form, quoted or not, with backslash
// escapes. It is lenient where lib/pq is strict: a password with an
// unescaped '#', '/' or '?' ("postgres://u:pa#ss@host") is still found, so
// that an operator's typo cannot show the password.
func dsnSpans(dsn string) []span {
	if i := strings.Index(dsn, "://"); i >= 0 && !strings.ContainsAny(dsn[:i], " =") {
		return urlSpans(dsn, i+3)
	}
	return keyValueSpans(dsn)
}

// urlSpans handles postgres://user:password@host/db?password=…; rest is the
// offset just after "://".
func urlSpans(dsn string, rest int) []span {
	var spans []span
	at := userinfoEnd(dsn, rest)
	queryFrom := rest
	if at >= 0 {
		queryFrom = at
		if c := strings.IndexByte(dsn[rest:at], ':'); c >= 0 {
			spans = append(spans, span{rest + c + 1, at, unescape(dsn[rest+c+1 : at])})
		}
	}
	q := strings.IndexByte(dsn[queryFrom:], '?')
	if q < 0 {
		return spans
	}
	off := queryFrom + q + 1
	for _, pair := range strings.Split(dsn[off:], "&") {
		k, v, ok := strings.Cut(pair, "=")
		if ok && isSecretKey(unescape(k)) && v != "" {
			start := off + len(k) + 1
			spans = append(spans, span{start, start + len(v), unescape(v)})
		}
		off += len(pair) + 1
	}
	return spans
}

// userinfoEnd returns the offset of the '@' that ends the userinfo, or -1.
// When the URL parses cleanly the authority ends at the first '/', '?' or
// '#'; when it does not, or an '@' turns up in the path or fragment (an
// unescaped '/', '?' or '#' in the password), the last '@' is taken.
func userinfoEnd(dsn string, rest int) int {
	u, err := url.Parse(dsn)
	if err == nil && !strings.Contains(u.Path, "@") && !strings.Contains(u.Fragment, "@") {
		end := len(dsn)
		if i := strings.IndexAny(dsn[rest:], "/?#"); i >= 0 {
			end = rest + i
		}
		if at := strings.LastIndexByte(dsn[rest:end], '@'); at >= 0 {
			return rest + at
		}
		return -1
	}
	if at := strings.LastIndexByte(dsn[rest:], '@'); at >= 0 {
		return rest + at
	}
	return -1
}

// keyValueSpans handles "host=h password='a b' sslpassword=x" as libpq and
// lib/pq read it: a value is single-quoted (backslash escapes \' and \\) or
// runs to the next white space (backslash escapes too). An unterminated
// quote runs to the end.
func keyValueSpans(dsn string) []span {
	var spans []span
	i := 0
	for i < len(dsn) {
		i = skipSpace(dsn, i)
		k := i
		for i < len(dsn) && dsn[i] != '=' && !isSpace(dsn[i]) {
			i++
		}
		key := dsn[k:i]
		i = skipSpace(dsn, i)
		if i >= len(dsn) || dsn[i] != '=' {
			continue // lib/pq rejects this; the next word is read as a key
		}
		i = skipSpace(dsn, i+1)
		start, end, value := kvValue(dsn, i)
		if isSecretKey(key) && end > start {
			spans = append(spans, span{start, end, value})
		}
		i = end
		if i < len(dsn) && dsn[i] == '\'' {
			i++
		}
	}
	return spans
}

// kvValue reads one value at i and returns the span of its content (inside
// the quotes, if quoted) and its unescaped text.
func kvValue(dsn string, i int) (start, end int, value string) {
	var b strings.Builder
	quoted := i < len(dsn) && dsn[i] == '\''
	if quoted {
		i++
	}
	start = i
	for i < len(dsn) {
		c := dsn[i]
		if (quoted && c == '\'') || (!quoted && isSpace(c)) {
			break
		}
		if c == '\\' && i+1 < len(dsn) {
			i++
			c = dsn[i]
		}
		b.WriteByte(c)
		i++
	}
	return start, i, b.String()
}

func skipSpace(s string, i int) int {
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	return i
}

func isSpace(c byte) bool { return c < 0x80 && unicode.IsSpace(rune(c)) }

func isSecretKey(k string) bool {
	for _, s := range dsnSecretKeys {
		if strings.EqualFold(k, s) {
			return true
		}
	}
	return false
}

// kvEscape escapes a value for a single-quoted key/value DSN parameter.
func kvEscape(s string) string { return strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) }

func unescape(s string) string {
	if v, err := url.PathUnescape(s); err == nil {
		return v
	}
	return s
}

// RedactDSN returns the connection string with every secret replaced by
// "(redacted)", in either form; everything else is kept so that an operator
// can still check host, database and options.
func RedactDSN(dsn string) string {
	spans := dsnSpans(dsn)
	var b strings.Builder
	last := 0
	for _, s := range spans {
		if s.start < last {
			continue
		}
		b.WriteString(dsn[last:s.start])
		b.WriteString(redacted)
		last = s.end
	}
	b.WriteString(dsn[last:])
	return b.String()
}

// dsnSecrets returns the secret values in dsn, both as written and unescaped.
func dsnSecrets(dsn string) []string {
	var out []string
	for _, s := range dsnSpans(dsn) {
		out = append(out, dsn[s.start:s.end], s.value)
	}
	return out
}

// validateDatabase checks database.url without ever echoing it: a URL that
// does not parse (typically a password with an unescaped '#', '/', '?' or
// '@') gets advice instead of url.Parse's message, which quotes the URL.
func (c *Config) validateDatabase() error {
	dsn := c.Database.URL
	if dsn == "" {
		return errors.New("config: database.url: missing (or set KLACHTD_DATABASE_URL)")
	}
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil || u.Fragment != "" || strings.Contains(u.Path, "@") {
			return errors.New("config: database.url: not a valid URL " +
				"(percent-encode a user name or password with @ : / ? # % in it, e.g. # as %23)")
		}
	}
	if _, err := pq.NewConfig(dsn); err != nil {
		return fmt.Errorf("config: database.url: %w", NewScrubber(dsnSecrets(dsn)...).Error(err))
	}
	return nil
}

// joinDatabasePassword puts the password from database.password_file into
// database.url: into the userinfo of a URL, or as password='…' in the
// key/value form. A URL that has a password already is an error: two
// sources for one secret leave the operator guessing which one is used.
func (c *Config) joinDatabasePassword() error {
	pw, dsn := c.Database.password, c.Database.URL
	if c.Database.PasswordFile == "" || dsn == "" {
		return nil
	}
	if len(dsnSpans(dsn)) > 0 {
		return errors.New("config: database.password_file: database.url has a password too; keep one of them")
	}
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		c.Database.URL = dsn + " password='" + kvEscape(pw) + "'"
		return nil
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return nil // validateDatabase says what is wrong, without echoing it
	}
	u.User = url.UserPassword(u.User.Username(), pw)
	c.Database.URL = u.String()
	return nil
}
