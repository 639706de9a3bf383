package classify

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klachtd/klachtd/internal/parse"
)

// TestShapesAreNormalised: every pattern is written the way norm leaves
// text, or it could never match.
func TestShapesAreNormalised(t *testing.T) {
	check := func(where, p string) {
		if p == "" || strings.TrimSuffix(norm(p, 1<<10), "*") != strings.TrimSuffix(p, "*") {
			t.Errorf("%s: pattern %q is not normalised (norm gives %q)", where, p, norm(p, 1<<10))
		}
	}
	for _, table := range [][]shape{bounceShapes, autoShapes, arfShape} {
		for _, sh := range table {
			if sh.name == "" {
				t.Errorf("shape without a name: %+v", sh)
			}
			for _, list := range [][]string{sh.subjects, sh.strong, sh.weak, sh.senders} {
				for _, p := range list {
					check(sh.name, p)
				}
			}
			for _, p := range sh.subjects {
				if strings.Contains(p, " :") {
					t.Errorf("%s: subject %q: normSubject writes \" :\" as \":\"", sh.name, p)
				}
			}
		}
	}
}

// withSubject is a complaint from a person with the given subject and text.
func withSubject(subject, text string, hdr ...string) *parse.Message {
	m := msg("burger@example.nl", hdr...)
	m.Subject, m.Text = subject, text
	return m
}

// TestSubjectsArePrecise: the subjects of issue 9 are real complaints and
// are not even flagged; the prefixes auto-responders write are.
func TestSubjectsArePrecise(t *testing.T) {
	tests := []struct {
		subject string
		auto    bool
	}{
		{"Absence of street lighting", false},
		{"Out of office hours noise", false},
		{"Afwezig: geen reactie", false},
		{"Automatic replies are rude", false},
		{"Onbestelbaar pakket", false},
		{"Read the letter again please", false},
		{"Out of Office: back on Monday", true},
		{"Out of Office", true},
		{"Automatic reply: Ontvangstbevestiging", true},
		{"Automatisch antwoord: Ontvangstbevestiging", true},
		{"[EXTERN] Automatisch antwoord: Ontvangstbevestiging", true},
		{"Afwezigheidsbericht", true},
		{"Abwesenheitsnotiz: Ihre Nachricht", true},
		{"Réponse automatique : votre message", true},
		{"AUTO: Uw klacht", true},
	}
	for _, tt := range tests {
		t.Run(tt.subject, func(t *testing.T) {
			r := Classify(withSubject(tt.subject, "Er is iets mis in mijn straat."), testConfig)
			if r.Machine || r.Review != tt.auto || r.Acknowledge == tt.auto {
				t.Errorf("got %+v, want review=%v", r, tt.auto)
			}
		})
	}
}

// TestBounceNeedsTwoMarks: one weak mark alone never makes a bounce.
func TestBounceNeedsTwoMarks(t *testing.T) {
	const notice = "This is the mail system at host mx.example.net.\n\nI'm sorry to have to inform you that your message could not be delivered."
	tests := []struct {
		name            string
		m               *parse.Message
		machine, review bool
	}{
		{"weak text alone", withSubject("Brief", "Mijn brief kon niet worden bezorgd."), false, false},
		{"strong text alone (pasted notice)", withSubject("Help", notice), false, false},
		{"bounce subject alone", withSubject("Undelivered Mail Returned to Sender", "Zie hieronder."), false, true},
		{"bounce subject and weak text", withSubject("Mail delivery failed", "my letter could not be delivered"), false, true},
		{"bounce subject and strong text", withSubject("Undelivered Mail Returned to Sender", notice), true, false},
		{"daemon sender alone", msg("MAILER-DAEMON@mx.example.net"), false, true},
		{"daemon sender and weak text", func() *parse.Message {
			m := msg("MAILER-DAEMON@mx.example.net")
			m.Text = "Your message could not be delivered."
			return m
		}(), true, false},
		{"display name only sender and bounce subject", func() *parse.Message {
			m := msg("", "From", "MAILER-DAEMON <>")
			m.Subject = "Mail delivery failed"
			return m
		}(), true, false},
		{"exim header and weak text", withSubject("Re: uw brief", "permanent error", "X-Failed-Recipients", "a@b.example"), true, false},
		{"returned part and strong text", func() *parse.Message {
			m := withSubject("Undeliverable message", "Delivery has failed to these recipients or groups:")
			m.Attachments = []parse.Attachment{{ContentType: "message/rfc822"}}
			return m
		}(), true, false},
		{"a person forwarding a notice with the returned message", func() *parse.Message {
			m := withSubject("FW: Undeliverable: bezwaar", "Zie hieronder!\n\n-----Original Message-----\nDelivery has failed to these recipients or groups:")
			m.Attachments = []parse.Attachment{{ContentType: "message/rfc822"}}
			return m
		}(), false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Classify(tt.m, testConfig)
			if r.Machine != tt.machine || r.Review != tt.review || (r.Machine && r.Kind != Bounce) {
				t.Errorf("got %+v, want machine=%v review=%v", r, tt.machine, tt.review)
			}
			if r.Acknowledge != (!tt.machine && !tt.review) {
				t.Errorf("acknowledge = %v", r.Acknowledge)
			}
		})
	}
}

// TestAutoReplyNeedsEvidence: Auto-Submitted alone is soft; with an
// auto-reply subject, text, thread or Exchange rule header it is proof.
func TestAutoReplyNeedsEvidence(t *testing.T) {
	tests := []struct {
		name            string
		m               *parse.Message
		machine, review bool
	}{
		{"form with auto-generated", withSubject("Formulier klacht", "Naam: Jan", "Auto-Submitted", "auto-generated"), false, true},
		{"form with auto-generated and out-of-office words", withSubject("Formulier klacht", "Ik ben afwezig tot maandag, daarom mail ik.", "Auto-Submitted", "auto-generated"), false, true},
		{"auto-generated and auto-reply subject", withSubject("Automatic reply: uw bericht", "", "Auto-Submitted", "auto-generated"), true, false},
		{"auto-replied and auto-reply text", withSubject("Vakantie", "I am out of the office until May.", "Auto-Submitted", "auto-replied"), true, false},
		{"auto-replied (vacation) comment", withSubject("Auto: uw bericht", "", "Auto-Submitted", "auto-replied (vacation)"), true, false},
		{"exchange rule header and subject", withSubject("Automatisch antwoord: x", "", "X-Ms-Exchange-Inbox-Rules-Loop", "a@b.example"), true, false},
		{"subject and text without headers", withSubject("Out of Office: x", "I am on annual leave."), true, false},
		{"subject and precedence bulk", withSubject("Out of Office: x", "", "Precedence", "bulk"), true, false},
		{"x-autoreply alone", withSubject("Bedankt", "", "X-Autoreply", "yes"), true, false},
		{"x-autoreply no", withSubject("Bedankt", "", "X-Autoreply", "no"), false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Classify(tt.m, testConfig)
			if r.Machine != tt.machine || r.Review != tt.review || (r.Machine && r.Kind != AutoReply) {
				t.Errorf("got %+v, want machine=%v review=%v", r, tt.machine, tt.review)
			}
		})
	}
}

// TestScanIsBounded: text past the scan limit is not read, so the work per
// mail does not grow with its size.
func TestScanIsBounded(t *testing.T) {
	notice := "this is the mail system at host mx.example.net. your message could not be delivered."
	m := msg("MAILER-DAEMON@mx.example.net")
	m.Text = strings.Repeat("x ", textScanBytes) + notice
	if r := Classify(m, testConfig); r.Machine {
		t.Errorf("text past %d bytes was read: %+v", textScanBytes, r)
	}
	m.Text = notice + strings.Repeat("x ", 4<<20)
	if r := Classify(m, testConfig); !r.Machine || r.Kind != Bounce {
		t.Errorf("notice at the start missed: %+v", r)
	}
	if got := norm(strings.Repeat("a", 1<<20), textScanBytes); len(got) != textScanBytes {
		t.Errorf("norm returned %d bytes, want %d", len(got), textScanBytes)
	}
}

func TestMessageIDIn(t *testing.T) {
	tests := []struct {
		name, block string
		header      bool
		want        string
	}{
		{"plain", "From: a@b\nMessage-ID: <x.1@gemeente.nl>\n\nbody Message-ID: <no@no>", true, "x.1@gemeente.nl"},
		{"folded", "Message-Id:\n <x.2@gemeente.nl>\n", true, "x.2@gemeente.nl"},
		{"after the header block", "From: a@b\n\nMessage-ID: <x.3@gemeente.nl>\n", true, ""},
		{"inline quoted", "notice\n\n> Message-ID: <x.4@gemeente.nl>\n", false, "x.4@gemeente.nl"},
		{"no brackets", "Message-ID: x.5@gemeente.nl (comment)\n", true, "x.5@gemeente.nl"},
		{"no at sign", "Message-ID: <garbage>\n", true, ""},
		{"crlf", "From: a@b\r\nMessage-ID: <x.6@gemeente.nl>\r\n\r\n", true, "x.6@gemeente.nl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := messageIDIn(tt.block, tt.header); got != tt.want {
				t.Errorf("messageIDIn = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestOriginalMessageIDOnlyForNotices: a complaint that quotes one of our
// Message-IDs does not get OriginalMessageID (cases would flag its case).
func TestOriginalMessageIDOnlyForNotices(t *testing.T) {
	m := withSubject("Klacht", "Uw mail\nMessage-ID: <klachtd.ack.00@gemeente.nl>\nwas onbeleefd.")
	if r := Classify(m, testConfig); r.OriginalMessageID != "" || !r.Acknowledge {
		t.Errorf("got %+v", r)
	}
}

// FuzzClassify: any mail gives a consistent Result.
func FuzzClassify(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.eml")
	for _, name := range files[:min(len(files), 20)] {
		if raw, err := os.ReadFile(name); err == nil {
			f.Add(raw)
		}
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, _ := parse.Parse(raw, parse.Limits{})
		r := Classify(m, testConfig)
		if r.Acknowledge && (r.Machine || r.Review || r.Kind != Complaint) {
			t.Errorf("inconsistent result %+v", r)
		}
		if r.Machine && r.Review {
			t.Errorf("both machine and review: %+v", r)
		}
		if r.Machine != (r.Kind == Loop || r.Kind == Bounce || r.Kind == List || r.Kind == AutoReply) {
			t.Errorf("machine %v for kind %s", r.Machine, r.Kind)
		}
	})
}
