package parse

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse feeds the corpus and its mutations to Parse. It must never
// panic (Parse recovers, so a recovered panic is a failure here too),
// hang, or return text that is not UTF-8.
func FuzzParse(f *testing.F) {
	for _, file := range corpus(f) {
		f.Add(mustRead(f, file))
	}
	lim := Limits{MaxMessageBytes: 1 << 20, MaxDepth: 10, MaxParts: 100, MaxHeaderBytes: 64 << 10}
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := Parse(raw, lim)
		if m == nil {
			t.Fatal("nil message")
		}
		if m.Size != int64(len(raw)) || len(m.SHA256) != 64 {
			t.Fatalf("size %d hash %q", m.Size, m.SHA256)
		}
		if err != nil != m.Malformed {
			t.Fatalf("err %v but malformed %v", err, m.Malformed)
		}
		for _, w := range m.Warnings {
			if strings.Contains(w, "internal error") {
				t.Fatalf("recovered panic: %s", w)
			}
		}
		strs := []string{m.Text, m.NewText, m.Subject, m.ReplyAddress, m.ReturnPath, m.MessageID, m.CaseRef}
		strs = append(append(strs, m.InReplyTo...), m.References...)
		for _, list := range [][]Address{m.From, m.ReplyTo, m.To, m.Cc} {
			for _, a := range list {
				strs = append(strs, a.Name, a.Address)
			}
		}
		for _, a := range m.Attachments {
			strs = append(strs, a.Filename, a.ContentType, a.ContentID)
		}
		if r := m.Report; r != nil {
			strs = append(strs, r.ReportType, r.Action, r.Status, r.Recipient, r.OriginalMessageID, r.Disposition, r.DiagnosticCode)
		}
		for _, vs := range m.Header {
			strs = append(strs, vs...)
		}
		for _, s := range strs {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8: %q", s)
			}
		}
		if len(m.Attachments) > lim.MaxParts {
			t.Fatalf("%d attachments over the part limit", len(m.Attachments))
		}
	})
}
