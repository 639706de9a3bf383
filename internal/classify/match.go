package classify

import (
	"strings"
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
