package parse

import (
	"regexp"
	"strings"
)

// Markers of where the quoted history of a reply begins, in the languages
// complainants and handlers write in (nl, en, de, fr).
var (
	// "On Mon, 3 Nov 2026 at 10:12, Jan <jan@example.nl> wrote:", also
	// wrapped over two lines, and the Dutch/German/French forms.
	attributionRe = regexp.MustCompile(`(?i)^(on|op|am|le|el|il)\s.{0,200}\b(wrote|schreef|schrieb|geschreven|a écrit|escribió|ha scritto)\b.{0,100}:\s*$`)
	// "Jan Jansen <jan@example.nl> schreef op 3 nov. 2026 10:12:" (Apple Mail nl).
	attributionAfterRe = regexp.MustCompile(`(?i)^.{1,120}\s(wrote|schreef|schrieb)(\s+(on|op|am)\s.{1,60})?\s*:\s*$`)
	// "-----Original Message-----", "-----Oorspronkelijk bericht-----",
	// "---------- Forwarded message ---------", "Begin forwarded message:".
	separatorRe = regexp.MustCompile(`(?i)^\s*(-{2,}\s*(original message|oorspronkelijk bericht|origineel bericht|ursprüngliche nachricht|message d'origine|forwarded message|doorgestuurd bericht|weitergeleitete nachricht)\s*-{2,}|begin forwarded message:|begin doorgestuurd bericht:|_{20,})\s*$`)
	// The first line of an Outlook header block: "From: …" / "Van: …".
	headerBlockRe = regexp.MustCompile(`(?i)^\*?(from|van|von|de)\s*:\*?\s`)
	headerNextRe  = regexp.MustCompile(`(?i)^\*?(sent|date|verzonden|datum|gesendet|envoyé|to|aan|an|à|subject|onderwerp|betreff|objet)\s*:`)
	// Mobile signatures.
	mobileSigRe = regexp.MustCompile(`(?i)^(sent from|verzonden (vanaf|met|van)|verstuurd (vanaf|met|van)|gesendet von|envoyé de|get outlook for|outlook voor|download outlook)\b.{0,60}$`)
)

// newText removes quoted history and the signature from a reply's text.
// It cuts at the first of: an attribution line ("On … wrote:"), an Outlook
// separator or header block, the start of a run of "> " lines that lasts to
// the end (ignoring blank lines and text after it is kept when the quote
// is interleaved), the "-- " signature line, or a mobile signature. When
// the cut would leave nothing (a forward without a note, or top text that
// is only quotes), the unquoted lines are returned instead.
func newText(text string) string {
	lines := strings.Split(text, "\n")
	other := otherAfter(lines)
	cut := len(lines)
	for i := 0; i < len(lines) && i < cut; i++ {
		line := strings.TrimSpace(lines[i])
		if line == "" {
			continue
		}
		if isCutLine(lines, other, i, line) {
			cut = i
		}
	}
	out := strings.TrimSpace(strings.Join(lines[:cut], "\n"))
	if out == "" {
		out = strings.TrimSpace(unquoted(lines))
	}
	if out == "" {
		return ""
	}
	return out + "\n"
}

// isCutLine reports whether line i starts the quoted history or the
// signature. Cheap byte tests guard the regular expressions: this runs on
// every line of every mail.
func isCutLine(lines []string, other []int, i int, line string) bool {
	first, last := line[0], line[len(line)-1]
	lower2 := strings.ToLower(line[:min(2, len(line))])
	switch {
	case first == '>':
		return other[i] == 0
	case lines[i] == "-- " || line == "--" && i > 0 && len(lines)-i < 15:
		return true
	case (first == '-' || first == '_' || last == ':') && separatorRe.MatchString(line):
		return true
	case last == ':' && attributionRe.MatchString(line):
		return true
	case last == ':' && attributionAfterRe.MatchString(line) && nextIsQuote(lines, i+1):
		return true
	case attributionStarts[lower2] && i+1 < len(lines) && strings.HasSuffix(strings.TrimSpace(lines[i+1]), ":") &&
		attributionRe.MatchString(line+" "+strings.TrimSpace(lines[i+1])):
		return true
	case strings.IndexByte(line[:min(12, len(line))], ':') > 0 && headerBlockRe.MatchString(line) && headerBlockFollows(lines, i+1):
		return true
	case len(line) < 80 && strings.IndexByte("sSvVgGeEoOdD", first) >= 0 && mobileSigRe.MatchString(line):
		return other[i+1] <= 2
	}
	return false
}

var attributionStarts = map[string]bool{"on": true, "op": true, "am": true, "le": true, "el": true, "il": true}

func nextIsQuote(lines []string, i int) bool {
	for ; i < len(lines); i++ {
		if l := strings.TrimSpace(lines[i]); l != "" {
			return strings.HasPrefix(l, ">")
		}
	}
	return false
}

// headerBlockFollows reports whether one of the next three lines is
// another field of a quoted header block (Sent:, To:, Subject:, …).
func headerBlockFollows(lines []string, i int) bool {
	for n := 0; i < len(lines) && n < 3; i++ {
		l := strings.TrimSpace(lines[i])
		if l == "" {
			continue
		}
		if headerNextRe.MatchString(l) {
			return true
		}
		n++
	}
	return false
}

// otherAfter counts, for each line index, the lines from there to the end
// that are neither blank nor quoted ("> "): a quote that runs to the end
// starts the history; one followed by more text is an interleaved answer.
func otherAfter(lines []string) []int {
	n := make([]int, len(lines)+1)
	for i := len(lines) - 1; i >= 0; i-- {
		n[i] = n[i+1]
		if l := strings.TrimSpace(lines[i]); l != "" && l[0] != '>' {
			n[i]++
		}
	}
	return n
}

func unquoted(lines []string) string {
	var keep []string
	for _, l := range lines {
		if !strings.HasPrefix(strings.TrimSpace(l), ">") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}
