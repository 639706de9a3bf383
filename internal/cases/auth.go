package cases

import (
	"strings"

	"github.com/klachtd/klachtd/internal/parse"
)

// authenticated reports whether a handler's mail may be trusted: always when
// no trusted receiving host is configured (From is then all there is — the
// README says so), otherwise only with dkim=pass or spf=pass in an
// Authentication-Results header (RFC 8601) written by that host. Headers from
// other hosts are ignored: anyone can write one.
func authenticated(msg *parse.Message, trustedID string) (bool, string) {
	if trustedID == "" {
		return true, ""
	}
	for _, v := range headerValues(msg, "Authentication-Results") {
		id, results, _ := strings.Cut(v, ";")
		if !strings.EqualFold(strings.TrimSpace(firstWord(id)), trustedID) {
			continue
		}
		for _, r := range strings.Split(results, ";") {
			method, rest, _ := strings.Cut(strings.TrimSpace(r), "=")
			result := strings.ToLower(firstWord(rest))
			if (strings.EqualFold(method, "dkim") || strings.EqualFold(method, "spf")) && result == "pass" {
				return true, ""
			}
		}
		return false, "Authentication-Results of " + trustedID + " has no dkim=pass or spf=pass"
	}
	return false, "no Authentication-Results from " + trustedID
}

func firstWord(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

func headerValues(msg *parse.Message, name string) []string {
	for k, vs := range msg.Header {
		if strings.EqualFold(k, name) {
			return vs
		}
	}
	return nil
}
