package parse

import (
	"strconv"
	"strings"

	"golang.org/x/net/html"
)

// Bounds of the HTML conversion. Its time is linear in the input and its
// output at most the input plus htmlSlack: list indentation stops growing
// after maxListIndent levels, quote prefixes after maxQuotePrefix, and a
// link's text is compared with its URL over a window proportional to the
// URL, not over everything written since the <a>.
const (
	maxListIndent  = 4
	maxQuotePrefix = 8
	maxOpen        = 64 // open lists and links tracked; deeper ones are counted only
	htmlSlack      = 64 << 10
)

// htmlToText converts an HTML body to readable plain text: paragraphs and
// line breaks kept, lists as "- " or "1. ", blockquotes as "> ", links as
// "text <url>" when the URL adds something, tables as cells separated by
// spaces; scripts, styles, comments (so Word's conditional XML) and all
// attributes dropped. capped reports that the output reached its cap
// (maxOut, and never more than len(src)+htmlSlack) or the budget ran out,
// and the text is cut there.
func htmlToText(src string, bud *budget, maxOut int) (text string, capped bool) {
	z := html.NewTokenizer(strings.NewReader(src))
	w := &textWriter{max: min(maxOut, len(src)+htmlSlack)}
	w.sb.Grow(min(len(src)/3, 1<<20))
	skip := 0 // inside script, style, title, ...
	var links []linkStart
	deepLinks := 0 // anchors opened past maxOpen
	for !w.full {
		if bud.tick() {
			return w.String(), true
		}
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return w.String(), false
		case html.TextToken:
			if skip == 0 {
				w.text(string(z.Text()))
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			tag := knownTags[string(name)] // "" for tags that change nothing
			if skipTags[tag] {
				if tt == html.StartTagToken {
					skip++
				}
				continue
			}
			if tag == "a" && hasAttr {
				if len(links) < maxOpen {
					links = append(links, linkStart{href: attr(z, "href"), at: w.sb.Len()})
				} else {
					deepLinks++
				}
				continue
			}
			w.open(tag)
		case html.EndTagToken:
			name, _ := z.TagName()
			tag := knownTags[string(name)]
			if skipTags[tag] {
				if skip > 0 {
					skip--
				}
				continue
			}
			if tag == "a" && deepLinks > 0 {
				deepLinks--
				continue
			}
			if tag == "a" && len(links) > 0 {
				l := links[len(links)-1]
				links = links[:len(links)-1]
				w.link(l)
				continue
			}
			w.close(tag)
		}
	}
	return w.String(), true
}

var skipTags = map[string]bool{
	"script": true, "style": true, "title": true, "xml": true, "template": true,
	"noscript": true, "object": true, "svg": true,
}

var blockTags = map[string]int{ // newlines before and after: 1 line, 2 paragraph
	"p": 2, "div": 1, "h1": 2, "h2": 2, "h3": 2, "h4": 2, "h5": 2, "h6": 2,
	"ul": 1, "ol": 1, "li": 1, "table": 1, "tr": 1, "blockquote": 2, "pre": 2,
	"hr": 1, "address": 1, "section": 1, "article": 1, "header": 1, "footer": 1,
	"dl": 1, "dt": 1, "dd": 1, "center": 1, "form": 1, "fieldset": 1, "figure": 1,
	"caption": 1, "tbody": 0, "thead": 0, "body": 1, "html": 0, "main": 1, "nav": 1,
}

// knownTags maps every tag name the conversion acts on to itself, so that
// a tag costs a map lookup, not an allocation. Read only.
var knownTags = func() map[string]string {
	m := map[string]string{}
	for _, t := range []string{"a", "br", "hr", "td", "th", "blockquote", "pre", "ul", "ol", "li"} {
		m[t] = t
	}
	for t := range skipTags {
		m[t] = t
	}
	for t := range blockTags {
		m[t] = t
	}
	return m
}()

type linkStart struct {
	href string
	at   int
}

func attr(z *html.Tokenizer, want string) string {
	for {
		k, v, more := z.TagAttr()
		if string(k) == want {
			return string(v)
		}
		if !more {
			return ""
		}
	}
}

// textWriter builds the text with pending line breaks, quote prefixes and
// list markers.
type textWriter struct {
	sb      strings.Builder
	nl      int    // line breaks owed before the next text
	space   bool   // a space is owed before the next text
	bol     bool   // at the beginning of a line
	quote   int    // blockquote depth
	pre     int    // inside <pre>
	lists   []int  // per open list: -1 for ul, else the next number
	deep    int    // lists opened past maxOpen
	bullet  string // marker owed to the next text
	started bool
	max     int  // output cap in bytes
	full    bool // the cap was reached: nothing more is written
}

func (w *textWriter) need(n int) {
	if w.started && n > w.nl {
		w.nl = n
	}
}

func (w *textWriter) open(tag string) {
	switch tag {
	case "br":
		w.brk()
		return
	case "hr":
		w.need(1)
		w.emit("----------")
		w.need(1)
		return
	case "td", "th":
		w.space = true
		return
	case "blockquote":
		w.need(2)
		w.quote++
		return
	case "pre":
		w.pre++
	case "ul", "ol":
		switch {
		case len(w.lists) >= maxOpen:
			w.deep++
		case tag == "ul":
			w.lists = append(w.lists, -1)
		default:
			w.lists = append(w.lists, 1)
		}
	case "li":
		w.need(1)
		w.bullet = w.listMarker()
		return
	}
	if n, ok := blockTags[tag]; ok {
		w.need(n)
	}
}

func (w *textWriter) close(tag string) {
	switch tag {
	case "blockquote":
		if w.quote > 0 {
			w.quote--
		}
		w.need(2)
		return
	case "pre":
		if w.pre > 0 {
			w.pre--
		}
	case "ul", "ol":
		if w.deep > 0 {
			w.deep--
		} else if len(w.lists) > 0 {
			w.lists = w.lists[:len(w.lists)-1]
		}
	}
	if n, ok := blockTags[tag]; ok {
		w.need(n)
	}
}

func (w *textWriter) listMarker() string {
	if len(w.lists) == 0 {
		return "- "
	}
	indent := strings.Repeat("  ", min(len(w.lists)-1, maxListIndent))
	top := &w.lists[len(w.lists)-1]
	if *top < 0 {
		return indent + "- "
	}
	n := *top
	*top++
	return indent + strconv.Itoa(n) + ". "
}

// brk is a hard line break: owed even when one is already owed.
func (w *textWriter) brk() {
	if !w.started {
		return
	}
	if w.nl == 0 && w.bol {
		if w.full || w.sb.Len()+1+maxQuotePrefix > w.max {
			w.full = true
			return
		}
		w.sb.WriteByte('\n')
		w.quotePrefix(true)
		return
	}
	w.nl++
	if w.nl > 2 {
		w.nl = 2
	}
}

func (w *textWriter) text(s string) {
	if w.pre > 0 {
		for i, line := range strings.Split(s, "\n") {
			if i > 0 {
				w.brk()
			}
			w.emit(line)
		}
		return
	}
	if strings.Contains(s, "\u00ad") { // soft hyphen
		s = strings.ReplaceAll(s, "\u00ad", "")
	}
	var sb strings.Builder
	sb.Grow(len(s))
	for _, f := range strings.FieldsFunc(s, isHTMLSpace) {
		if sb.Len() > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(f)
	}
	if len(s) > 0 && isHTMLSpace(rune(s[0])) || strings.HasPrefix(s, "\u00a0") {
		w.space = true
	}
	if sb.Len() > 0 {
		w.emit(sb.String())
	}
	if len(s) > 0 && (isHTMLSpace(rune(s[len(s)-1])) || strings.HasSuffix(s, "\u00a0")) {
		w.space = true
	}
}

func isHTMLSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\f', '\u00a0', '\u200b', '\ufeff', '\u200c':
		return true
	}
	return false
}

func (w *textWriter) emit(s string) {
	if s == "" && w.bullet == "" || w.full {
		return
	}
	if w.sb.Len()+len(s)+w.nl+len(w.bullet)+maxQuotePrefix+2 > w.max {
		w.full = true
		return
	}
	if w.nl > 0 {
		for i := 0; i < w.nl; i++ {
			w.sb.WriteByte('\n')
		}
		w.nl, w.bol, w.space = 0, true, false
	}
	if !w.started {
		w.started, w.bol, w.space = true, true, false
	}
	if w.bol {
		w.quotePrefix(false)
		if w.bullet != "" {
			w.sb.WriteString(w.bullet)
			w.bullet = ""
		}
		w.bol, w.space = false, false
	}
	if w.space {
		w.sb.WriteByte(' ')
		w.space = false
	}
	w.sb.WriteString(s)
}

func (w *textWriter) quotePrefix(blank bool) {
	for i := 0; i < min(w.quote, maxQuotePrefix); i++ {
		w.sb.WriteByte('>')
	}
	if w.quote > 0 && !blank {
		w.sb.WriteByte(' ')
	}
}

// link appends the URL after the link text unless it adds nothing.
func (w *textWriter) link(l linkStart) {
	href := strings.TrimSpace(l.href)
	lower := strings.ToLower(href)
	if href == "" || strings.HasPrefix(lower, "#") || strings.HasPrefix(lower, "cid:") || strings.HasPrefix(lower, "javascript:") {
		return
	}
	shown := ""
	if l.at <= w.sb.Len() {
		shown = w.sb.String()[l.at:]
	}
	bare := strings.TrimPrefix(strings.TrimPrefix(lower, "mailto:"), "tel:")
	// Only a window of the link text as long as a few URLs is compared:
	// text much longer than its URL does not merely repeat it, and nested
	// or unclosed anchors must not make the conversion quadratic.
	if win := 4*len(href) + 256; len(shown) > win {
		shown = shown[:win]
	}
	low := strings.ToLower(shown)
	if strings.Contains(low, bare) || strings.Contains(low, strings.TrimPrefix(strings.TrimPrefix(bare, "https://"), "http://")) {
		return
	}
	if strings.HasPrefix(lower, "mailto:") {
		href = href[len("mailto:"):]
	}
	w.space = strings.TrimSpace(shown) != ""
	w.emit("<" + href + ">")
}

func (w *textWriter) String() string {
	lines := strings.Split(w.sb.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	out := strings.TrimSpace(strings.Join(lines, "\n"))
	if out == "" {
		return ""
	}
	return out + "\n"
}
