package parse

import (
	"strings"
	"testing"
)

func TestUnknownCharsetLabels(t *testing.T) {
	mail := func(label, subject, body string) []byte {
		return []byte("From: a@example.nl\r\nSubject: " + subject + "\r\nContent-Type: text/plain; charset=" + label +
			"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + body + "\r\n")
	}
	tests := []struct {
		label, subject, body  string
		wantSubject, wantText string
	}{
		{"x-unknown", "=?x-unknown?q?caf=C3=A9?=", "De café is dicht.", "café", "De café is dicht.\n"},
		{"x-unknown", "=?x-unknown?q?caf=E9?=", "De caf\xe9 is dicht.", "café", "De café is dicht.\n"},
		{"unknown-8bit", "x", "Überall €", "x", "Überall €\n"},
		{"x-user-defined", "x", "Überall €", "x", "Überall €\n"},
		{"x-mac-nonsense", "=?x-mac-nonsense?b?wqM=?=", "\x80 5", "£", "€ 5\n"},
	}
	for _, tt := range tests {
		t.Run(tt.label, func(t *testing.T) {
			m, err := Parse(mail(tt.label, tt.subject, tt.body), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if m.Subject != tt.wantSubject || m.Text != tt.wantText {
				t.Errorf("subject %q text %q", m.Subject, m.Text)
			}
			if !strings.Contains(strings.Join(m.Warnings, "\n"), "unknown charset") {
				t.Errorf("warnings %q lack the unknown charset", m.Warnings)
			}
		})
	}
}
