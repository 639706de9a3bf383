package parse

import (
	"bytes"
	"fmt"
	"path"
	"strings"
	"unicode/utf8"
)

// isBodyCandidate reports whether a leaf can be (part of) the body text:
// text/plain or text/html that is not marked as an attachment and has no
// file name.
func isBodyCandidate(pt *part) bool {
	if pt.ctype != "text/plain" && pt.ctype != "text/html" {
		return false
	}
	return pt.disp != "attachment" && pt.filename() == ""
}

func (pt *part) filename() string {
	if n := pt.dparams["filename"]; n != "" {
		return n
	}
	return pt.params["name"]
}

// bodyOf returns the body text of an entity: for multipart/alternative the
// plain text when it has content, else the HTML converted; for
// multipart/related its root; for other multiparts the text parts in order.
// fromHTML reports that the text was converted from HTML.
func (p *parser) bodyOf(pt *part) (text string, fromHTML, ok bool) {
	switch {
	case p.bud.over():
		return "", false, false
	case pt.ctype == "multipart/alternative":
		return p.alternativeBody(pt)
	case pt.ctype == "multipart/related":
		if root := relatedRoot(pt); root != nil {
			return p.bodyOf(root)
		}
		return "", false, false
	case pt.ctype == "multipart/signed" && len(pt.children) > 0:
		return p.bodyOf(pt.children[0])
	case strings.HasPrefix(pt.ctype, "multipart/"):
		return p.mixedBody(pt)
	case !isBodyCandidate(pt):
		return "", false, false
	case pt.ctype == "text/html":
		return p.htmlText(p.partText(pt)), true, true
	default:
		t := p.capText(p.partText(pt))
		if strings.EqualFold(pt.params["format"], "flowed") {
			t = unflow(t, strings.EqualFold(pt.params["delsp"], "yes"))
		}
		return t, false, true
	}
}

func (p *parser) alternativeBody(pt *part) (string, bool, bool) {
	var fallback string
	var fbHTML, found bool
	var htmls []*part
	for _, c := range pt.children {
		if c.ctype == "text/html" {
			htmls = append(htmls, c)
			continue
		}
		t, h, ok := p.bodyOf(c)
		if !ok {
			continue
		}
		if !h && strings.TrimSpace(t) != "" {
			return t, false, true
		}
		if !found || strings.TrimSpace(fallback) == "" {
			fallback, fbHTML, found = t, h, true
		}
	}
	for i := len(htmls) - 1; i >= 0; i-- {
		if t, h, ok := p.bodyOf(htmls[i]); ok && strings.TrimSpace(t) != "" {
			return t, h, true
		}
	}
	return fallback, fbHTML, found
}

func (p *parser) mixedBody(pt *part) (string, bool, bool) {
	var pieces []string
	var only string // the one piece untrimmed: no copy per level of nesting
	var anyHTML, found bool
	total := 0
	for _, c := range pt.children {
		if total >= p.lim.MaxTextBytes {
			break // the text is cut anyway: don't decode what would be dropped
		}
		t, h, ok := p.bodyOf(c)
		if !ok {
			continue
		}
		found = true
		anyHTML = anyHTML || h
		if strings.TrimSpace(t) != "" {
			pieces = append(pieces, strings.TrimRight(t, "\n "))
			only = t
			total += len(t)
		}
	}
	if len(pieces) == 1 {
		return only, anyHTML, found
	}
	return strings.Join(pieces, "\n\n"), anyHTML, found
}

// htmlText converts an HTML body part, with a warning when it was cut.
func (p *parser) htmlText(src string) string {
	text, capped := htmlToText(src, p.bud, p.lim.MaxTextBytes)
	if capped && !p.bud.over() {
		p.warnOnce(fmt.Sprintf("HTML body over the size cap of %d bytes: its text is cut off", p.lim.MaxTextBytes))
	}
	return text
}

// relatedRoot is the part named by the start parameter, else the first.
func relatedRoot(pt *part) *part {
	if len(pt.children) == 0 {
		return nil
	}
	if start := strings.Trim(pt.params["start"], "<>"); start != "" {
		for _, c := range pt.children {
			if strings.Trim(c.hdr.getString("Content-Id"), "<>") == start {
				return c
			}
		}
	}
	return pt.children[0]
}

// partText decodes a text part to UTF-8 with "\n" line ends; a plain text
// part only as far as Limits.MaxTextBytes.
func (p *parser) partText(pt *part) string {
	data, w := decodeTransfer(pt.body, pt.hdr.getString("Content-Transfer-Encoding"))
	if w != "" {
		p.warnOnce(w)
	}
	if pt.ctype != "text/html" && len(data) > p.lim.MaxTextBytes {
		// Decoding to UTF-8 never shrinks a text: this is enough for the
		// cut in bodyOf. HTML is converted whole (its text is capped).
		data = data[:p.lim.MaxTextBytes+1]
	}
	label := pt.params["charset"]
	if label == "" && pt.ctype == "text/html" && !utf8.Valid(data) {
		label = metaCharset(data)
	}
	text, w := decodeCharset(data, label)
	if w != "" {
		p.warnOnce(w)
	}
	if strings.IndexByte(text, '\r') >= 0 {
		text = strings.ReplaceAll(text, "\r\n", "\n")
		text = strings.ReplaceAll(text, "\r", "\n")
	}
	return text
}

// metaCharset finds <meta charset=...> or http-equiv content charset in the
// first bytes of an HTML document.
func metaCharset(b []byte) string {
	if len(b) > 4096 {
		b = b[:4096]
	}
	i := bytes.Index(bytes.ToLower(b), []byte("charset="))
	if i < 0 {
		return ""
	}
	v := bytes.TrimLeft(b[i+8:], "\"' ")
	end := bytes.IndexAny(v, "\"' ;>/")
	if end < 0 {
		return ""
	}
	return string(v[:end])
}

// reportMachineParts are the parts of a multipart/report that Report holds;
// they are not listed as attachments.
var reportMachineParts = map[string]bool{
	"message/delivery-status":                 true,
	"message/global-delivery-status":          true,
	"message/disposition-notification":        true,
	"message/global-disposition-notification": true,
	"text/rfc822-headers":                     true,
	"message/feedback-report":                 true,
}

// collectAttachments lists every leaf that is not body text.
func (p *parser) collectAttachments(pt *part, parent *part, tnefText *string) {
	if p.bud.over() {
		return
	}
	if strings.HasPrefix(pt.ctype, "multipart/") {
		for _, c := range pt.children {
			p.collectAttachments(c, pt, tnefText)
		}
		return
	}
	if pt.ctype == "text/html" && isBodyCandidate(pt) {
		p.msg.HTML = true
	}
	if isBodyCandidate(pt) || parent != nil && parent.ctype == "multipart/report" && reportMachineParts[pt.ctype] {
		return
	}
	if parent != nil && parent.ctype == "multipart/signed" && strings.HasSuffix(pt.ctype, "-signature") {
		return
	}
	data, w := decodeTransfer(pt.body, pt.hdr.getString("Content-Transfer-Encoding"))
	if w != "" {
		p.warnOnce(w)
	}
	name := pt.filename()
	if isTNEF(pt.ctype, name) {
		if p.addTNEF(data, !sameMemory(data, pt.body), tnefText) {
			return
		}
	}
	if sameMemory(data, pt.body) {
		data = bytes.Clone(data) // never hand out the caller's buffer
	}
	if name == "" && (pt.ctype == "message/rfc822" || pt.ctype == "message/global") {
		name = p.forwardedName(data)
	}
	p.msg.Attachments = append(p.msg.Attachments, Attachment{
		Filename:    cleanFilename(name),
		ContentType: pt.ctype,
		Size:        int64(len(data)),
		Inline:      pt.disp == "inline" || pt.disp == "" && pt.hdr.has("Content-Id"),
		Data:        data,
		ContentID:   strings.ToValidUTF8(strings.Trim(pt.hdr.getString("Content-Id"), "<> "), "?"),
	})
}

func sameMemory(a, b []byte) bool {
	return len(a) > 0 && len(b) > 0 && &a[0] == &b[0]
}

// forwardedName names a forwarded message after its subject.
func (p *parser) forwardedName(data []byte) string {
	h, _, _, _, _ := readHeader(data, p.lim.MaxHeaderBytes)
	subj := strings.TrimSpace(p.decodeHeaderText(unfold(h.get("Subject"))))
	if subj == "" {
		return "forwarded-message.eml"
	}
	if len(subj) > 100 {
		subj = strings.ToValidUTF8(subj[:100], "")
	}
	return strings.NewReplacer("/", "-", "\\", "-").Replace(subj) + ".eml"
}

// cleanFilename keeps the base name (some clients send full Windows paths)
// and drops control characters.
func cleanFilename(n string) string {
	if n == "" {
		return ""
	}
	n = strings.ReplaceAll(n, "\\", "/")
	n = path.Base(n)
	if n == "." || n == "/" {
		return ""
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, n)
}
