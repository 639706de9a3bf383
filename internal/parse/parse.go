package parse

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// run fills the message from the raw bytes.
func (p *parser) run(raw []byte) {
	top := p.readPart(raw, 0, "text/plain")
	if top == nil {
		return
	}
	m := p.msg
	if cs := top.params["charset"]; cs != "" {
		p.charset = cs
	}
	p.readHeaders(top.hdr)
	m.ContentType = top.ctype
	if top.ctype == "multipart/report" {
		p.readReport(top)
	} else {
		for _, c := range top.children {
			if c.ctype == "multipart/report" {
				p.readReport(c)
				break
			}
		}
	}
	text, _, _ := p.bodyOf(top)
	var tnefText string
	p.collectAttachments(top, nil, &tnefText)
	if strings.TrimSpace(text) == "" && tnefText != "" {
		text = tnefText
	}
	if strings.TrimSpace(text) == "" && p.bud.spent {
		text = p.firstPlainText(top)
	}
	m.Text = tidyText(p.capText(text))
	m.NewText = newText(m.Text)
}

// firstPlainText decodes the first plain text part that was read, for a
// mail whose budget ran out before its body was found: decoding one part,
// capped at MaxTextBytes, is cheap and bounded.
func (p *parser) firstPlainText(pt *part) string {
	if pt.ctype == "text/plain" && isBodyCandidate(pt) {
		return p.capText(p.partText(pt))
	}
	for _, c := range pt.children {
		if t := p.firstPlainText(c); t != "" {
			return t
		}
	}
	return ""
}

// readHeaders fills the header map and the fields taken from the header.
func (p *parser) readHeaders(h header) {
	m := p.msg
	for _, f := range h {
		m.Header[f.name] = append(m.Header[f.name], p.decodeHeaderText(unfold(f.raw)))
	}
	if ids := parseIDs(h.get("Message-Id")); len(ids) > 0 {
		m.MessageID = ids[0]
	} else if h.has("Message-Id") {
		p.warnOnce("Message-ID header without an id: deduplicate on the hash")
	} else {
		p.warnOnce("no Message-ID header: deduplicate on the hash")
	}
	m.InReplyTo = parseIDs(h.get("In-Reply-To"))
	m.References = parseIDs(h.get("References"))
	m.Subject = strings.TrimSpace(m.HeaderValue("Subject"))
	p.readDate(h)
	p.readAddresses(h)
	p.readCaseRef()
}

func (p *parser) readDate(h header) {
	v := unfold(h.get("Date"))
	if v == "" {
		p.warnOnce("no Date header: use the delivery time")
		return
	}
	t, ok := parseDate(v)
	if !ok {
		p.warnOnce("unreadable Date header " + quoteLabel(v) + ": use the delivery time")
		return
	}
	p.msg.Date = t
}

func (p *parser) readAddresses(h header) {
	m := p.msg
	m.From = p.parseAddressList(h.get("From"), "From")
	if !h.has("From") {
		p.warnOnce("no From header")
	}
	if s := p.parseAddressList(h.get("Sender"), "Sender"); len(s) > 0 {
		m.Sender = &s[0]
	}
	m.ReplyTo = p.parseAddressList(h.get("Reply-To"), "Reply-To")
	m.To = p.parseAddressList(h.get("To"), "To")
	m.Cc = p.parseAddressList(h.get("Cc"), "Cc")
	if h.has("Return-Path") {
		rp := normalizeAddr(p.decodeHeaderText(unfold(h.get("Return-Path"))))
		if rp == "" {
			m.NullReturnPath = true
		} else {
			m.ReturnPath = rp
		}
	}
	m.ReplyAddress = replyAddress(m)
}

// replyAddress picks where the complainant is answered (domain.md): the
// Reply-To, else the single From mailbox, else the envelope sender.
func replyAddress(m *Message) string {
	for _, a := range m.ReplyTo {
		if strings.Contains(a.Address, "@") {
			return a.Address
		}
	}
	if len(m.From) == 1 && strings.Contains(m.From[0].Address, "@") {
		return m.From[0].Address
	}
	if strings.Contains(m.ReturnPath, "@") {
		return m.ReturnPath
	}
	return ""
}

// readCaseRef takes the case reference from the subject, else from a
// +KL-… sub-address among the recipients or the delivery headers.
func (p *parser) readCaseRef() {
	m := p.msg
	if ref := RefFromSubject(m.Subject); ref != "" {
		m.CaseRef = ref
		return
	}
	for _, list := range [][]Address{m.To, m.Cc} {
		for _, a := range list {
			if ref := RefFromAddress(a.Address); ref != "" {
				m.CaseRef = ref
				return
			}
		}
	}
	for _, name := range []string{"Delivered-To", "X-Original-To", "Envelope-To"} {
		for _, v := range m.Header[name] {
			if ref := RefFromAddress(v); ref != "" {
				m.CaseRef = ref
				return
			}
		}
	}
}

// capText cleans a text (CleanText can make it longer) and cuts it to
// Limits.MaxTextBytes, with a warning.
func (p *parser) capText(s string) string {
	s, cut := cutText(CleanText(s), p.lim.MaxTextBytes)
	if cut {
		p.warnOnce(fmt.Sprintf("text over %d bytes: cut off (the raw mail is kept whole)", p.lim.MaxTextBytes))
	}
	return s
}

// cutText cuts s to at most n bytes at a character boundary.
func cutText(s string, n int) (string, bool) {
	if len(s) <= n {
		return s, false
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n], true
}

// tidyText drops leading and trailing blank lines and ends the text with
// one line break.
func tidyText(s string) string {
	if strings.IndexByte(s, '\r') >= 0 {
		s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	}
	s = strings.TrimRight(s, " \t\n")
	for {
		i := strings.IndexByte(s, '\n')
		if i < 0 || strings.TrimSpace(s[:i]) != "" {
			break
		}
		s = s[i+1:]
	}
	if strings.TrimSpace(s) == "" {
		return ""
	}
	if !utf8.ValidString(s) { // every decoder returns UTF-8; this is a safety net
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return s + "\n"
}
