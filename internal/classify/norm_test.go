package classify

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// normByRunes is norm without its ASCII fast path: unicode's tables for
// every rune.
func normByRunes(s string, limit int) string {
	if len(s) > limit {
		s = s[:limit]
	}
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r) || r == utf8.RuneError:
			space = true
			continue
		case r == '"' || r == '\\':
			continue
		case r == '’' || r == '‘' || r == '`' || r == '´':
			r = '\''
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// The ASCII fast path of norm gives what the tables give, for every ASCII
// byte and mixed with other runes and broken UTF-8.
func TestNormFastPathMatchesTheTables(t *testing.T) {
	var all strings.Builder
	for c := range 128 {
		all.WriteByte(byte(c))
	}
	inputs := []string{all.String(), "Out OF\toffice\r\n  “Réponse” ‘x’ `y´ \u00a0\u0085ÄÖ \xff\xfe end"}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []rune{'a', 'Z', ' ', '\t', '\n', '"', '\\', '`', 'é', 'İ', '\u00a0', '’', utf8.RuneError, '0', ':'}
	for range 2000 {
		var b strings.Builder
		for range rng.IntN(40) {
			b.WriteRune(alphabet[rng.IntN(len(alphabet))])
		}
		inputs = append(inputs, b.String())
	}
	for _, in := range inputs {
		if got, want := norm(in, 1<<20), normByRunes(in, 1<<20); got != want {
			t.Fatalf("norm(%q) = %q, want %q", in, got, want)
		}
	}
}
