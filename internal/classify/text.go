package classify

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Bounds on the text classify looks at, so that the work per mail does not
// grow with the mail: notices put their tell-tale sentences in the first
// lines, and a quoted header block is short.
const (
	textScanBytes    = 16 << 10 // of the body text, matched against phrases
	subjectScanBytes = 512      // of the subject
	headerScanBytes  = 64 << 10 // of a returned message, searched for its Message-ID
)

// norm cuts s to at most limit bytes and returns it lower-cased, with every
// run of white space as one space, typographic apostrophes as "'", and
// double quotes and backslashes dropped (so that escaped JSON reads like
// plain JSON). It is one linear pass.
func norm(s string, limit int) string {
	if len(s) > limit {
		s = s[:limit]
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if r < utf8.RuneSelf { // ASCII, most of a mail: no table look-ups
			switch {
			case r == ' ' || (r >= '\t' && r <= '\r'):
				space = true
				continue
			case r == '"' || r == '\\':
				continue
			case r == '`':
				r = '\''
			case 'A' <= r && r <= 'Z':
				r += 'a' - 'A'
			}
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteByte(byte(r))
			continue
		}
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

// normSubject normalises a subject for anchored matching: norm, then up
// to three leading "[tag]"s dropped when text follows them ("[EXTERNAL] Automatic reply: …") and
// " :" written as ":" (French typography: "Réponse automatique : …").
func normSubject(s string) string {
	s = norm(s, subjectScanBytes)
	for i := 0; i < 3 && strings.HasPrefix(s, "["); i++ {
		end := strings.IndexByte(s, ']')
		if end < 0 || strings.TrimSpace(s[end+1:]) == "" {
			break // a subject that is only a tag is kept: "[BOUNCE]"
		}
		s = strings.TrimSpace(s[end+1:])
	}
	return strings.ReplaceAll(s, " :", ":")
}

// messageIDIn finds the first Message-ID field in a block of header lines
// (a returned message, a text/rfc822-headers part, or the copy a bounce
// quotes inline) and returns the id without <>. It reads at most
// headerScanBytes and stops at the first blank line after a header field
// when header is true.
func messageIDIn(block string, header bool) string {
	if len(block) > headerScanBytes {
		block = block[:headerScanBytes]
	}
	seen := false
	for len(block) > 0 {
		line, rest, _ := strings.Cut(block, "\n")
		block = rest
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" {
			if header && seen {
				return ""
			}
			continue
		}
		seen = true
		if v, ok := fieldValue(line, "message-id:"); ok {
			for strings.TrimSpace(v) == "" && block != "" && (block[0] == ' ' || block[0] == '\t') {
				next, r, _ := strings.Cut(block, "\n")
				v, block = next, r
			}
			return cleanID(v)
		}
	}
	return ""
}

// fieldValue reports whether line is the named field (name in lower case,
// with its colon), allowing leading spaces or "> " quoting, and returns
// the value.
func fieldValue(line, name string) (string, bool) {
	line = strings.TrimLeft(line, " \t>")
	if len(line) < len(name) || !strings.EqualFold(line[:len(name)], name) {
		return "", false
	}
	return line[len(name):], true
}

// cleanID returns the msg-id inside <> (or the first word when there are
// no brackets), "" when there is none or it is implausibly long.
func cleanID(v string) string {
	v = strings.TrimSpace(v)
	if i := strings.IndexByte(v, '<'); i >= 0 {
		if j := strings.IndexByte(v[i:], '>'); j > 0 {
			v = v[i+1 : i+j]
		}
	} else if f := strings.Fields(v); len(f) > 0 {
		v = f[0]
	}
	v = strings.TrimSpace(v)
	if v == "" || len(v) > 998 || !strings.Contains(v, "@") || !utf8.ValidString(v) {
		return ""
	}
	return v
}
