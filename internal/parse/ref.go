package parse

import (
	"regexp"
	"strings"
)

var (
	refRe     = regexp.MustCompile(`(?i)\[\s*(KL-\d{4}-\d{6})\s*\]`)
	refBareRe = regexp.MustCompile(`(?i)(?:^|[^A-Za-z0-9-])(KL-\d{4}-\d{6})(?:$|[^A-Za-z0-9-])`)
	subAddrRe = regexp.MustCompile(`(?i)^[^@+]+\+(KL-\d{4}-\d{6})@`)
	prefixRe  = regexp.MustCompile(`(?i)^\s*(re|aw|antw|antwoord|sv|vs|fw|fwd|doorst|wg|tr|rif|r|wtr)\s*(\[\d+\]|\(\d+\))?\s*[:：]\s*`)
)

// RefFromSubject finds the case reference in a subject: "[KL-2026-000123]"
// anywhere, else a bare "KL-2026-000123" standing as a word (complainants
// retype it without brackets). The result is upper case; "" if none.
func RefFromSubject(s string) string {
	if m := refRe.FindStringSubmatch(s); m != nil {
		return strings.ToUpper(m[1])
	}
	if m := refBareRe.FindStringSubmatch(s); m != nil {
		return strings.ToUpper(m[1])
	}
	return ""
}

// RefFromAddress finds the case reference in a sub-address such as
// "klachten+KL-2026-000123@example.nl" (any case); "" if none.
func RefFromAddress(addr string) string {
	if m := subAddrRe.FindStringSubmatch(strings.TrimSpace(strings.Trim(addr, "<>"))); m != nil {
		return strings.ToUpper(m[1])
	}
	return ""
}

// StripSubjectPrefixes removes reply and forward prefixes (Re:, RE:, Antw:,
// AW:, Fwd:, FW:, Doorst:, WG:, SV:, "Re[2]:", …) and "[EXT]" tags from the
// start of a subject, repeatedly. For display only: threading never uses
// the stripped subject.
func StripSubjectPrefixes(s string) string {
	for i := 0; i < 20; i++ {
		if loc := prefixRe.FindStringIndex(s); loc != nil {
			s = s[loc[1]:]
			continue
		}
		if m := bracketTagIndex(s); m > 0 {
			s = s[m:]
			continue
		}
		break
	}
	return strings.TrimSpace(s)
}

// bracketTagIndex returns the end of a leading "[EXT]"-style tag, 0 if none.
func bracketTagIndex(s string) int {
	t := strings.TrimLeft(s, " \t")
	if !strings.HasPrefix(t, "[") {
		return 0
	}
	end := strings.IndexByte(t, ']')
	if end < 0 {
		return 0
	}
	switch strings.ToLower(strings.TrimSpace(t[1:end])) {
	case "ext", "extern", "external", "extern e-mail", "external email", "extern bericht":
		return len(s) - len(t) + end + 1
	}
	return 0
}
