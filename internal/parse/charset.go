package parse

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/unicode"
)

// charsetQuirks maps labels that the indexes do not know, or know wrongly
// for mail, to an encoding. Read only.
var charsetQuirks = map[string]encoding.Encoding{
	"utf8":             unicode.UTF8,
	"x-utf_8j":         unicode.UTF8,
	"ansi_x3.110-1983": charmap.ISO8859_1,
	"cp1252":           charmap.Windows1252,
	"win-1252":         charmap.Windows1252,
	"cp850":            charmap.CodePage850,
	"ibm850":           charmap.CodePage850,
	"cp437":            charmap.CodePage437,
}

// unknownLabels are labels that say "I don't know" (or that WHATWG maps
// to a byte-passing pseudo charset): they are treated as unknown, so the
// bytes decide (UTF-8 when valid, else windows-1252). Read only.
var unknownLabels = map[string]bool{
	"x-unknown": true, "unknown": true, "unknown-8bit": true, "x-user-defined": true,
	"default": true, "none": true, "charset": true,
}

// lookupCharset finds the decoder for a MIME charset label, nil if unknown.
// Labels are looked up the WHATWG way first (htmlindex), so that
// iso-8859-1 and us-ascii decode as windows-1252 like every mail client
// does: Outlook labels windows-1252 text as iso-8859-1.
func lookupCharset(label string) encoding.Encoding {
	label = strings.ToLower(strings.Trim(label, " \t\"'"))
	if i := strings.IndexByte(label, '*'); i >= 0 { // RFC 2231 language suffix
		label = label[:i]
	}
	if unknownLabels[label] {
		return nil
	}
	if e, ok := charsetQuirks[label]; ok {
		return e
	}
	if e, err := htmlindex.Get(label); err == nil && e != nil {
		return e
	}
	if e, err := ianaindex.MIME.Encoding(label); err == nil && e != nil {
		return e
	}
	if e, err := ianaindex.IANA.Encoding(label); err == nil && e != nil {
		return e
	}
	return nil
}

func isUTF8Label(label string) bool {
	switch strings.ToLower(strings.Trim(label, " \t\"'")) {
	case "", "utf-8", "utf8", "us-ascii", "ascii":
		return true
	}
	return false
}

// decodeCharset converts b from the labelled charset to UTF-8. It never
// fails: an unknown label or bytes that are not valid in the labelled
// charset fall back to UTF-8 when the bytes are valid UTF-8, else to
// windows-1252, and the returned warning says so ("" when all was well).
func decodeCharset(b []byte, label string) (string, string) {
	if isUTF8Label(label) {
		if utf8.Valid(b) {
			return string(b), ""
		}
		if !hasMultibyte(b) {
			return decode1252(b), "text labelled " + labelOrNone(label) + " is not UTF-8: decoded as windows-1252"
		}
		return strings.ToValidUTF8(string(b), "\uFFFD"), "invalid UTF-8 replaced"
	}
	enc := lookupCharset(label)
	if enc == nil {
		if utf8.Valid(b) {
			return string(b), "unknown charset " + quoteLabel(label) + ": decoded as UTF-8"
		}
		return decode1252(b), "unknown charset " + quoteLabel(label) + ": decoded as windows-1252"
	}
	if enc == charmap.Windows1252 || enc == charmap.ISO8859_1 {
		return decode1252(b), ""
	}
	if enc == unicode.UTF8 {
		return decodeCharset(b, "utf-8")
	}
	out, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		if utf8.Valid(b) {
			return string(b), "charset " + quoteLabel(label) + " could not decode the text: decoded as UTF-8"
		}
		return decode1252(b), "charset " + quoteLabel(label) + " could not decode the text: decoded as windows-1252"
	}
	return string(out), ""
}

func labelOrNone(label string) string {
	if label == "" {
		return "with no charset"
	}
	return quoteLabel(label)
}

func quoteLabel(label string) string {
	if len(label) > 40 {
		label = label[:40]
	}
	return "\"" + strings.ToValidUTF8(label, "?") + "\""
}

// hasMultibyte reports whether b holds at least one valid multi-byte UTF-8
// sequence: a sign that invalid bytes elsewhere are damage, not a legacy
// charset.
func hasMultibyte(b []byte) bool {
	for len(b) > 0 {
		if b[0] < utf8.RuneSelf {
			b = b[1:]
			continue
		}
		r, n := utf8.DecodeRune(b)
		if r != utf8.RuneError && n > 1 {
			return true
		}
		b = b[n:]
	}
	return false
}

// decode1252 decodes windows-1252 (a superset of the printable
// iso-8859-1) without allocating a decoder.
func decode1252(b []byte) string {
	ascii := true
	for _, c := range b {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return string(b)
	}
	var sb strings.Builder
	sb.Grow(len(b) + len(b)/4)
	for _, c := range b {
		if c < 0x80 {
			sb.WriteByte(c)
			continue
		}
		sb.WriteRune(charmap.Windows1252.DecodeByte(c))
	}
	return sb.String()
}
