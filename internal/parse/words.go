package parse

import (
	"strings"
	"unicode/utf8"
)

// decodeHeaderText turns a raw (unfolded) header value into UTF-8 text:
// raw 8-bit bytes are decoded as the fallback charset, RFC 2047 encoded
// words are decoded. Adjacent encoded words in one charset are joined
// before charset conversion, so a character split over two words (as some
// mailers do) survives. Whitespace between encoded words is dropped.
func (p *parser) decodeHeaderText(s string) string {
	if !utf8.ValidString(s) {
		out, _ := decodeCharset([]byte(s), p.fallbackCharset())
		p.warnOnce("raw 8-bit bytes in header: decoded as " + p.fallbackCharset())
		s = out
	}
	if !strings.Contains(s, "=?") {
		return s
	}
	out, bad := decodeWords(s)
	if bad != "" {
		p.warnOnce(bad)
	}
	return out
}

// decodeWords decodes the RFC 2047 encoded words in s. It returns a warning
// when a word's charset was unknown.
func decodeWords(s string) (string, string) {
	var sb strings.Builder
	sb.Grow(len(s))
	var warn string
	var pend []byte // decoded bytes of the current run of words
	pendCharset := ""
	flush := func() {
		if pend == nil {
			return
		}
		text, w := decodeCharset(pend, pendCharset)
		if w != "" && warn == "" {
			warn = "encoded word: " + w
		}
		sb.WriteString(text)
		pend, pendCharset = nil, ""
	}
	for {
		i := strings.Index(s, "=?")
		if i < 0 {
			break
		}
		charset, data, n, ok := parseWord(s[i:])
		if n < 0 {
			break // no "?=" anywhere after: no word can follow
		}
		if !ok {
			flush()
			sb.WriteString(s[:i+2])
			s = s[i+2:]
			continue
		}
		between := s[:i]
		if pend != nil && strings.TrimLeft(between, " \t") == "" && strings.EqualFold(charset, pendCharset) {
			// Same run: join the bytes, drop the whitespace.
		} else {
			if pend != nil && strings.TrimLeft(between, " \t") == "" {
				between = "" // whitespace between words of different charsets
			}
			flush()
			sb.WriteString(between)
			pendCharset = charset
		}
		pend = append(pend, data...)
		s = s[i+n:]
	}
	flush()
	sb.WriteString(s)
	return sb.String(), warn
}

// parseWord parses one encoded word at the start of s ("=?cs?Q?text?=") and
// returns its charset, decoded bytes and length. n is -1 when s holds no
// "?=" at all, so that the caller stops looking: searching for the end
// again at every "=?" would make a header of broken words quadratic.
func parseWord(s string) (charset string, data []byte, n int, ok bool) {
	rest := s[2:]
	q1 := strings.IndexByte(rest, '?')
	if q1 <= 0 || q1 > 64 || strings.ContainsAny(rest[:q1], " \t") {
		return "", nil, 0, false
	}
	charset = rest[:q1]
	if j := strings.IndexByte(charset, '*'); j >= 0 {
		charset = charset[:j] // RFC 2231 language
	}
	rest = rest[q1+1:]
	if len(rest) < 2 || rest[1] != '?' {
		return "", nil, 0, false
	}
	enc := rest[0] | 0x20
	if enc != 'b' && enc != 'q' {
		return "", nil, 0, false
	}
	rest = rest[2:]
	end := strings.Index(rest, "?=")
	if end < 0 {
		return "", nil, -1, false
	}
	text := rest[:end]
	n = 2 + q1 + 1 + 2 + end + 2
	switch enc {
	case 'b':
		data = decodeBase64Lenient(nil, []byte(text))
	default:
		data = decodeQWord(text)
	}
	return charset, data, n, true
}

// decodeQWord decodes the Q encoding of RFC 2047: "_" is a space.
func decodeQWord(s string) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_':
			out = append(out, ' ')
		case c == '=' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			out = append(out, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		default:
			out = append(out, c)
		}
	}
	return out
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}
