package parse

import (
	"sort"
	"strconv"
	"strings"
)

// parseMediaValue splits a Content-Type or Content-Disposition value into
// its lower-case value and its parameters. It is lenient where mail in the
// wild is broken (unquoted values with spaces, missing semicolons before
// the end, unterminated quotes) and implements RFC 2231 continuations and
// charsets (filename*0*=iso-8859-1”…; any charset, not just UTF-8), which
// mime.ParseMediaType does not. Parameter values are returned decoded to
// UTF-8; RFC 2047 words inside quoted values are decoded too, as Outlook
// and Gmail write them.
func (p *parser) parseMediaValue(v string) (string, map[string]string) {
	value, rest, _ := strings.Cut(v, ";")
	value = strings.ToLower(strings.TrimSpace(strings.ToValidUTF8(value, "?")))
	if rest == "" {
		return value, nil
	}
	params := map[string]string{}
	var ext map[string][]section
	for rest != "" {
		rest = strings.TrimLeft(rest, " \t;")
		eq := strings.IndexByte(rest, '=')
		if eq < 0 {
			break
		}
		name := strings.ToLower(strings.TrimSpace(rest[:eq]))
		var val string
		val, rest = paramValue(strings.TrimLeft(rest[eq+1:], " \t"))
		if name == "" || strings.ContainsAny(name, " \t\"") {
			continue
		}
		if base, sec, ok := splitSection(name, val); ok {
			if ext == nil {
				ext = map[string][]section{}
			}
			ext[base] = append(ext[base], sec)
			continue
		}
		if _, dup := params[name]; !dup {
			params[name] = val
		}
	}
	for base, secs := range ext {
		params[base] = p.joinSections(secs)
	}
	for k, val := range params {
		params[k] = p.decodeHeaderText(val)
	}
	return value, params
}

// paramValue reads one parameter value and returns it and the rest.
func paramValue(s string) (string, string) {
	if strings.HasPrefix(s, "\"") {
		var sb strings.Builder
		for i := 1; i < len(s); i++ {
			switch c := s[i]; c {
			case '\\':
				// An escape only before a quote or backslash: Windows
				// mailers put unescaped paths in quoted file names.
				if i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\') {
					i++
				}
				sb.WriteByte(s[i])
			case '"':
				return sb.String(), s[i+1:]
			default:
				sb.WriteByte(c)
			}
		}
		return sb.String(), "" // unterminated quote
	}
	if i := strings.IndexByte(s, ';'); i >= 0 {
		return strings.TrimSpace(s[:i]), s[i+1:]
	}
	return strings.TrimSpace(s), ""
}

// section is one piece of an RFC 2231 parameter.
type section struct {
	index    int
	extended bool // value is charset'lang'%XX-encoded (first) or %XX-encoded
	value    string
}

// splitSection recognises "name*", "name*N" and "name*N*".
func splitSection(name, val string) (string, section, bool) {
	star := strings.IndexByte(name, '*')
	if star < 0 {
		return "", section{}, false
	}
	base, suffix := name[:star], name[star+1:]
	if suffix == "" {
		return base, section{index: 0, extended: true, value: val}, true
	}
	extended := strings.HasSuffix(suffix, "*")
	suffix = strings.TrimSuffix(suffix, "*")
	n, err := strconv.Atoi(suffix)
	if err != nil || n < 0 || n > 1000 {
		return "", section{}, false
	}
	return base, section{index: n, extended: extended, value: val}, true
}

// joinSections puts an RFC 2231 parameter together: the charset comes from
// the first section, percent-escapes are undone in extended sections, and
// the bytes are converted to UTF-8 once, at the end.
func (p *parser) joinSections(secs []section) string {
	sort.SliceStable(secs, func(i, j int) bool { return secs[i].index < secs[j].index })
	var raw []byte
	charset := ""
	for i, s := range secs {
		v := s.value
		if s.extended {
			if i == 0 {
				if cs, rest, ok := strings.Cut(v, "'"); ok {
					if _, after, ok := strings.Cut(rest, "'"); ok {
						charset, v = cs, after
					}
				}
			}
			raw = append(raw, percentDecode(v)...)
			continue
		}
		raw = append(raw, v...)
	}
	if charset == "" {
		charset = "utf-8"
	}
	text, w := decodeCharset(raw, charset)
	if w != "" {
		p.warnOnce("RFC 2231 parameter: " + w)
	}
	return text
}

func percentDecode(s string) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			out = append(out, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		out = append(out, s[i])
	}
	return out
}
