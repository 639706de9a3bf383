package classify

import (
	"regexp"
	"strings"

	"github.com/klachtd/klachtd/internal/parse"
)

// isOneOf compares an address with our own addresses, ignoring case and
// brackets; a sub-address (klachten+KL-2026-000001@x) is ours when the
// base address (klachten@x) is.
func isOneOf(addr string, list []string) bool {
	addr = cleanAddr(addr)
	if addr == "" {
		return false
	}
	base := addr
	if local, domain, ok := strings.Cut(addr, "@"); ok {
		if l, _, plus := strings.Cut(local, "+"); plus {
			base = l + "@" + domain
		}
	}
	for _, a := range list {
		if a = cleanAddr(a); a == addr || a == base {
			return true
		}
	}
	return false
}

// isHandler matches an address against handler entries: a full address,
// or "@domain" (also a bare "domain") for every address of that domain.
// Subdomains do not match.
func isHandler(addr string, handlers []string) bool {
	addr = cleanAddr(addr)
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return false
	}
	domain := addr[at+1:]
	for _, h := range handlers {
		h = cleanAddr(h)
		switch {
		case h == "":
		case strings.HasPrefix(h, "@"):
			if h[1:] == domain {
				return true
			}
		case !strings.Contains(h, "@"):
			if h == domain {
				return true
			}
		case h == addr:
			return true
		}
	}
	return false
}

func cleanAddr(a string) string {
	return strings.ToLower(strings.TrimSpace(strings.Trim(strings.TrimSpace(a), "<>")))
}

// senders are the addresses a bounce could come from.
func senders(m *parse.Message) []string {
	var out []string
	for _, a := range m.From {
		out = append(out, a.Address)
	}
	if m.Sender != nil {
		out = append(out, m.Sender.Address)
	}
	if m.ReturnPath != "" {
		out = append(out, m.ReturnPath)
	}
	return out
}

func hasWordPrefix(v, word string) bool {
	v = strings.ToLower(strings.TrimSpace(v))
	return v == word || strings.HasPrefix(v, word+",") || strings.HasPrefix(v, word+" ")
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

var (
	// Subjects that automatic replies start with, from Exchange, Gmail,
	// Apple and common vacation programs, in nl, en, de, fr.
	autoSubjectRe = regexp.MustCompile(`(?i)^\s*(automatisch antwoord|automatic reply|auto[- ]?reply|autoreply|out of (the )?office|afwezig(heidsmelding)?|niet aanwezig|abwesenheitsnotiz|automatische antwort|réponse automatique|absence)\b`)
	// Subjects of bounces without a report, as qmail and old Exchange send.
	bounceSubjectRe = regexp.MustCompile(`(?i)(undeliver(able|ed)|delivery (status notification|failure|has failed)|failure notice|returned mail|mail delivery failed|onbestelbaar|niet bezorgd|unzustellbar)`)
)

func looksLikeAutoReply(subject string) bool { return autoSubjectRe.MatchString(subject) }

func looksLikeBounce(subject string) bool { return bounceSubjectRe.MatchString(subject) }
