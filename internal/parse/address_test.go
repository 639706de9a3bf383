package parse

import (
	"testing"

	"github.com/klachtd/klachtd/internal/parse/parsetest"
)

// TestQuotedLocalPart: a quoted local part is a valid address and must come
// out in a form that can be sent to, quotes kept.
func TestQuotedLocalPart(t *testing.T) {
	tests := []struct{ header, want string }{
		{`"jan de vries"@example.nl`, `"jan de vries"@example.nl`},
		{`Jan de Vries <"jan de vries"@Example.NL>`, `"jan de vries"@example.nl`},
		{`"jan.devries"@example.nl`, `jan.devries@example.nl`},
		{`<"a\"b"@example.nl>`, `"a\"b"@example.nl`},
		{`"jan@thuis"@example.nl`, `"jan@thuis"@example.nl`},
		{`jan.de.vries+klacht@example.nl`, `jan.de.vries+klacht@example.nl`},
		{`"jan de vries"@example.nl, broken <<x`, `"jan de vries"@example.nl`},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			m, _ := Parse([]byte("From: "+tt.header+"\r\nReturn-Path: <"+tt.want+">\r\nSubject: x\r\n\r\nbody\r\n"), Limits{})
			if len(m.From) == 0 || m.From[0].Address != tt.want || m.ReplyAddress != tt.want {
				t.Errorf("from %+v reply %q, want %q", m.From, m.ReplyAddress, tt.want)
			}
			if m.ReturnPath != tt.want {
				t.Errorf("return path %q, want %q", m.ReturnPath, tt.want)
			}
		})
	}
}

// TestAddressPiecesLinear: a From of many pieces without an address once
// grew the display name piece by piece (quadratic); the name is bounded.
func TestAddressPiecesLinear(t *testing.T) {
	raw := parsetest.AddressPieces(600 << 10)
	var m *Message
	alloc := allocated(func() { m, _ = Parse(raw, Limits{}) })
	if limit := uint64(20*len(raw)) + 16<<20; alloc > limit {
		t.Errorf("allocated %d MB for %d KB", alloc>>20, len(raw)>>10)
	}
	if len(m.From) != 1 || m.From[0].Address != "jan@example.nl" || len(m.From[0].Name) > maxPendingName+100 {
		t.Errorf("from %.200v", m.From)
	}
}
