package cases

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// The duplicate rule. One mail is one message row. Two mails are the same
// mail when they have the same Message-ID and the same content hash; a mail
// without a Message-ID is the same as one with the same raw bytes or the
// same content hash. A different mail that reuses a stored Message-ID (a
// broken mailer, a form that sends a fixed id, a forger) is stored as its
// own message, with a warning, and handled like any other mail.
//
// The content hash (ContentHash) covers what the author wrote: the header
// fields in authorFields, unfolded and with runs of white space made one
// space, and the body with CRLF made LF and trailing white space dropped.
// It leaves out everything a hop adds or changes on the way (Received,
// Return-Path, Delivered-To, X-Original-To, Authentication-Results, ARC-*,
// DKIM-Signature, spam and virus scanner fields, …), so the same mail
// delivered twice, by the same or another path, has one hash. It is computed
// on the raw bytes, not on what the parser made of them, so that a new
// parser never turns a mail seen again into a new complaint. Known limit: a
// relay that re-encodes the body (8bit to quoted-printable) makes a copy
// that counts as another mail.

// authorFields are the header fields the content hash covers (lower case).
var authorFields = map[string]bool{
	"from": true, "sender": true, "reply-to": true, "to": true, "cc": true, "subject": true, "date": true,
	"message-id": true, "in-reply-to": true, "references": true, "mime-version": true,
	"content-type": true, "content-transfer-encoding": true, "content-disposition": true,
}

// ContentHash is the hex SHA-256 of the author's part of raw: see above.
// Its work is linear in len(raw).
func ContentHash(raw []byte) string {
	h := sha256.New()
	fields, body := splitHeader(raw, len(raw))
	for _, f := range fields {
		name := strings.ToLower(f.name)
		if !authorFields[name] {
			continue
		}
		h.Write([]byte(name))
		h.Write([]byte{':'})
		h.Write([]byte(strings.Join(strings.Fields(string(f.value)), " ")))
		h.Write([]byte{'\n'})
	}
	h.Write([]byte{'\n'})
	body = bytes.TrimRight(body, " \t\r\n")
	for len(body) > 0 {
		i := bytes.Index(body, []byte("\r\n"))
		if i < 0 {
			h.Write(body)
			break
		}
		h.Write(body[:i])
		h.Write([]byte{'\n'})
		body = body[i+2:]
	}
	return hex.EncodeToString(h.Sum(nil))
}

// rawField is one header field as written: its name and its value with
// the folds still in it.
type rawField struct {
	name  string
	value []byte
}

// splitHeader reads the header fields of raw up to the first empty line or
// max bytes, whichever comes first, and returns them with the body after
// the empty line (nil when the header did not end within max). A line that
// is not a field ends the header. It never fails and is linear in max.
func splitHeader(raw []byte, max int) ([]rawField, []byte) {
	var fields []rawField
	for i := 0; i < len(raw) && i < max; {
		end := bytes.IndexByte(raw[i:], '\n')
		next := len(raw)
		if end >= 0 {
			next = i + end + 1
		}
		line := bytes.TrimRight(raw[i:next], "\r\n")
		switch {
		case len(line) == 0:
			return fields, raw[next:]
		case (line[0] == ' ' || line[0] == '\t') && len(fields) > 0:
			f := &fields[len(fields)-1]
			f.value = append(append(f.value, ' '), bytes.TrimSpace(line)...)
		default:
			colon := bytes.IndexByte(line, ':')
			if colon <= 0 || bytes.ContainsAny(line[:colon], " \t") {
				return fields, raw[i:]
			}
			v := bytes.TrimSpace(line[colon+1:])
			fields = append(fields, rawField{name: string(line[:colon]), value: append([]byte(nil), v...)})
		}
		i = next
	}
	return fields, nil
}
