package classify

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klachtd/klachtd/internal/parse"
)

var testConfig = Config{
	IntakeAddresses: []string{"klachten@gemeente.nl"},
	Handlers:        []string{"j.kok@gemeente.nl", "@provincie.example"},
}

// TestCorpus classifies every mail of the parse corpus; every file there
// must have an expectation here.
func TestCorpus(t *testing.T) {
	want := map[string]struct {
		kind   Kind
		reason string // a reason that must be given
	}{
		"apple_mail_inline_image":        {Complaint, ""},
		"base64_with_pdf":                {Complaint, ""},
		"bounce_qmail_plain":             {Bounce, "mailer-daemon@mx.example.net"},
		"broken_date_and_base64":         {Complaint, ""},
		"complaint_with_suppress_header": {Complaint, "X-Auto-Response-Suppress"},
		"cp1252_quoted_printable":        {Complaint, ""},
		"deep_nesting_25":                {Complaint, ""},
		"dsn_exchange":                   {Bounce, "status 5.1.10"},
		"dsn_postfix":                    {Bounce, "delivery-status"},
		"empty_from":                     {Complaint, ""},
		"format_flowed_reply":            {Reply, "KL-2026-000200"},
		"forwarded_rfc822":               {Complaint, ""},
		"from_header_blank":              {Complaint, ""},
		"gmail_reply_quoted":             {Reply, "KL-2026-000123"},
		"group_from_rfc6854":             {Complaint, ""},
		"handler_reply_outlook":          {HandlerReply, "j.kok@gemeente.nl"},
		"html_only_webmail":              {Complaint, ""},
		"latin1_quoted_printable":        {Complaint, ""},
		"mailing_list":                   {List, "List-Id"},
		"malformed_boundary":             {Complaint, ""},
		"mdn_read_receipt":               {AutoReply, "read receipt"},
		"missing_headers":                {Complaint, ""},
		"multipart_without_boundary":     {Complaint, ""},
		"nesting_8_ok":                   {Complaint, ""},
		"no_blank_line_after_header":     {Complaint, ""},
		"ooo_english_vacation":           {AutoReply, "X-Autoreply"},
		"ooo_exchange_dutch":             {AutoReply, "Auto-Submitted: auto-generated"},
		"outlook_word_html":              {Complaint, "X-Auto-Response-Suppress: All"},
		"own_mail_loop":                  {Loop, "our own mail"},
		"raw_8bit_headers":               {Complaint, ""},
		"raw_utf8_headers":               {Complaint, ""},
		"rfc2047_split_mixed":            {Complaint, ""},
		"rfc2231_filenames":              {Complaint, ""},
		"spam_flagged":                   {Complaint, "X-Spam-Flag: YES (soft signal: review)"},
		"subaddress_case_ref":            {Reply, "KL-2026-000042"},
		"tnef_winmail_attbody":           {Complaint, ""},
		"tnef_winmail_rtf":               {Complaint, ""},
		"truncated_no_closing_boundary":  {Complaint, ""},
		"typical_20kb":                   {Complaint, ""},
		"unknown_charset":                {Complaint, ""},
	}
	files, err := filepath.Glob("../parse/testdata/*.eml")
	if err != nil || len(files) == 0 {
		t.Fatal("no corpus")
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".eml")
		t.Run(name, func(t *testing.T) {
			w, ok := want[name]
			if !ok {
				t.Fatalf("no expectation for %s", name)
			}
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			m, _ := parse.Parse(raw, parse.Limits{})
			r := Classify(m, testConfig)
			if r.Kind != w.kind {
				t.Errorf("kind = %s, want %s (reasons %q)", r.Kind, w.kind, r.Reasons)
			}
			if r.Machine != machineKind(w.kind) {
				t.Errorf("machine = %v for %s (reasons %q)", r.Machine, r.Kind, r.Reasons)
			}
			if r.Acknowledge != (w.kind == Complaint && !r.Review) {
				t.Errorf("acknowledge = %v for %s", r.Acknowledge, r.Kind)
			}
			if w.reason != "" && !strings.Contains(strings.Join(r.Reasons, "\n"), w.reason) {
				t.Errorf("reasons %q lack %q", r.Reasons, w.reason)
			}
		})
	}
}

// msg builds a minimal parsed mail for the signal table.
func msg(from string, hdr ...string) *parse.Message {
	m := &parse.Message{Header: map[string][]string{}, ReplyAddress: from}
	if from != "" {
		m.From = []parse.Address{{Address: from}}
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		m.Header[hdr[i]] = append(m.Header[hdr[i]], hdr[i+1])
	}
	return m
}

func machineKind(k Kind) bool {
	switch k {
	case Loop, Bounce, List, AutoReply, Spam:
		return true
	}
	return false
}

func TestSignals(t *testing.T) {
	const soft = "review"
	tests := []struct {
		name string
		m    *parse.Message
		cfg  Config
		kind Kind
		rev  string // soft: Review must be true
	}{
		{"plain complaint", msg("a@example.nl"), testConfig, Complaint, ""},
		{"suppress alone is no machine", msg("a@example.nl", "X-Auto-Response-Suppress", "All"), testConfig, Complaint, ""},
		{"auto-submitted no", msg("a@example.nl", "Auto-Submitted", "no"), testConfig, Complaint, ""},
		{"auto-submitted auto-generated alone is soft", msg("a@example.nl", "Auto-Submitted", "auto-generated"), testConfig, Complaint, soft},
		{"auto-submitted auto-replied alone is soft", msg("a@example.nl", "Auto-Submitted", "auto-replied; owner-email=x@y"), testConfig, Complaint, soft},
		{"auto-replied answering a mail", func() *parse.Message {
			m := msg("a@example.nl", "Auto-Submitted", "auto-replied; owner-email=x@y")
			m.InReplyTo = []string{"x@y"}
			return m
		}(), testConfig, AutoReply, ""},
		{"precedence bulk", msg("a@example.nl", "Precedence", "bulk"), testConfig, Complaint, soft},
		{"precedence junk", msg("a@example.nl", "Precedence", "JUNK"), testConfig, Complaint, soft},
		{"precedence list", msg("a@example.nl", "Precedence", "list"), testConfig, Complaint, soft},
		{"list-unsubscribe only", msg("news@shop.example", "List-Unsubscribe", "<mailto:u@shop.example>"), testConfig, List, ""},
		{"spam flag", msg("a@example.nl", "X-Spam-Flag", "YES"), testConfig, Complaint, soft},
		{"spam flag no", msg("a@example.nl", "X-Spam-Flag", "NO"), testConfig, Complaint, ""},
		{"postmaster alone is soft", msg("Postmaster@example.nl"), testConfig, Complaint, soft},
		{"our intake as sender", msg("Klachten@Gemeente.nl"), testConfig, Loop, ""},
		{"our sub-address as sender", msg("klachten+KL-2026-000001@gemeente.nl"), testConfig, Loop, ""},
		{"reply-to our intake is soft", func() *parse.Message {
			m := msg("form@cms.example")
			m.ReplyAddress = "klachten@gemeente.nl"
			return m
		}(), testConfig, Complaint, soft},
		{"loop header", msg("x@example.nl", "X-Klachtd-Loop", "klachten@gemeente.nl"), testConfig, Loop, ""},
		{"custom loop header", msg("x@example.nl", "X-Our-Loop", "klachten@gemeente.nl"), Config{IntakeAddresses: []string{"klachten@gemeente.nl"}, LoopHeader: "X-Our-Loop"}, Loop, ""},
		{"other klachtd", msg("x@example.nl", "X-Klachtd-Loop", "klachten@elders.nl"), testConfig, AutoReply, ""},
		{"ooo subject only", func() *parse.Message { m := msg("a@example.nl"); m.Subject = "Out of Office: vakantie"; return m }(), testConfig, Complaint, soft},
		{"null return path", func() *parse.Message { m := msg("a@example.nl"); m.NullReturnPath = true; return m }(), testConfig, AutoReply, ""},
		{"null return path bounce subject", func() *parse.Message {
			m := msg("a@example.nl")
			m.NullReturnPath, m.Subject = true, "Undeliverable: uw bericht"
			return m
		}(), testConfig, Bounce, ""},
		{"handler domain with ref", func() *parse.Message {
			m := msg("b.jansen@provincie.example")
			m.CaseRef = "KL-2026-000001"
			return m
		}(), testConfig, HandlerReply, ""},
		{"handler with in-reply-to only", func() *parse.Message {
			m := msg("J.Kok@gemeente.nl")
			m.InReplyTo = []string{"x@y"}
			return m
		}(), testConfig, HandlerReply, ""},
		{"handler subdomain is no handler", func() *parse.Message {
			m := msg("b@sub.provincie.example")
			m.CaseRef = "KL-2026-000001"
			return m
		}(), testConfig, Reply, ""},
		{"handler without thread is a complaint", msg("j.kok@gemeente.nl"), testConfig, Complaint, ""},
		{"in-reply-to alone is left to the daemon", func() *parse.Message { m := msg("a@example.nl"); m.InReplyTo = []string{"x@y"}; return m }(), testConfig, Complaint, ""},
		{"bounce beats reply", func() *parse.Message {
			m := msg("MAILER-DAEMON@example.nl")
			m.CaseRef, m.Subject = "KL-2026-000001", "Undeliverable: Ontvangstbevestiging [KL-2026-000001]"
			return m
		}(), testConfig, Bounce, ""},
		{"no config at all", msg("a@example.nl"), Config{}, Complaint, ""},
		{"no from at all", msg(""), testConfig, Complaint, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Classify(tt.m, tt.cfg)
			rev := tt.rev == soft
			if r.Kind != tt.kind || r.Machine != machineKind(tt.kind) || r.Review != rev ||
				r.Acknowledge != (tt.kind == Complaint && !rev) || r.Reasons == nil {
				t.Errorf("got %+v, want %s review=%v", r, tt.kind, rev)
			}
		})
	}
}
