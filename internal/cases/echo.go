package cases

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/klachtd/klachtd/internal/store"
)

// Bounds on what a mail to a complainant repeats of their own words: enough
// to recognise the complaint, too little to carry someone else's message.
const (
	maxEchoSubject = 80 // characters of the subject
	maxEchoName    = 60 // characters of the name
)

// echoCase returns a copy of c whose complainant name is fit to repeat, and
// the subject likewise; the stored case keeps both in full.
func echoCase(c *store.Case) (*store.Case, string) {
	cc := *c
	cc.ComplainantName = echo(c.ComplainantName, maxEchoName)
	return &cc, echo(c.Subject, maxEchoSubject)
}

// echo makes a text from an incoming mail fit to repeat to an address we
// cannot verify: control characters and runs of white space become one
// space; every word that looks like a link, an address or a domain name
// ("https://…", "www.…", "x@y", "prize.example", "prize[.]example",
// "bit.ly/x") becomes "…"; and the result is cut to max characters.
func echo(s string, max int) string {
	s = dotLookalikes.Replace(s)
	words := strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) })
	var out []string
	n := 0 // runes so far: stop once past max, the rest would be cut anyway
	for _, w := range words {
		if n > max {
			break
		}
		if looksLikeLink(w) {
			if len(out) > 0 && out[len(out)-1] == "…" {
				continue
			}
			w = "…"
		}
		out = append(out, w)
		n += utf8.RuneCountInString(w) + 1
	}
	return truncate(strings.Join(out, " "), max)
}

// dotLookalikes turns the ways of writing a dot that a reader still takes
// for one into a dot, so that "prize[.]example" is seen for a domain.
var dotLookalikes = strings.NewReplacer("[.]", ".", "(.)", ".", "{.}", ".", "[dot]", ".", "(dot)", ".",
	"\uff0e", ".", "\u3002", ".", "\uff61", ".", "\u2024", ".", "\ufe52", ".")

// looksLikeLink reports whether a word is, or hides, a URL, a mail address
// or a domain name.
func looksLikeLink(w string) bool {
	lw := strings.ToLower(w)
	if strings.Contains(lw, "://") || strings.Contains(lw, "@") || strings.Contains(lw, "www.") {
		return true
	}
	for _, scheme := range []string{"http:", "https:", "mailto:", "ftp:", "javascript:", "data:"} {
		if strings.Contains(lw, scheme) {
			return true
		}
	}
	host := strings.TrimFunc(lw, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
	if i := strings.IndexAny(host, "/?#:"); i >= 0 {
		host = host[:i]
	}
	return looksLikeDomain(host)
}

// looksLikeDomain: at least two dot-separated labels of letters, digits and
// hyphens, the last of two or more letters (or an IDN "xn--" label).
func looksLikeDomain(h string) bool {
	labels := strings.Split(h, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || strings.IndexFunc(l, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) && r != '-' }) >= 0 {
			return false
		}
	}
	tld := labels[len(labels)-1]
	if strings.HasPrefix(tld, "xn--") {
		return true
	}
	return utf8.RuneCountInString(tld) >= 2 && strings.IndexFunc(tld, func(r rune) bool { return !unicode.IsLetter(r) }) < 0
}

// truncate cuts s to at most max characters, ending in "…" when cut.
func truncate(s string, max int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:max-1])) + "…"
}
