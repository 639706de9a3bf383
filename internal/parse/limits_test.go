package parse

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestLimits(t *testing.T) {
	manyParts := func(n int) []byte {
		var b strings.Builder
		b.WriteString("From: a@example.nl\nSubject: veel\nContent-Type: multipart/mixed; boundary=x\n\n")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "--x\nContent-Type: text/plain\n\ndeel %d\n", i)
		}
		b.WriteString("--x--\n")
		return []byte(b.String())
	}
	typical := mustRead(t, "testdata/typical_20kb.eml")
	hugeHeader := []byte("From: a@example.nl\nSubject: groot\nX-Junk: " + strings.Repeat("x", 3000) + "\nX-More: y\n\nbody\n")
	tests := []struct {
		name string
		raw  []byte
		lim  Limits
		err  error
		ok   func(m *Message) bool
	}{
		{"size: headers kept, hash of everything", typical, Limits{MaxMessageBytes: 8000}, ErrTooLarge, func(m *Message) bool {
			return m.Subject == "Wateroverlast Dorpsstraat – geen reactie" && m.Size == int64(len(typical)) && m.MessageID != ""
		}},
		{"parts: the first ones are read", manyParts(50), Limits{MaxParts: 10}, ErrTooManyParts, func(m *Message) bool {
			return strings.Contains(m.Text, "deel 0") && !strings.Contains(m.Text, "deel 20")
		}},
		{"parts within the limit", manyParts(50), Limits{}, nil, func(m *Message) bool {
			return strings.Contains(m.Text, "deel 49")
		}},
		{"header size", hugeHeader, Limits{MaxHeaderBytes: 1000}, ErrHeaderTooLarge, func(m *Message) bool {
			return m.Subject == "groot" && !m.HasHeader("X-More") && strings.Contains(m.Text, "body")
		}},
		{"empty input", nil, Limits{}, ErrMalformed, func(m *Message) bool { return m.Size == 0 && m.SHA256 != "" }},
		{"garbage", []byte("\x00\x01\x02 not a mail at all\n\nreally not\nnope\nnever\n"), Limits{}, ErrMalformed, func(m *Message) bool { return true }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse(tt.raw, tt.lim)
			if m == nil {
				t.Fatal("nil message")
			}
			if tt.err == nil && err != nil || tt.err != nil && !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if m.Malformed != (tt.err != nil) {
				t.Errorf("malformed = %v", m.Malformed)
			}
			if !tt.ok(m) {
				t.Errorf("unexpected result: %+v", m)
			}
		})
	}
}

func TestHelpers(t *testing.T) {
	for in, want := range map[string]string{
		"Re: [KL-2026-000123] Uw klacht":          "[KL-2026-000123] Uw klacht",
		"RE: Antw: AW: Fwd: FW: Doorst: WG: test": "test",
		"Re[2]: SV: vraag":                        "vraag",
		"[EXT] RE: iets":                          "iets",
		"Reactie: niet strippen":                  "Reactie: niet strippen",
	} {
		if got := StripSubjectPrefixes(in); got != want {
			t.Errorf("StripSubjectPrefixes(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"Re: [KL-2026-000123] Uw klacht": "KL-2026-000123",
		"over klacht kl-2026-000007":     "KL-2026-000007",
		"[KL-2026-12345]":                "",
		"XKL-2026-000123":                "",
		"geen referentie":                "",
	} {
		if got := RefFromSubject(in); got != want {
			t.Errorf("RefFromSubject(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"klachten+KL-2026-000123@gemeente.nl":   "KL-2026-000123",
		"<klachten+kl-2026-000001@gemeente.nl>": "KL-2026-000001",
		"klachten@gemeente.nl":                  "",
		"klachten+extra@gemeente.nl":            "",
	} {
		if got := RefFromAddress(in); got != want {
			t.Errorf("RefFromAddress(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNewText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"outlook nl header block", "Prima, dank.\n\nVan: Klachten <k@g.nl>\nVerzonden: maandag 9 november 2026 10:00\nAan: Jan\nOnderwerp: x\n\noud\n", "Prima, dank.\n"},
		{"original message", "Akkoord.\n-----Oorspronkelijk bericht-----\nVan: x\n", "Akkoord.\n"},
		{"mobile signature", "Ja graag.\n\nVerstuurd vanaf mijn iPhone\n\n> Op 9 nov. 2026 om 10:00 heeft K het volgende geschreven:\n> oud\n", "Ja graag.\n"},
		{"apple mail nl attribution", "Oké.\n\n> Op 9 nov. 2026 om 10:00 heeft Klachten <k@g.nl> het volgende geschreven:\n> \n> oud\n", "Oké.\n"},
		{"interleaved quote keeps answers", "> vraag 1\nantwoord 1\n> vraag 2\nantwoord 2\nantwoord 3\n", "> vraag 1\nantwoord 1\n> vraag 2\nantwoord 2\nantwoord 3\n"},
		{"only quotes", "> alles geciteerd\n", ""},
		{"sig dashes", "Tekst.\n-- \nNaam\nTel\n", "Tekst.\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := newText(tt.in); got != tt.want {
				t.Errorf("newText = %q, want %q", got, tt.want)
			}
		})
	}
}
