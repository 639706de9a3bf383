package parse

import (
	"errors"
	"io"
	"mime"
	"net/mail"
	"strings"
	"unicode/utf8"
)

// parseAddressList reads an address header: net/mail first (RFC 5322 with
// groups, RFC 6854, comments), and when that fails a lenient scan that
// finds every "name <addr>" or bare addr, so a broken header still yields
// its mailboxes. Group names and empty groups give no mailboxes.
func (p *parser) parseAddressList(raw []byte, field string) []Address {
	s := unfold(raw)
	if s == "" {
		return nil
	}
	if !isASCII(s) {
		s = p.decodeHeaderText(s) // raw 8-bit: net/mail wants UTF-8
	}
	ap := mail.AddressParser{WordDecoder: &mime.WordDecoder{CharsetReader: charsetReader}}
	list, err := ap.ParseList(s)
	if err != nil {
		if strings.TrimSpace(strings.Trim(s, ":;,")) != "" || !strings.Contains(s, ":") {
			p.warnOnce(field + " header could not be parsed strictly: read leniently")
		}
		return p.lenientAddresses(s)
	}
	out := make([]Address, 0, len(list))
	for _, a := range list {
		out = append(out, Address{Name: p.cleanName(a.Name), Address: normalizeAddr(a.Address)})
	}
	return out
}

// cleanName decodes encoded words net/mail left alone (inside quotes, or
// in charsets it does not know) and trims quotes.
func (p *parser) cleanName(n string) string {
	n = strings.TrimSpace(n)
	if strings.Contains(n, "=?") {
		n, _ = decodeWords(n)
	}
	n = strings.TrimSpace(strings.Trim(n, "\"'"))
	return n
}

// lenientAddresses splits on commas and semicolons outside quotes and
// angle brackets; a piece without "@" is taken as the display name of the
// next piece (as in the broken `Jansen, Jan <jan@example.nl>`).
func (p *parser) lenientAddresses(s string) []Address {
	var out []Address
	pending := ""
	for _, piece := range splitOutside(s) {
		piece = strings.TrimSpace(piece)
		if i := strings.IndexByte(piece, ':'); i >= 0 && !strings.Contains(piece[:i], "@") && !strings.Contains(piece[:i], "<") && !strings.Contains(piece[:i], "\"") {
			piece = strings.TrimSpace(piece[i+1:]) // group name
		}
		if !strings.Contains(piece, "@") {
			// A name longer than maxPendingName is not a name; stopping
			// there keeps a header of many pieces linear.
			if piece != "" && len(pending) < maxPendingName {
				pending = strings.TrimSpace(pending + " " + piece)
			}
			continue
		}
		name, addr := splitNameAddr(piece)
		if name == "" {
			name = pending
		} else if pending != "" {
			name = pending + ", " + name
		}
		pending = ""
		out = append(out, Address{Name: p.cleanName(p.decodeHeaderText(name)), Address: normalizeAddr(addr)})
	}
	return out
}

// maxPendingName bounds the display name put together from pieces
// without an address.
const maxPendingName = 512

func splitOutside(s string) []string {
	var parts []string
	quote, angle, start := false, 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && quote:
			i++
		case c == '"':
			quote = !quote
		case c == '<' && !quote:
			angle++
		case c == '>' && !quote && angle > 0:
			angle--
		case (c == ',' || c == ';') && !quote && angle == 0:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// splitNameAddr splits `Name <addr>`, `addr (Name)` or a bare `addr`.
func splitNameAddr(piece string) (string, string) {
	if lt := strings.LastIndexByte(piece, '<'); lt >= 0 {
		addr := piece[lt+1:]
		if gt := strings.IndexByte(addr, '>'); gt >= 0 {
			addr = addr[:gt]
		}
		return strings.TrimSpace(piece[:lt]), strings.TrimSpace(addr)
	}
	name := ""
	if op := strings.IndexByte(piece, '('); op >= 0 {
		if cp := strings.IndexByte(piece[op:], ')'); cp >= 0 {
			name = piece[op+1 : op+cp]
			piece = piece[:op] + piece[op+cp+1:]
		}
	}
	for _, tok := range fieldsOutsideQuotes(piece) {
		if at := strings.LastIndexByte(tok, '@'); at >= 0 {
			local := strings.TrimLeft(tok[:at], "<'")
			if !strings.HasPrefix(local, "\"") {
				local = strings.Trim(local, "\"")
			}
			return name, local + strings.TrimRight(tok[at:], ">\"'")
		}
	}
	return name, strings.TrimSpace(piece)
}

// fieldsOutsideQuotes splits s at white space that is not inside a quoted
// string, so `"jan de vries"@example.nl` stays one field.
func fieldsOutsideQuotes(s string) []string {
	var out []string
	quote, start := false, -1
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && quote:
			i++
		case c == '"':
			quote = !quote
		case (c == ' ' || c == '\t') && !quote:
			if start >= 0 {
				out = append(out, s[start:i])
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		out = append(out, s[start:])
	}
	return out
}

// normalizeAddr strips angle brackets and a mailto: and lower-cases the
// domain; the local part is kept as written (it may be case-sensitive),
// quoted when it is not a dot-atom, so that the address can be written
// into an envelope or header as it is: `"jan de vries"@example.nl`.
func normalizeAddr(a string) string {
	a = strings.TrimSpace(strings.Trim(strings.TrimSpace(a), "<>"))
	if len(a) > 7 && strings.EqualFold(a[:7], "mailto:") {
		a = a[7:]
	}
	at := strings.LastIndexByte(a, '@')
	if at < 0 {
		return a
	}
	return quoteLocal(a[:at]) + "@" + strings.ToLower(a[at+1:])
}

// quoteLocal returns a local part in the form RFC 5321 lets it be sent:
// a dot-atom as is, anything else as a quoted string. net/mail hands back
// quoted local parts unquoted; a local part that is already quoted stays.
func quoteLocal(local string) string {
	if local == "" || isDotAtom(local) {
		return local
	}
	if len(local) >= 2 && local[0] == '"' && local[len(local)-1] == '"' && isQuotedString(local) {
		return local
	}
	var sb strings.Builder
	sb.Grow(len(local) + 4)
	sb.WriteByte('"')
	for i := 0; i < len(local); i++ {
		if c := local[i]; c == '"' || c == '\\' {
			sb.WriteByte('\\')
		}
		sb.WriteByte(local[i])
	}
	sb.WriteByte('"')
	return sb.String()
}

// isDotAtom reports whether s is an RFC 5322 dot-atom (RFC 6532: UTF-8
// allowed).
func isDotAtom(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' {
			continue
		}
		if !strings.ContainsRune("!#$%&'*+-/=?^_`{|}~", rune(c)) {
			return false
		}
	}
	return true
}

// isQuotedString reports whether s, quotes included, is one quoted
// string: no unescaped quote inside, no trailing lone backslash.
func isQuotedString(s string) bool {
	for i := 1; i < len(s)-1; i++ {
		switch s[i] {
		case '\\':
			i++
			if i >= len(s)-1 {
				return false
			}
		case '"':
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// parseIDs reads Message-ID, In-Reply-To and References: every <id>, and
// when there are no angle brackets at all, the whitespace-separated tokens
// that contain "@" (some mailers drop the brackets).
func parseIDs(raw []byte) []string {
	s := unfold(raw)
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	var ids []string
	for {
		lt := strings.IndexByte(s, '<')
		if lt < 0 {
			break
		}
		gt := strings.IndexByte(s[lt:], '>')
		if gt < 0 {
			break
		}
		if id := strings.TrimSpace(s[lt+1 : lt+gt]); id != "" && !strings.ContainsAny(id, " \t") {
			ids = append(ids, id)
		}
		s = s[lt+gt+1:]
	}
	if ids != nil {
		return ids
	}
	for _, tok := range strings.Fields(s) {
		if strings.Contains(tok, "@") && !strings.ContainsAny(tok, "()\"") {
			ids = append(ids, strings.Trim(tok, ",;"))
		}
	}
	return ids
}

// charsetReader lets net/mail decode encoded words in every charset we know.
func charsetReader(label string, r io.Reader) (io.Reader, error) {
	enc := lookupCharset(label)
	if enc == nil {
		return nil, errors.New("unknown charset " + quoteLabel(label))
	}
	return enc.NewDecoder().Reader(r), nil
}
