package parse

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/klachtd/klachtd/internal/parse/parsetest"
)

// TestDepthAndLimitsBestEffort: a complaint 30 levels deep is read (the
// old default of 20 levels lost its text); over a limit, the headers and
// the text found within the limits are still handed out.
func TestDepthAndLimitsBestEffort(t *testing.T) {
	var deep strings.Builder
	for i := 0; i < 200; i++ {
		fmt.Fprintf(&deep, "Content-Type: multipart/mixed; boundary=\"d%d\"\r\n\r\n--d%d\r\n", i, i)
	}
	deep.WriteString("Content-Type: text/plain\r\n\r\nte diep\r\n")
	firstThenDeep := []byte("From: Jan de Vries <jan@example.nl>\r\nSubject: Klacht\r\nContent-Type: multipart/mixed; boundary=top\r\n\r\n" +
		"--top\r\nContent-Type: text/plain\r\n\r\nEerst de tekst.\r\n--top\r\n" + deep.String() + "--top--\r\n")
	big := append([]byte("From: Jan de Vries <jan@example.nl>\r\nSubject: Klacht\r\nContent-Type: multipart/mixed; boundary=top\r\n\r\n"+
		"--top\r\nContent-Type: text/plain\r\n\r\nEerst de tekst.\r\n--top\r\nContent-Type: application/pdf\r\n\r\n"), strings.Repeat("x", 100<<10)...)
	tests := []struct {
		name    string
		raw     []byte
		lim     Limits
		err     error
		textHas string
	}{
		{"30 levels", parsetest.DeepNesting(30), Limits{}, nil, "heel diep"},
		{"deeper than the limit", parsetest.DeepNesting(150), Limits{}, ErrTooDeep, ""},
		{"text first, then too deep", firstThenDeep, Limits{}, ErrTooDeep, "Eerst de tekst."},
		{"text first, then too many parts", parsetest.ManyParts(1000), Limits{}, ErrTooManyParts, "De tekst van de klacht."},
		{"text first, then too large", big, Limits{MaxMessageBytes: 50 << 10}, ErrTooLarge, "Eerst de tekst."},
		// 50 levels around 8 MB would scan 400 MB: stopped at scanLimit.
		{"deep around a large body", parsetest.DeepNestingPadded(50, 8<<20), Limits{}, ErrTooDeep, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse(tt.raw, tt.lim)
			if tt.err == nil && err != nil || tt.err != nil && !errors.Is(err, tt.err) {
				t.Fatalf("err %v, want %v", err, tt.err)
			}
			if m.Subject != "Klacht" || m.ReplyAddress != "jan@example.nl" {
				t.Errorf("subject %q reply %q", m.Subject, m.ReplyAddress)
			}
			if !strings.Contains(m.Text, tt.textHas) {
				t.Errorf("text %q lacks %q", m.Text, tt.textHas)
			}
		})
	}
}

// BenchmarkDepth measures a mail nested depth levels deep with the limit
// above it: the cost of raising MaxDepth; and the worst case at the
// default limit, 50 levels over 25 MiB of padding each level scans
// (stopped by scanLimit).
func BenchmarkDepth(b *testing.B) {
	b.Run("depth50-padded25MB", func(b *testing.B) {
		raw := parsetest.DeepNestingPadded(50, parsetest.MaxSize)
		b.SetBytes(int64(len(raw)))
		for i := 0; i < b.N; i++ {
			if _, err := Parse(raw, Limits{}); !errors.Is(err, ErrTooDeep) {
				b.Fatalf("err %v", err)
			}
		}
	})
	for _, depth := range []int{30, 100, 1000} {
		raw := parsetest.DeepNesting(depth)
		b.Run(fmt.Sprintf("depth%d", depth), func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				m, err := Parse(raw, Limits{MaxDepth: depth + 1, MaxParts: depth + 10})
				if err != nil || !strings.Contains(m.Text, "heel diep") {
					b.Fatalf("err %v text %q", err, m.Text)
				}
			}
		})
	}
}
