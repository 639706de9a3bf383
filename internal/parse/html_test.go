package parse

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/klachtd/klachtd/internal/parse/parsetest"
)

// allocated returns the bytes f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestHTMLLinear: hostile HTML gives output and allocations linear in the
// input (the old converter gave N² output for nested lists and quotes, and
// lower-cased all text since each <a> at every </a>).
func TestHTMLLinear(t *testing.T) {
	tests := []struct {
		name string
		src  string
	}{
		{"nested lists", strings.Repeat("<ul>", 3000) + strings.Repeat("<li>x", 3000)},
		{"nested ordered lists", strings.Repeat("<ol>", 3000) + strings.Repeat("<li>x", 3000)},
		{"nested quotes", strings.Repeat("<blockquote>", 3000) + strings.Repeat("<br>x", 3000)},
		{"line breaks in a deep quote", strings.Repeat("<blockquote>", 10) + "x" + strings.Repeat("<br>", 100000)},
		{"nested anchors", strings.Repeat(`<a href="https://e.nl/x">Tekst `, 20000) + strings.Repeat("</a>", 20000)},
		{"many closed anchors", strings.Repeat(`<a href="https://e.nl/x">`+strings.Repeat("Woord ", 50)+"</a>", 5000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out string
			var capped bool
			alloc := allocated(func() { out, capped = htmlToText(tt.src, nil, 1<<30) })
			if len(out) > len(tt.src)+htmlSlack {
				t.Errorf("output %d bytes for %d bytes of HTML", len(out), len(tt.src))
			}
			if limit := uint64(20*len(tt.src)) + 4<<20; alloc > limit {
				t.Errorf("allocated %d bytes for %d bytes of HTML, limit %d", alloc, len(tt.src), limit)
			}
			if capped && len(out) < len(tt.src)/4 {
				t.Errorf("capped too early: %d bytes", len(out))
			}
		})
	}
}

func TestHTMLCapsAndShape(t *testing.T) {
	// Indentation stops growing after maxListIndent levels.
	out, _ := htmlToText("<ul><li>a<ul><li>b<ul><li>c<ul><li>d<ul><li>e<ul><li>f<ul><li>g</ul></ul></ul></ul></ul></ul></ul>", nil, 1<<20)
	if want := "- a\n  - b\n    - c\n      - d\n        - e\n        - f\n        - g\n"; out != want {
		t.Errorf("nested list:\n%s\nwant\n%s", out, want)
	}
	out, _ = htmlToText(strings.Repeat("<blockquote>", 20)+"diep", nil, 1<<20)
	if out != strings.Repeat(">", maxQuotePrefix)+" diep\n" {
		t.Errorf("deep quote %q", out)
	}
	// A link whose text is the URL gets no URL; one with other text does.
	out, _ = htmlToText(`<a href="https://e.nl/a">https://e.nl/a</a> en <a href="https://e.nl/b">hier</a>`, nil, 1<<20)
	if out != "https://e.nl/a en hier <https://e.nl/b>\n" {
		t.Errorf("links %q", out)
	}
	// The output cap: cut, and said so.
	src := strings.Repeat("<p>alinea met tekst</p>", 10000)
	out, capped := htmlToText(src, nil, 1000)
	if !capped || len(out) > 1000 || !strings.HasPrefix(out, "alinea met tekst\n\nalinea") {
		t.Errorf("capped %v, %d bytes", capped, len(out))
	}
	m, _ := Parse(parsetest.NestedLists(200<<10), Limits{MaxTextBytes: 4096})
	if len(m.Text) > 4096 || !strings.Contains(strings.Join(m.Warnings, "\n"), "HTML body over the size cap") {
		t.Errorf("text %d bytes, warnings %q", len(m.Text), m.Warnings)
	}
}

// BenchmarkHTMLToText shows the conversion linear in its input: time per
// byte and output size stay flat from 10 KB to 1 MB, for nested lists and
// for nested anchors (both quadratic before). The output cap here is the
// one relative to the input only (no MaxTextBytes).
func BenchmarkHTMLToText(b *testing.B) {
	shapes := []struct {
		name string
		gen  func(n int) string
	}{
		{"lists", func(n int) string { return strings.Repeat("<ul>", n/9) + strings.Repeat("<li>x", n/9) }},
		{"anchors", func(n int) string {
			return strings.Repeat(`<a href="https://e.nl/x">Tekst `, n/35) + strings.Repeat("</a>", n/35)
		}},
	}
	for _, s := range shapes {
		for _, size := range []int{10 << 10, 100 << 10, 1 << 20} {
			src := s.gen(size)
			b.Run(fmt.Sprintf("%s/%dKB", s.name, size>>10), func(b *testing.B) {
				b.SetBytes(int64(len(src)))
				b.ReportAllocs()
				var out string
				for i := 0; i < b.N; i++ {
					out, _ = htmlToText(src, nil, 1<<30)
				}
				b.ReportMetric(float64(len(out)), "out-bytes")
				b.ReportMetric(float64(len(out))/float64(len(src)), "out/in")
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(src)), "ns/in-byte")
			})
		}
	}
}
