package parse

import (
	"bytes"
	"encoding/base64"
	"strings"
)

// decodeTransfer undoes the Content-Transfer-Encoding of a body. The result
// may share memory with body when there was nothing to decode; callers that
// keep it must copy. The warning is "" when all was well.
func decodeTransfer(body []byte, cte string) ([]byte, string) {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "", "7bit", "8bit", "binary", "7-bit", "8-bit":
		return body, ""
	case "base64":
		out, ok := decodeBase64(body)
		if !ok {
			return out, "broken base64 in a body part: decoded what could be read"
		}
		return out, ""
	case "quoted-printable":
		return decodeQP(body), ""
	case "x-uuencode", "x-uue", "uuencode":
		return body, "uuencoded body part left encoded"
	default:
		return body, "unknown Content-Transfer-Encoding " + quoteLabel(cte) + ": body left as is"
	}
}

// decodeBase64 decodes standard base64 with line breaks. When the fast
// decoder fails it decodes leniently: characters outside the alphabet are
// skipped, padding in the middle is ignored and a trailing partial group
// is kept as far as it goes.
func decodeBase64(src []byte) ([]byte, bool) {
	dst := make([]byte, base64.StdEncoding.DecodedLen(len(src)))
	n, err := base64.StdEncoding.Decode(dst, src)
	if err == nil {
		return dst[:n], true
	}
	out := decodeBase64Lenient(dst[:0], src)
	return out, isBase64Clean(src)
}

// isBase64Clean reports whether src only held alphabet, padding and
// whitespace: then a failure was only a missing or misplaced padding,
// which is not worth a warning.
func isBase64Clean(src []byte) bool {
	for _, c := range src {
		if b64val[c] == 0xff && c != '=' && c != '\r' && c != '\n' && c != ' ' && c != '\t' {
			return false
		}
	}
	return true
}

var b64val = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	const alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := 0; i < len(alpha); i++ {
		t[alpha[i]] = byte(i)
	}
	t['-'], t['_'] = 62, 63 // base64url, seen from broken web mailers
	return t
}()

// decodeBase64Lenient appends the decoded bytes of src to dst, skipping
// anything outside the alphabet.
func decodeBase64Lenient(dst, src []byte) []byte {
	var acc uint32
	n := 0
	for _, c := range src {
		v := b64val[c]
		if v == 0xff {
			continue
		}
		acc = acc<<6 | uint32(v)
		n++
		if n == 4 {
			dst = append(dst, byte(acc>>16), byte(acc>>8), byte(acc))
			acc, n = 0, 0
		}
	}
	switch n {
	case 2:
		dst = append(dst, byte(acc>>4))
	case 3:
		dst = append(dst, byte(acc>>10), byte(acc>>2))
	}
	return dst
}

// decodeQP decodes quoted-printable leniently: "=" not followed by two hex
// digits or a line break is kept as is, soft line breaks may have trailing
// whitespace, and trailing whitespace on hard lines is removed (RFC 2045).
func decodeQP(src []byte) []byte {
	dst := make([]byte, 0, len(src))
	for len(src) > 0 {
		line, hasEOL, crlf := src, false, false
		if i := bytes.IndexByte(src, '\n'); i >= 0 {
			line, src, hasEOL = src[:i], src[i+1:], true
			if len(line) > 0 && line[len(line)-1] == '\r' {
				line, crlf = line[:len(line)-1], true
			}
		} else {
			src = nil
		}
		line = bytes.TrimRight(line, " \t")
		soft := len(line) > 0 && line[len(line)-1] == '='
		if soft {
			line = line[:len(line)-1]
		}
		for i := 0; i < len(line); i++ {
			c := line[i]
			if c == '=' && i+2 < len(line) && isHex(line[i+1]) && isHex(line[i+2]) {
				dst = append(dst, unhex(line[i+1])<<4|unhex(line[i+2]))
				i += 2
				continue
			}
			dst = append(dst, c)
		}
		if !soft && hasEOL {
			if crlf {
				dst = append(dst, '\r')
			}
			dst = append(dst, '\n')
		}
	}
	return dst
}
