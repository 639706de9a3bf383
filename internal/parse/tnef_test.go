package parse

import (
	"errors"
	"strings"
	"testing"

	"github.com/klachtd/klachtd/internal/parse/parsetest"
)

func TestRTF(t *testing.T) {
	if len(rtfPrefix) != 207 {
		t.Fatalf("compressed RTF dictionary preload is %d bytes, MS-OXRTFCP says 207", len(rtfPrefix))
	}
	// MS-OXRTFCP 4.1: the compressed form of "{\rtf1\ansi\ansicpg1252\pard hello world}\r\n".
	comp := []byte{0x2d, 0x00, 0x00, 0x00, 0x2b, 0x00, 0x00, 0x00, 0x4c, 0x5a, 0x46, 0x75, 0xf1, 0xc5, 0xc7, 0xa7,
		0x03, 0x00, 0x0a, 0x00, 0x72, 0x63, 0x70, 0x67, 0x31, 0x32, 0x35, 0x42, 0x32, 0x0a, 0xf3, 0x20,
		0x68, 0x65, 0x6c, 0x09, 0x00, 0x20, 0x62, 0x77, 0x05, 0xb0, 0x6c, 0x64, 0x7d, 0x0a, 0x80, 0x0f, 0xa0}
	if got := string(first(decompressRTF(comp, nil))); got != "{\\rtf1\\ansi\\ansicpg1252\\pard hello world}\r\n" {
		t.Errorf("decompressRTF = %q", got)
	}
	text, fromHTML, _ := rtfToText([]byte(`{\rtf1\ansi\ansicpg1252{\fonttbl{\f0 Arial;}}\pard Caf\'e9 \u8364? 5\par tweede regel}`), nil, 1<<20)
	if fromHTML || text != "Café € 5\ntweede regel" {
		t.Errorf("rtfToText = %q, %v", text, fromHTML)
	}
}

func TestTNEFDamaged(t *testing.T) {
	for _, b := range [][]byte{nil, []byte("not tnef"), {0x78, 0x9f, 0x3e, 0x22, 1, 0, 1, 0x0c, 0x80, 2, 0, 0xff, 0xff, 0xff, 0x7f}} {
		res, err := decodeTNEF(b, nil, 10, 1<<20)
		if err == nil {
			t.Errorf("decodeTNEF(%q) gave no error", b)
		}
		if res != nil && strings.TrimSpace(res.text) != "" {
			t.Errorf("text from garbage: %q", res.text)
		}
	}
}

func first[T, U any](t T, _ U) T { return t }

// TestTNEFBounded: files inside winmail.dat count against MaxParts, and
// compressed RTF and its text are capped (the old code listed every file
// and decompressed whatever size the stream declared).
func TestTNEFBounded(t *testing.T) {
	m, err := Parse(parsetest.TNEFFiles(2000), Limits{MaxParts: 500})
	if !errors.Is(err, ErrTooManyParts) || len(m.Attachments) > 500 || len(m.Attachments) < 400 {
		t.Errorf("err %v, %d attachments", err, len(m.Attachments))
	}
	if !strings.Contains(strings.Join(m.Warnings, "\n"), "winmail.dat holds 2000 files") {
		t.Errorf("warnings %q", m.Warnings)
	}
	m, err = Parse(parsetest.TNEFFiles(100), Limits{})
	if err != nil || len(m.Attachments) != 100 || m.Attachments[99].Filename != "f.txt" {
		t.Errorf("within the limit: err %v, %d attachments", err, len(m.Attachments))
	}

	comp := parsetest.CompressedRTF(2 << 20)
	rtf, capped := decompressRTF(comp, nil)
	if !capped || len(rtf) > maxRTFBytes+256 {
		t.Errorf("decompressed %d bytes of a %d byte stream, capped %v", len(rtf), len(comp), capped)
	}
	text, _, capped := rtfToText(rtf, nil, 1000)
	if !capped || len(text) > 1100 || !strings.HasPrefix(text, "klacht! lacht!") {
		t.Errorf("rtf text %d bytes, capped %v", len(text), capped)
	}
	m, err = Parse(parsetest.TNEFHugeRTF(2<<20), Limits{MaxTextBytes: 64 << 10})
	if err != nil || len(m.Text) > 64<<10+1 || !strings.Contains(strings.Join(m.Warnings, "\n"), "winmail.dat body over a size cap") {
		t.Errorf("err %v, text %d bytes, warnings %q", err, len(m.Text), m.Warnings)
	}
}
