package parse

import (
	"bytes"
	"net/textproto"
	"strings"
)

// field is one header field as it appears in the mail: its name and the raw
// value span, still folded and possibly holding 8-bit bytes.
type field struct {
	name string // canonical
	raw  []byte
}

// header is the fields of one entity, in order.
type header []field

// get returns the raw value of the first field with the canonical name.
func (h header) get(name string) []byte {
	for _, f := range h {
		if f.name == name {
			return f.raw
		}
	}
	return nil
}

// has reports whether a field with the canonical name exists.
func (h header) has(name string) bool {
	for _, f := range h {
		if f.name == name {
			return true
		}
	}
	return false
}

// getString returns the first field's value unfolded and trimmed, without
// any decoding: for structured fields such as Content-Type.
func (h header) getString(name string) string {
	return unfold(h.get(name))
}

// readHeader splits b into the header fields and the body that follows the
// first empty line. It tolerates LF line ends, an mbox "From " line, a
// missing empty line (the first line that is not a field starts the body)
// and whitespace before the colon. Fields past maxBytes are dropped and
// reported through tooLarge.
func readHeader(b []byte, maxBytes int) (h header, body []byte, noBlank, tooLarge bool, junk int) {
	i, lastStart := 0, 0
	for i < len(b) {
		end := bytes.IndexByte(b[i:], '\n')
		next := len(b)
		if end >= 0 {
			end += i
			next = end + 1
		} else {
			end = len(b)
		}
		line := b[i:end]
		if len(line) > 0 && line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
		if len(line) == 0 {
			return h, b[next:], false, tooLarge, junk
		}
		if i > maxBytes {
			tooLarge = true
			// Skip to the end of the header without keeping anything.
			i = next
			continue
		}
		if (line[0] == ' ' || line[0] == '\t') && len(h) > 0 {
			// Extend the last field's span to the end of this line: the
			// span is contiguous in b, folds included.
			h[len(h)-1].raw = b[lastStart:end]
			i = next
			continue
		}
		colon := bytes.IndexByte(line, ':')
		name := line
		if colon > 0 {
			name = bytes.TrimRight(line[:colon], " \t")
		}
		if colon <= 0 || !validFieldName(name) {
			if len(h) == 0 && i == 0 && bytes.HasPrefix(line, []byte("From ")) {
				i = next // mbox separator line
				continue
			}
			if len(h) == 0 {
				junk++
				if junk > 3 {
					return nil, b, true, tooLarge, junk
				}
				i = next
				continue
			}
			return h, b[i:], true, tooLarge, junk
		}
		lastStart = i + colon + 1
		h = append(h, field{name: canonicalName(name), raw: b[lastStart:end]})
		i = next
	}
	return h, nil, false, tooLarge, junk
}

func validFieldName(name []byte) bool {
	if len(name) == 0 {
		return false
	}
	for _, c := range name {
		if c <= ' ' || c >= 0x7f {
			return false
		}
	}
	return true
}

// commonNames avoids allocating for the field names nearly every mail has,
// in their canonical spelling. Read only.
var commonNames = map[string]string{
	"Received":                   "Received",
	"Return-Path":                "Return-Path",
	"From":                       "From",
	"To":                         "To",
	"Cc":                         "Cc",
	"Subject":                    "Subject",
	"Date":                       "Date",
	"Message-Id":                 "Message-Id",
	"In-Reply-To":                "In-Reply-To",
	"References":                 "References",
	"Reply-To":                   "Reply-To",
	"Sender":                     "Sender",
	"Mime-Version":               "Mime-Version",
	"Content-Type":               "Content-Type",
	"Content-Transfer-Encoding":  "Content-Transfer-Encoding",
	"Content-Disposition":        "Content-Disposition",
	"Content-Id":                 "Content-Id",
	"Dkim-Signature":             "Dkim-Signature",
	"Authentication-Results":     "Authentication-Results",
	"X-Mailer":                   "X-Mailer",
	"Delivered-To":               "Delivered-To",
	"Thread-Topic":               "Thread-Topic",
	"Thread-Index":               "Thread-Index",
	"Content-Language":           "Content-Language",
	"X-Ms-Has-Attach":            "X-Ms-Has-Attach",
	"Arc-Seal":                   "Arc-Seal",
	"Arc-Message-Signature":      "Arc-Message-Signature",
	"Arc-Authentication-Results": "Arc-Authentication-Results",
	"Received-Spf":               "Received-Spf",
	"List-Id":                    "List-Id",
	"Auto-Submitted":             "Auto-Submitted",
	"Precedence":                 "Precedence",
}

// canonicalName is textproto.CanonicalMIMEHeaderKey without an allocation
// for the common names.
func canonicalName(b []byte) string {
	if n, ok := commonNames[string(b)]; ok {
		return n
	}
	return textproto.CanonicalMIMEHeaderKey(string(b))
}

// unfold removes the line breaks of folded header lines and trims the value.
func unfold(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	if bytes.IndexByte(raw, '\n') < 0 && bytes.IndexByte(raw, '\r') < 0 {
		return string(raw)
	}
	var sb strings.Builder
	sb.Grow(len(raw))
	for _, c := range raw {
		if c != '\r' && c != '\n' {
			sb.WriteByte(c)
		}
	}
	return sb.String()
}
