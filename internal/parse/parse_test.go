package parse

import (
	"errors"
	"strings"
	"testing"
)

// TestCorpusFacts states, per mail of the corpus, the facts klachtd must
// get right; the golden files hold the rest.
func TestCorpusFacts(t *testing.T) {
	tests := []struct {
		file         string
		from         string // first From address
		replyAddress string
		subject      string
		textHas      []string
		newTextLacks string
		attachments  []string // file names in order
		caseRef      string
		warn         string // a warning that must be present
		malformed    bool
		err          error
		check        func(t *testing.T, m *Message)
	}{
		{file: "outlook_word_html", from: "renee.devries@outlook.com", subject: "Parkeervergunning niet ontvangen",
			textHas: []string{"€ 45,00", "Renée de Vries"}, attachments: []string{"image001.png"},
			check: func(t *testing.T, m *Message) {
				if !m.HTML || !m.Attachments[0].Inline || m.From[0].Name != "Renée de Vries" {
					t.Errorf("html=%v inline=%v name=%q", m.HTML, m.Attachments[0].Inline, m.From[0].Name)
				}
			}},
		{file: "html_only_webmail", textHas: []string{"1. 12 september", "- geen vergunning zichtbaar", "foto's <https://example.org/foto's>", "> Eerder antwoord", "contactpersoon"},
			check: func(t *testing.T, m *Message) {
				for _, bad := range []string{"niet tonen", "font-family", "Webmail", "tracking"} {
					if strings.Contains(m.Text, bad) {
						t.Errorf("text holds %q", bad)
					}
				}
			}},
		{file: "apple_mail_inline_image", textHas: []string{"lantaarnpaal", "drie weken stuk"}, attachments: []string{"IMG_4821.jpeg"}},
		{file: "gmail_reply_quoted", caseRef: "KL-2026-000123", textHas: []string{"> Geachte heer Visser"}, newTextLacks: "Geachte heer Visser",
			check: func(t *testing.T, m *Message) {
				if len(m.InReplyTo) != 1 || m.InReplyTo[0] != "klachtd.ack.KL-2026-000123.1@gemeente.nl" {
					t.Errorf("in-reply-to %v", m.InReplyTo)
				}
			}},
		{file: "latin1_quoted_printable", subject: "Klacht over behandeling bij de balie én de wachttijd", textHas: []string{"José Müller-Baërts"}},
		{file: "cp1252_quoted_printable", textHas: []string{"€ 1.250,-", "“geen”", "‘onbegrijpelijk’…", "klopt niet – ik"}},
		{file: "base64_with_pdf", subject: "Klacht: straatverlichting – bijlage", textHas: []string{"foto’s"}, attachments: []string{"klacht straatverlichting.pdf"}},
		{file: "tnef_winmail_rtf", textHas: []string{"rekening van € 95,-", "Groet, Ingrid"}, attachments: []string{"Brief aan gemeente €.pdf", "foto van de schade.jpg"},
			check: func(t *testing.T, m *Message) {
				if !strings.HasPrefix(string(m.Attachments[0].Data), "%PDF") || m.Attachments[1].ContentType != "image/jpeg" {
					t.Errorf("tnef files wrong: %+v", m.Attachments)
				}
			}},
		{file: "tnef_winmail_attbody", textHas: []string{"met één accent"}},
		{file: "dsn_postfix", from: "MAILER-DAEMON@mail.gemeente.nl", attachments: []string{"[KL-2026-000123] Ontvangstbevestiging van uw klacht.eml"}, check: func(t *testing.T, m *Message) {
			r := m.Report
			if !m.NullReturnPath || r == nil || r.Status != "5.1.1" || r.Action != "failed" || !r.Permanent() ||
				r.Recipient != "jan.jansen@exmaple.nl" || r.OriginalMessageID != "klachtd.ack.KL-2026-000123.1@gemeente.nl" {
				t.Errorf("report %+v null=%v", r, m.NullReturnPath)
			}
		}},
		{file: "dsn_exchange", caseRef: "KL-2026-000077", attachments: []string{"[KL-2026-000077] Nieuwe klacht toegewezen.eml"}, check: func(t *testing.T, m *Message) {
			if r := m.Report; r == nil || r.Status != "5.1.10" || r.OriginalMessageID != "klachtd.notify.KL-2026-000077.3@zorginstelling.nl" {
				t.Errorf("report %+v", r)
			}
		}},
		{file: "mdn_read_receipt", caseRef: "KL-2026-000123", check: func(t *testing.T, m *Message) {
			if r := m.Report; r == nil || r.ReportType != "disposition-notification" || r.Permanent() {
				t.Errorf("report %+v", r)
			}
		}},
		{file: "ooo_exchange_dutch", caseRef: "KL-2026-000140", textHas: []string{"afwezig tot en met 20 november"}},
		{file: "ooo_english_vacation", textHas: []string{"e-mail. I will reply"}},
		{file: "mailing_list", newTextLacks: "mailing list"},
		{file: "malformed_boundary", textHas: []string{"Kerkstraat"}, attachments: []string{"lijst.txt"}, warn: "not found: used"},
		{file: "truncated_no_closing_boundary", textHas: []string{"stoeptegels"}, attachments: []string{"tegels.jpg"}, warn: "no closing boundary"},
		{file: "multipart_without_boundary", textHas: []string{"geen delen"}, malformed: true, err: ErrMalformed},
		{file: "missing_headers", from: "-", replyAddress: "scanner@printer.example.nl", warn: "no From header",
			check: func(t *testing.T, m *Message) {
				if m.MessageID != "" || !m.Date.IsZero() {
					t.Errorf("id %q date %v", m.MessageID, m.Date)
				}
			}},
		{file: "no_blank_line_after_header", subject: "Oude mailer", textHas: []string{"direct na de header"}, warn: "no empty line"},
		{file: "rfc2231_filenames", attachments: []string{"Bezwaarschrift tegen de beslissing van ‘de gemeente’.pdf", "résumé José.doc", "notities bij het gesprek.txt", "foto van de schade.png", "brief.pdf"}},
		{file: "rfc2047_split_mixed", subject: "Klacht: straat – overlast € kosten en café gewoon Привет", replyAddress: "zoe.prive@example.nl",
			check: func(t *testing.T, m *Message) {
				if m.From[0].Name != "Zoë van den Berg" || m.To[0].Name != "Klachten–loket" || m.Cc[0].Name != "Secretariaat, Wijkraad" {
					t.Errorf("names %+v %+v %+v", m.From, m.To, m.Cc)
				}
			}},
		{file: "raw_8bit_headers", subject: "Klacht über café terras", warn: "raw 8-bit", check: func(t *testing.T, m *Message) {
			if m.From[0].Name != "René Dupré" {
				t.Errorf("name %q", m.From[0].Name)
			}
		}},
		{file: "raw_utf8_headers", subject: "Klacht over geluidsoverlast – Łódź-straat", check: func(t *testing.T, m *Message) {
			if m.From[0].Name != "Łukasz Żółć" || len(m.Warnings) != 0 {
				t.Errorf("name %q warnings %v", m.From[0].Name, m.Warnings)
			}
		}},
		{file: "group_from_rfc6854", replyAddress: "bewonerscommissie@example.nl", check: func(t *testing.T, m *Message) {
			if len(m.From) != 2 || m.Sender == nil || m.Sender.Address != "anna@example.nl" {
				t.Errorf("from %+v sender %+v", m.From, m.Sender)
			}
		}},
		{file: "empty_from", from: "-", replyAddress: "meldingen@example.nl"},
		{file: "from_header_blank", from: "-", replyAddress: "g.hendriks@example.nl"},
		{file: "format_flowed_reply", caseRef: "KL-2026-000200", textHas: []string{"doorgaat, vooral op zaterdagavond"}, newTextLacks: "schreef",
			check: func(t *testing.T, m *Message) {
				if strings.Contains(m.NewText, "Eva Mulder") {
					t.Errorf("signature kept: %q", m.NewText)
				}
			}},
		{file: "forwarded_rfc822", attachments: []string{"Klacht over parkeerbeheer.eml"}},
		{file: "subaddress_case_ref", caseRef: "KL-2026-000042"},
		{file: "handler_reply_outlook", caseRef: "KL-2026-000123", textHas: []string{"#status in behandeling"}, newTextLacks: "Er is een nieuwe klacht"},
		{file: "unknown_charset", textHas: []string{"De café is dicht."}, warn: "unknown charset"},
		{file: "deep_nesting_25", textHas: []string{"Diep verstopte tekst."}}, // deeper than the old default of 20
		{file: "nesting_8_ok", textHas: []string{"Diep verstopte tekst."}},
		{file: "broken_date_and_base64", textHas: []string{"koud in de hal"}, warn: "unreadable Date", check: func(t *testing.T, m *Message) {
			if m.MessageID != "test-no-brackets@example.nl" {
				t.Errorf("id %q", m.MessageID)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			m, err := Parse(mustRead(t, "testdata/"+tt.file+".eml"), Limits{})
			if tt.err == nil && err != nil || tt.err != nil && !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if m.Malformed != tt.malformed {
				t.Errorf("malformed = %v", m.Malformed)
			}
			switch {
			case tt.from == "-" && len(m.From) != 0:
				t.Errorf("from = %+v, want none", m.From)
			case tt.from != "" && tt.from != "-" && (len(m.From) == 0 || m.From[0].Address != tt.from):
				t.Errorf("from = %+v, want %s", m.From, tt.from)
			}
			if tt.replyAddress != "" && m.ReplyAddress != tt.replyAddress {
				t.Errorf("reply address = %q, want %q", m.ReplyAddress, tt.replyAddress)
			}
			if tt.subject != "" && m.Subject != tt.subject {
				t.Errorf("subject = %q, want %q", m.Subject, tt.subject)
			}
			for _, s := range tt.textHas {
				if !strings.Contains(m.Text, s) {
					t.Errorf("text lacks %q:\n%s", s, m.Text)
				}
			}
			if tt.newTextLacks != "" && strings.Contains(m.NewText, tt.newTextLacks) {
				t.Errorf("new text holds %q:\n%s", tt.newTextLacks, m.NewText)
			}
			if m.CaseRef != tt.caseRef {
				t.Errorf("case ref = %q, want %q", m.CaseRef, tt.caseRef)
			}
			var names []string
			for _, a := range m.Attachments {
				names = append(names, a.Filename)
				if a.Size != int64(len(a.Data)) {
					t.Errorf("%s: size %d, data %d", a.Filename, a.Size, len(a.Data))
				}
			}
			if strings.Join(names, "|") != strings.Join(tt.attachments, "|") {
				t.Errorf("attachments = %q, want %q", names, tt.attachments)
			}
			if tt.warn != "" && !strings.Contains(strings.Join(m.Warnings, "\n"), tt.warn) {
				t.Errorf("warnings %q lack %q", m.Warnings, tt.warn)
			}
			if m.Size == 0 || len(m.SHA256) != 64 {
				t.Errorf("size %d hash %q", m.Size, m.SHA256)
			}
			if tt.check != nil {
				tt.check(t, m)
			}
		})
	}
}
