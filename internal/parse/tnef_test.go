package parse

import (
	"strings"
	"testing"
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
	text, fromHTML, _ := rtfToText([]byte(`{\rtf1\ansi\ansicpg1252{\fonttbl{\f0 Arial;}}\pard Caf\'e9 \u8364? 5\par tweede regel}`), nil)
	if fromHTML || text != "Café € 5\ntweede regel" {
		t.Errorf("rtfToText = %q, %v", text, fromHTML)
	}
}

func TestTNEFDamaged(t *testing.T) {
	for _, b := range [][]byte{nil, []byte("not tnef"), {0x78, 0x9f, 0x3e, 0x22, 1, 0, 1, 0x0c, 0x80, 2, 0, 0xff, 0xff, 0xff, 0x7f}} {
		res, err := decodeTNEF(b, nil, 10)
		if err == nil {
			t.Errorf("decodeTNEF(%q) gave no error", b)
		}
		if res != nil && strings.TrimSpace(res.text) != "" {
			t.Errorf("text from garbage: %q", res.text)
		}
	}
}

func first[T, U any](t T, _ U) T { return t }
