package parse

import (
	"strings"
	"testing"

	"github.com/klachtd/klachtd/internal/parse/parsetest"
)

// FuzzHTMLToText: the conversion stays within its output cap (and so
// linear), whatever the HTML; seeds in testdata/fuzz/FuzzHTMLToText.
func FuzzHTMLToText(f *testing.F) {
	for _, s := range []string{
		"<p>Geachte heer,</p><ul><li>een<li>twee</ul><blockquote>oud</blockquote>",
		`<a href="https://e.nl">hier</a> <a href="mailto:a@b.nl">a@b.nl</a><pre>  x
  y</pre>`,
		strings.Repeat("<ul>", 50) + strings.Repeat("<li>x", 50),
		strings.Repeat(`<a href="u">t `, 50) + strings.Repeat("</a>", 50),
		"<table><tr><td>a<td>b</table><script>x</script><!--[if mso]>w<![endif]-->",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		out, _ := htmlToText(src, nil, 1<<20)
		if len(out) > len(src)+htmlSlack {
			t.Fatalf("%d bytes out of %d", len(out), len(src))
		}
		small, capped := htmlToText(src, nil, 64)
		if len(small) > 64+1 || len(out) > 64+1 && !capped {
			t.Fatalf("cap 64: %d bytes, capped %v", len(small), capped)
		}
	})
}

// FuzzTNEF: a TNEF stream yields at most maxFiles files, never more file
// bytes than it holds, and a text within its cap.
func FuzzTNEF(f *testing.F) {
	f.Add(parsetest.TNEF(3))
	f.Add(parsetest.TNEF(0))
	for _, file := range []string{"tnef_winmail_rtf", "tnef_winmail_attbody"} {
		f.Add(winmailOf(f, mustRead(f, "testdata/"+file+".eml")))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		res, _ := decodeTNEF(b, nil, 5, 4096)
		if res == nil {
			return
		}
		total := 0
		for _, a := range res.attachments {
			total += len(a.Data)
		}
		if len(res.attachments) > 5 || total > len(b) || len(res.text) > 4096+1 {
			t.Fatalf("%d files, %d bytes of files, %d bytes of text from %d bytes", len(res.attachments), total, len(res.text), len(b))
		}
	})
}

// winmailOf returns the decoded winmail.dat of a mail of the corpus.
func winmailOf(tb testing.TB, raw []byte) []byte {
	tb.Helper()
	p := newParser(Limits{}, &Message{Header: map[string][]string{}})
	var find func(pt *part) []byte
	find = func(pt *part) []byte {
		if isTNEF(pt.ctype, pt.filename()) {
			data, _ := decodeTransfer(pt.body, pt.hdr.getString("Content-Transfer-Encoding"))
			return data
		}
		for _, c := range pt.children {
			if d := find(c); d != nil {
				return d
			}
		}
		return nil
	}
	d := find(p.readPart(raw, 0, "text/plain"))
	if d == nil {
		tb.Fatal("no winmail.dat")
	}
	return d
}

// FuzzRTF: decompression and conversion stay within their caps.
func FuzzRTF(f *testing.F) {
	f.Add(parsetest.CompressedRTF(64))
	f.Add([]byte(`{\rtf1\ansi\ansicpg1252{\fonttbl{\f0 Arial;}}\pard Caf\'e9 \u8364? 5\par tweede regel}`))
	f.Add([]byte(`{\rtf1\ansi\fromhtml1{\*\htmltag64 <p>}hallo{\*\htmltag72 </p>}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		out, _ := decompressRTF(b, nil)
		if len(out) > maxRTFBytes+256 || len(out) > 9*len(b)+256 {
			t.Fatalf("%d bytes decompressed from %d", len(out), len(b))
		}
		text, fromHTML, _ := rtfToText(b, nil, 1024)
		if len(text) > 2*len(b)+htmlSlack+1024 || !fromHTML && len(text) > 1024+1024 {
			t.Fatalf("%d bytes of text from %d", len(text), len(b))
		}
		text, _ = rtfBodyText(b, nil, 1024)
		if len(text) > 1024+8 {
			t.Fatalf("body text %d bytes", len(text))
		}
	})
}
