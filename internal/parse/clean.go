package parse

import (
	"strings"
	"unicode/utf8"
)

// CleanText returns s as valid UTF-8 without NUL bytes: invalid sequences
// and NUL become U+FFFD. Everything Parse hands out already passed through
// it; the store cleans every text it writes again (store.Clean), as the
// last line of defence (PostgreSQL rejects NUL and invalid UTF-8 in text and JSON).
// It does not allocate when s is already clean.
func CleanText(s string) string {
	if strings.IndexByte(s, 0) < 0 && utf8.ValidString(s) {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.ReplaceAll(s, "\x00", "\uFFFD")
}

// cleanLine is CleanText for a single-line field (a header value, a name,
// an address, a file name, a warning): C0 control characters other than
// tab and DEL are dropped, and CR and LF become a space, so that the value
// can never break a header line or a log line when it is echoed.
func cleanLine(s string) string {
	s = CleanText(s)
	if !hasControl(s) {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\r' || r == '\n':
			return ' '
		case r == '\t':
			return r
		case r < 0x20 || r == 0x7f:
			return -1
		}
		return r
	}, s)
}

func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\t' || c == 0x7f {
			return true
		}
	}
	return false
}

func cleanLines(list []string) {
	for i, s := range list {
		list[i] = cleanLine(s)
	}
}

func cleanAddresses(list []Address) {
	for i := range list {
		list[i].Name = cleanLine(list[i].Name)
		list[i].Address = cleanLine(list[i].Address)
	}
}

// sanitize makes every text of the message valid UTF-8 without NUL, and
// every single-line field free of control characters. It runs last in
// Parse, also after a recovered panic, so no decoding path can let a bad
// byte through. Raw bytes (Attachment.Data) are left alone.
func (m *Message) sanitize() {
	m.MessageID = cleanLine(m.MessageID)
	cleanLines(m.InReplyTo)
	cleanLines(m.References)
	for _, list := range [][]Address{m.From, m.ReplyTo, m.To, m.Cc} {
		cleanAddresses(list)
	}
	if m.Sender != nil {
		m.Sender.Name, m.Sender.Address = cleanLine(m.Sender.Name), cleanLine(m.Sender.Address)
	}
	m.ReplyAddress = cleanLine(m.ReplyAddress)
	m.ReturnPath = cleanLine(m.ReturnPath)
	m.Subject = cleanLine(m.Subject)
	m.Text = CleanText(m.Text)
	m.NewText = CleanText(m.NewText)
	for i := range m.Attachments {
		a := &m.Attachments[i]
		a.Filename, a.ContentType, a.ContentID = cleanLine(a.Filename), cleanLine(a.ContentType), cleanLine(a.ContentID)
	}
	m.CaseRef = cleanLine(m.CaseRef)
	for _, vs := range m.Header { // keys are printable ASCII (validFieldName)
		cleanLines(vs)
	}
	m.ContentType = cleanLine(m.ContentType)
	if r := m.Report; r != nil {
		for _, f := range []*string{&r.ReportType, &r.Action, &r.Status, &r.Recipient, &r.OriginalMessageID, &r.Disposition, &r.DiagnosticCode} {
			*f = cleanLine(*f)
		}
	}
	cleanLines(m.Warnings)
}
