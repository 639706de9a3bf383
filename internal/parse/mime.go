package parse

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strings"
)

// parser holds the state of one Parse call.
type parser struct {
	lim     Limits
	msg     *Message
	err     error
	parts   int
	charset string // fallback for raw 8-bit headers: the top-level charset
	bud     *budget
	scanned int // bytes of multipart bodies split so far
	maxScan int // scanLimit of the input
}

// scanLimit bounds the bytes all multipart splits of one mail may scan.
// Every nesting level scans its whole body again, so a deep mail costs
// depth × size: 50 levels around 25 MiB would scan 1.25 GB. Eight times
// the mail plus 64 MiB lets any real mail through (a small complaint 50
// levels deep, a large one nested a few levels) and stops the rest with
// ErrTooDeep in about a tenth of a second.
func scanLimit(size int) int { return 8*size + 64<<20 }

func newParser(lim Limits, m *Message) *parser {
	lim = lim.withDefaults()
	return &parser{lim: lim, msg: m, bud: newBudget(lim.MaxDuration, lim.Now), maxScan: math.MaxInt}
}

// part is one MIME entity. body is a slice of the input, still
// transfer-encoded; children are set for multipart entities.
type part struct {
	hdr      header
	ctype    string
	params   map[string]string
	disp     string
	dparams  map[string]string
	body     []byte
	children []*part
	depth    int
}

// fail records the first error, which makes the message Malformed.
func (p *parser) fail(sentinel error, format string, args ...any) {
	msg := cleanLine(fmt.Sprintf(format, args...))
	p.msg.warn("%s", msg)
	if p.err == nil {
		p.err = fmt.Errorf("%w: %s", sentinel, msg)
	} else if !errors.Is(p.err, sentinel) {
		p.err = fmt.Errorf("%w; %w: %s", p.err, sentinel, msg)
	}
}

func (p *parser) warnOnce(w string) { p.msg.warn("%s", w) }

func (p *parser) fallbackCharset() string {
	if p.charset == "" || isUTF8Label(p.charset) || lookupCharset(p.charset) == nil {
		return "windows-1252"
	}
	return p.charset
}

// readPart parses the entity in b at the given depth, with defaultType as
// its Content-Type when it has none (text/plain, or message/rfc822 inside
// multipart/digest). It returns nil when the part limit is reached.
func (p *parser) readPart(b []byte, depth int, defaultType string) *part {
	if depth > 0 && p.bud.over() {
		return nil
	}
	p.parts++
	if p.parts > p.lim.MaxParts {
		if p.parts == p.lim.MaxParts+1 {
			p.fail(ErrTooManyParts, "more than %d MIME parts: the rest is not read", p.lim.MaxParts)
		}
		return nil
	}
	hdr, body, noBlank, tooLarge, junk := readHeader(b, p.lim.MaxHeaderBytes)
	if tooLarge {
		p.fail(ErrHeaderTooLarge, "header over %d bytes: the rest of it is ignored", p.lim.MaxHeaderBytes)
	}
	if noBlank && depth == 0 && len(hdr) > 0 {
		p.warnOnce("no empty line between header and body")
	}
	if depth == 0 && len(hdr) == 0 {
		p.fail(ErrMalformed, "no header fields found")
	} else if junk > 0 && depth == 0 {
		p.warnOnce("lines that are not header fields before the header")
	}
	pt := &part{hdr: hdr, body: body, depth: depth}
	pt.ctype, pt.params = p.parseMediaValue(hdr.getString("Content-Type"))
	if pt.ctype == "" {
		pt.ctype = defaultType
	} else if !strings.Contains(pt.ctype, "/") {
		p.warnOnce("invalid Content-Type " + quoteLabel(pt.ctype) + ": read as text/plain")
		pt.ctype = "text/plain"
	}
	if d := hdr.getString("Content-Disposition"); d != "" {
		pt.disp, pt.dparams = p.parseMediaValue(d)
	}
	if strings.HasPrefix(pt.ctype, "multipart/") {
		p.readChildren(pt)
	}
	return pt
}

// readChildren splits a multipart body into its parts.
func (p *parser) readChildren(pt *part) {
	if pt.depth+1 > p.lim.MaxDepth {
		p.fail(ErrTooDeep, "MIME nesting deeper than %d levels: deeper parts are not read", p.lim.MaxDepth)
		return
	}
	p.scanned += len(pt.body)
	if p.scanned > p.maxScan {
		p.fail(ErrTooDeep, "nested multiparts over %d bytes in all: deeper parts are not read", p.maxScan)
		return
	}
	boundary := pt.params["boundary"]
	room := max(p.lim.MaxParts-p.parts, 0) + 1 // one more finds the limit
	bodies, closed := splitMultipart(pt.body, boundary, room)
	if bodies == nil {
		if guess := guessBoundary(pt.body); guess != "" && guess != boundary {
			bodies, closed = splitMultipart(pt.body, guess, room)
			if bodies != nil {
				p.warnOnce(fmt.Sprintf("multipart boundary %s not found: used %s", quoteLabel(boundary), quoteLabel(guess)))
			}
		}
	}
	if bodies == nil {
		p.fail(ErrMalformed, "%s without usable boundary: body read as plain text", pt.ctype)
		pt.ctype, pt.params = "text/plain", nil
		return
	}
	if !closed {
		p.warnOnce(pt.ctype + " has no closing boundary: the mail may be cut off")
	}
	def := "text/plain"
	if pt.ctype == "multipart/digest" {
		def = "message/rfc822"
	}
	for _, b := range bodies {
		c := p.readPart(b, pt.depth+1, def)
		if c == nil {
			return
		}
		pt.children = append(pt.children, c)
	}
}

// splitMultipart returns the bodies between the delimiter lines of
// boundary, or nil when no delimiter line occurs. closed reports whether
// the close delimiter was found. A delimiter line is "--" boundary, then
// optionally "--", then only whitespace. At most limit bodies are
// returned (closed is then true: the rest is over the part limit anyway).
func splitMultipart(body []byte, boundary string, limit int) (parts [][]byte, closed bool) {
	if boundary == "" || len(boundary) > 200 {
		return nil, false
	}
	delim := []byte("--" + boundary)
	start := -1 // start of the current part's body
	pos := 0
	for pos < len(body) {
		i := bytes.Index(body[pos:], delim)
		if i < 0 {
			break
		}
		i += pos
		pos = i + len(delim)
		if i > 0 && body[i-1] != '\n' {
			continue
		}
		rest := body[pos:]
		eol := bytes.IndexByte(rest, '\n')
		line := rest
		if eol >= 0 {
			line = rest[:eol]
		}
		isClose := bytes.HasPrefix(line, []byte("--"))
		if isClose {
			line = line[2:]
		}
		if len(bytes.Trim(line, " \t\r")) != 0 {
			continue // a longer boundary that starts with ours
		}
		if start >= 0 {
			// An empty part: the delimiter right after the previous one.
			parts = append(parts, body[start:max(start, trimEOL(body, i))])
			if len(parts) >= limit {
				return parts, true
			}
		}
		if isClose {
			return nonNil(parts), true
		}
		if eol < 0 {
			start = len(body)
		} else {
			start = pos + eol + 1
		}
		pos = start
	}
	if start < 0 {
		return nil, false
	}
	parts = append(parts, body[start:])
	return parts, false
}

func nonNil(p [][]byte) [][]byte {
	if p == nil {
		return [][]byte{}
	}
	return p
}

// trimEOL returns the index of the line break before position i in body:
// the CRLF (or LF) before a delimiter belongs to the delimiter.
func trimEOL(body []byte, i int) int {
	if i > 0 && body[i-1] == '\n' {
		i--
		if i > 0 && body[i-1] == '\r' {
			i--
		}
	}
	return i
}

// guessBoundary returns the boundary of the first line that looks like a
// delimiter ("--" followed by a token), for mails whose declared boundary
// does not match the one used.
func guessBoundary(body []byte) string {
	for len(body) > 0 {
		line := body
		if i := bytes.IndexByte(body, '\n'); i >= 0 {
			line, body = body[:i], body[i+1:]
		} else {
			body = nil
		}
		line = bytes.TrimRight(line, " \t\r")
		if len(line) > 3 && line[0] == '-' && line[1] == '-' && bytes.IndexByte(line, ' ') < 0 {
			return string(bytes.TrimSuffix(line[2:], []byte("--")))
		}
	}
	return ""
}
