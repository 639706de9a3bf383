package parse

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// summary is what the golden files record of a parsed mail: everything
// but the raw header map and attachment bytes (their hash stands in).
type summary struct {
	MessageID      string       `json:"message_id"`
	InReplyTo      []string     `json:"in_reply_to"`
	References     []string     `json:"references"`
	From           []Address    `json:"from"`
	Sender         *Address     `json:"sender"`
	ReplyTo        []Address    `json:"reply_to"`
	To             []Address    `json:"to"`
	Cc             []Address    `json:"cc"`
	ReplyAddress   string       `json:"reply_address"`
	ReturnPath     string       `json:"return_path"`
	NullReturnPath bool         `json:"null_return_path"`
	Subject        string       `json:"subject"`
	Date           string       `json:"date"`
	Text           string       `json:"text"`
	NewText        string       `json:"new_text"`
	HTML           bool         `json:"html"`
	Attachments    []attSummary `json:"attachments"`
	CaseRef        string       `json:"case_ref"`
	ContentType    string       `json:"content_type"`
	Report         *Report      `json:"report"`
	Warnings       []string     `json:"warnings"`
	Malformed      bool         `json:"malformed"`
	Error          string       `json:"error"`
}

type attSummary struct {
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	Inline      bool   `json:"inline"`
	ContentID   string `json:"content_id"`
	SHA256      string `json:"sha256"`
}

func summarize(m *Message, err error) summary {
	s := summary{
		MessageID: m.MessageID, InReplyTo: m.InReplyTo, References: m.References,
		From: m.From, Sender: m.Sender, ReplyTo: m.ReplyTo, To: m.To, Cc: m.Cc,
		ReplyAddress: m.ReplyAddress, ReturnPath: m.ReturnPath, NullReturnPath: m.NullReturnPath,
		Subject: m.Subject, Text: m.Text, NewText: m.NewText, HTML: m.HTML, CaseRef: m.CaseRef,
		ContentType: m.ContentType, Report: m.Report, Warnings: m.Warnings, Malformed: m.Malformed,
	}
	if !m.Date.IsZero() {
		s.Date = m.Date.Format(time.RFC3339)
	}
	for _, a := range m.Attachments {
		sum := sha256.Sum256(a.Data)
		s.Attachments = append(s.Attachments, attSummary{a.Filename, a.ContentType, a.Size, a.Inline, a.ContentID, hex.EncodeToString(sum[:8])})
	}
	if err != nil {
		s.Error = err.Error()
	}
	return s
}

func corpus(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob("testdata/*.eml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	return files
}

func mustRead(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestGolden parses every mail of the corpus and compares the whole result
// with testdata/golden/NAME.json. Run with -update after a reviewed change.
func TestGolden(t *testing.T) {
	for _, file := range corpus(t) {
		name := strings.TrimSuffix(filepath.Base(file), ".eml")
		t.Run(name, func(t *testing.T) {
			m, err := Parse(mustRead(t, file), Limits{})
			got, jerr := json.MarshalIndent(summarize(m, err), "", "  ")
			if jerr != nil {
				t.Fatal(jerr)
			}
			got = append(got, '\n')
			golden := filepath.Join("testdata", "golden", name+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want := mustRead(t, golden)
			if !bytes.Equal(got, want) {
				t.Errorf("result differs from %s (run go test -update and review the diff):\n%s", golden, got)
			}
		})
	}
}
