package records

import (
	"fmt"
	"html"
	"html/template"
	"strings"
)

// The charts are inline SVG written here, no library and no script: a
// page that opens from a file, prints, and can be published as it is. Every
// bar carries its number (data-label, data-n) so that a test in a browser
// can read back what was drawn.

const (
	barColor   = "#2f6f9f"
	barColor2  = "#9fc3df"
	textColor  = "#222"
	chartFont  = `font-family="sans-serif" font-size="11"`
	labelWidth = 150
)

// ColumnChart draws one vertical bar per count (months), with a second,
// lighter series beside it when second is not nil (same labels).
func ColumnChart(id string, first, second []Count, legend [2]string) template.HTML {
	const w, h, top, bottom = 640, 220, 20, 40
	max := maxN(first, second)
	slot := float64(w-40) / float64(max1(len(first)))
	var b strings.Builder
	fmt.Fprintf(&b, `<svg id="%s" class="chart" role="img" viewBox="0 0 %d %d" width="100%%" %s>`, id, w, h, chartFont)
	bw := slot * 0.7
	if second != nil {
		bw = slot * 0.38
	}
	for i, c := range first {
		x := 30 + float64(i)*slot
		bar(&b, "bar", c, x, bw, max, h-bottom, h-bottom-top, barColor)
		if second != nil && i < len(second) {
			bar(&b, "bar2", second[i], x+bw+1, bw, max, h-bottom, h-bottom-top, barColor2)
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle" fill="%s">%s</text>`,
			x+slot*0.35, h-bottom+14, textColor, html.EscapeString(shortMonth(c.Label)))
	}
	fmt.Fprintf(&b, `<line x1="28" y1="%d" x2="%d" y2="%d" stroke="#888"/>`, h-bottom, w-8, h-bottom)
	if second != nil {
		fmt.Fprintf(&b, `<rect x="30" y="%d" width="10" height="10" fill="%s"/><text x="44" y="%d">%s</text>`,
			h-14, barColor, h-5, html.EscapeString(legend[0]))
		fmt.Fprintf(&b, `<rect x="160" y="%d" width="10" height="10" fill="%s"/><text x="174" y="%d">%s</text>`,
			h-14, barColor2, h-5, html.EscapeString(legend[1]))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func bar(b *strings.Builder, class string, c Count, x, bw float64, max, base, height int, color string) {
	bh := float64(height) * float64(c.N) / float64(max)
	fmt.Fprintf(b, `<rect class="%s" data-label="%s" data-n="%d" x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s: %d</title></rect>`,
		class, html.EscapeString(c.Label), c.N, x, float64(base)-bh, bw, bh, color, html.EscapeString(c.Label), c.N)
	if c.N > 0 {
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="middle" fill="%s">%d</text>`, x+bw/2, float64(base)-bh-3, textColor, c.N)
	}
}

// BarChart draws one horizontal bar per count (categories, outcomes,
// channels), with the count and its share of total.
func BarChart(id string, cs []Count, total int) template.HTML {
	const w, row = 640, 22
	h := row*max1(len(cs)) + 10
	max := maxN(cs, nil)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg id="%s" class="chart" role="img" viewBox="0 0 %d %d" width="100%%" %s>`, id, w, h, chartFont)
	for i, c := range cs {
		y := 5 + i*row
		bw := float64(w-labelWidth-90) * float64(c.N) / float64(max)
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" fill="%s">%s</text>`, labelWidth-6, y+14, textColor, html.EscapeString(c.Label))
		fmt.Fprintf(&b, `<rect class="bar" data-label="%s" data-n="%d" x="%d" y="%d" width="%.1f" height="%d" fill="%s"><title>%s: %d</title></rect>`,
			html.EscapeString(c.Label), c.N, labelWidth, y+2, bw, row-6, barColor, html.EscapeString(c.Label), c.N)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" fill="%s">%d (%s)</text>`, float64(labelWidth)+bw+6, y+14, textColor, c.N, Percent(c.N, total))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// ShareBar draws one 100% bar split into n of total and the rest, for a
// share like "decided on time".
func ShareBar(id string, n, total int, yes, no string) template.HTML {
	const w, h = 640, 46
	frac := 0.0
	if total > 0 {
		frac = float64(n) / float64(total)
	}
	full := float64(w - 20)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg id="%s" class="chart" role="img" viewBox="0 0 %d %d" width="100%%" %s>`, id, w, h, chartFont)
	fmt.Fprintf(&b, `<rect class="bar" data-label="%s" data-n="%d" x="10" y="4" width="%.1f" height="20" fill="#3c8d5a"/>`, html.EscapeString(yes), n, full*frac)
	fmt.Fprintf(&b, `<rect class="bar" data-label="%s" data-n="%d" x="%.1f" y="4" width="%.1f" height="20" fill="#d9825b"/>`,
		html.EscapeString(no), total-n, 10+full*frac, full*(1-frac))
	fmt.Fprintf(&b, `<text x="10" y="40" fill="%s">%s: %d (%s)</text>`, textColor, html.EscapeString(yes), n, Percent(n, total))
	fmt.Fprintf(&b, `<text x="%d" y="40" text-anchor="end" fill="%s">%s: %d</text>`, w-10, textColor, html.EscapeString(no), total-n)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

var dutchMonths = [...]string{"jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"}

// shortMonth turns "2026-03" into "mrt".
func shortMonth(key string) string {
	var y, m int
	if _, err := fmt.Sscanf(key, "%d-%d", &y, &m); err != nil || m < 1 || m > 12 {
		return key
	}
	return dutchMonths[m-1]
}

func maxN(a, b []Count) int {
	m := 1
	for _, cs := range [][]Count{a, b} {
		for _, c := range cs {
			if c.N > m {
				m = c.N
			}
		}
	}
	return m
}

func max1(n int) int {
	if n < 1 {
		return 1
	}
	return n
}
