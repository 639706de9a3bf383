package cases

import (
	"github.com/klachtd/klachtd/internal/parse"
	"github.com/klachtd/klachtd/internal/store"
)

// cleanMessage makes every text the parser found storable (store.Clean:
// valid UTF-8, no NUL) before anything reads it, so that one NUL byte in a
// subject, a name, a Message-ID or a body cannot fail a query, a template or
// an insert. The store cleans again on the way in; this keeps lookups
// (threading, the per-address cap) and rendered mails clean too.
func cleanMessage(m *parse.Message) {
	c := store.Clean
	m.MessageID, m.Subject, m.Text, m.NewText = c(m.MessageID), c(m.Subject), c(m.Text), c(m.NewText)
	m.ReplyAddress, m.ReturnPath, m.CaseRef = c(m.ReplyAddress), c(m.ReturnPath), c(m.CaseRef)
	cleanStrings(m.InReplyTo)
	cleanStrings(m.References)
	cleanStrings(m.Warnings)
	for _, list := range [][]parse.Address{m.From, m.ReplyTo, m.To, m.Cc} {
		for i := range list {
			list[i].Name, list[i].Address = c(list[i].Name), c(list[i].Address)
		}
	}
	if m.Sender != nil {
		m.Sender.Name, m.Sender.Address = c(m.Sender.Name), c(m.Sender.Address)
	}
	for i := range m.Attachments {
		m.Attachments[i].Filename, m.Attachments[i].ContentType = c(m.Attachments[i].Filename), c(m.Attachments[i].ContentType)
	}
	for k, vs := range m.Header {
		cleanStrings(vs)
		if ck := c(k); ck != k {
			delete(m.Header, k)
			m.Header[ck] = vs
		}
	}
	if m.Report != nil {
		r := m.Report
		r.Recipient, r.OriginalMessageID, r.Status, r.Action = c(r.Recipient), c(r.OriginalMessageID), c(r.Status), c(r.Action)
		r.DiagnosticCode, r.Disposition, r.ReportType = c(r.DiagnosticCode), c(r.Disposition), c(r.ReportType)
	}
}

func cleanStrings(s []string) {
	for i := range s {
		s[i] = store.Clean(s[i])
	}
}
