package cases

import (
	"bytes"
	"mime"
	"net/mail"
	"net/textproto"
	"strings"
	"unicode/utf8"

	"github.com/klachtd/klachtd/internal/parse"
	"github.com/klachtd/klachtd/internal/store"
)

// Bounds of the safe header read.
const (
	minimalHeaderBytes = 64 << 10 // only the first 64 KiB of a mail are looked at
	minimalValueBytes  = 998      // one header line at most (RFC 5322)
	minimalTextRunes   = 200      // a subject or a name is cut here
)

// minimalMessage reads only the header, from the first 64 KiB of raw, with
// nothing but the standard library, every value bounded and cleaned: From,
// Reply-To, Return-Path, Subject, Message-ID and the media type, and the
// fields as text for classify. The body is not read. It is the reading for a mail that
// must not go through the parser again (the process died on it) and for the
// quarantine row: it cannot fail and cannot take long.
func minimalMessage(raw []byte) *parse.Message {
	if bytes.HasPrefix(raw, []byte("From ")) { // an mbox separator line
		if i := bytes.IndexByte(raw, '\n'); i >= 0 && i < minimalHeaderBytes {
			raw = raw[i+1:]
		}
	}
	fields, _ := splitHeader(raw, minimalHeaderBytes)
	m := &parse.Message{Header: map[string][]string{}, Size: int64(len(raw))}
	for _, f := range fields {
		v := boundBytes(f.value, minimalValueBytes)
		switch strings.ToLower(f.name) {
		case "from":
			m.From = minimalAddresses(v)
		case "reply-to":
			m.ReplyTo = minimalAddresses(v)
		case "return-path":
			m.ReturnPath = strings.Trim(strings.TrimSpace(v), "<>")
			m.NullReturnPath = m.ReturnPath == ""
		case "subject":
			m.Subject = boundRunes(decodeWords(v), minimalTextRunes)
		case "message-id":
			m.MessageID = minimalID(v)
		case "content-type":
			mt, _, _ := strings.Cut(v, ";")
			m.ContentType = strings.ToLower(strings.TrimSpace(store.Clean(mt)))
		}
		// Every field, bounded, so that classify still finds the proof of a
		// machine (Auto-Submitted, List-Id, our loop header, …).
		m.Header[canonical(f.name)] = append(m.Header[canonical(f.name)], decodeWords(v))
	}
	m.ReplyAddress = minimalReplyAddress(m)
	m.Warnings = []string{"only the header was read (safe header read): the body was not parsed"}
	return m
}

func minimalAddresses(v string) []parse.Address {
	list, err := (&mail.AddressParser{}).ParseList(v)
	if err != nil {
		// One bare address is still usable.
		if a, err := mail.ParseAddress(strings.TrimSpace(v)); err == nil {
			list = []*mail.Address{a}
		}
	}
	var out []parse.Address
	for _, a := range list {
		name := boundRunes(store.Clean(a.Name), minimalTextRunes)
		addr := store.Clean(a.Address)
		if at := strings.LastIndexByte(addr, '@'); at > 0 {
			addr = addr[:at+1] + strings.ToLower(addr[at+1:])
		}
		out = append(out, parse.Address{Name: name, Address: addr})
	}
	return out
}

// minimalReplyAddress follows parse's rule: the first Reply-To mailbox, else
// the single From mailbox, else the Return-Path.
func minimalReplyAddress(m *parse.Message) string {
	switch {
	case len(m.ReplyTo) > 0:
		return m.ReplyTo[0].Address
	case len(m.From) == 1:
		return m.From[0].Address
	case strings.Contains(m.ReturnPath, "@"):
		return store.Clean(m.ReturnPath)
	}
	return ""
}

func minimalID(v string) string {
	v = strings.TrimSpace(v)
	if lt := strings.IndexByte(v, '<'); lt >= 0 {
		if gt := strings.IndexByte(v[lt:], '>'); gt > 0 {
			v = v[lt+1 : lt+gt]
		}
	}
	if v == "" || strings.ContainsAny(v, " \t<>") {
		return ""
	}
	return store.Clean(v)
}

// decodeWords decodes RFC 2047 words in the charsets the standard library
// knows (UTF-8, ISO-8859-1, US-ASCII); others stay as written.
func decodeWords(v string) string {
	if d, err := (&mime.WordDecoder{}).DecodeHeader(v); err == nil {
		v = d
	}
	return strings.Join(strings.Fields(store.Clean(v)), " ")
}

func boundBytes(b []byte, n int) string {
	if len(b) > n {
		b = b[:n]
	}
	return string(b)
}

func boundRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

func canonical(name string) string { return textproto.CanonicalMIMEHeaderKey(store.Clean(name)) }
