package parse

import "strings"

// readReport fills Message.Report from a multipart/report entity.
func (p *parser) readReport(pt *part) {
	rep := &Report{ReportType: strings.ToLower(pt.params["report-type"])}
	for _, c := range pt.children {
		data, _ := decodeTransfer(c.body, c.hdr.getString("Content-Transfer-Encoding"))
		switch c.ctype {
		case "message/delivery-status", "message/global-delivery-status":
			readDSN(rep, data)
		case "message/disposition-notification", "message/global-disposition-notification":
			readMDN(rep, data)
		case "message/rfc822", "message/global", "text/rfc822-headers", "message/global-headers":
			h, _, _, _, _ := readHeader(data, p.lim.MaxHeaderBytes)
			if ids := parseIDs(h.get("Message-Id")); len(ids) > 0 && rep.OriginalMessageID == "" {
				rep.OriginalMessageID = ids[0]
			}
		}
	}
	p.msg.Report = rep
}

// readDSN reads the field groups of a message/delivery-status body
// (RFC 3464): the per-message group, then one group per recipient. The
// first failed recipient is reported, else the first recipient.
func readDSN(rep *Report, data []byte) {
	chosen := false
	for group := 0; len(data) > 0 && group < 100; group++ {
		var h header
		h, data, _, _, _ = readHeader(trimBlankLines(data), 64<<10)
		if len(h) == 0 {
			break
		}
		action := strings.ToLower(h.getString("Action"))
		if action == "" || chosen {
			continue
		}
		rep.Action = strings.ToValidUTF8(action, "?")
		rep.Status = strings.ToValidUTF8(firstToken(h.getString("Status")), "?")
		rep.Recipient = typedValue(h.getString("Final-Recipient"))
		if rep.Recipient == "" {
			rep.Recipient = typedValue(h.getString("Original-Recipient"))
		}
		rep.DiagnosticCode = strings.Join(strings.Fields(typedValue(h.getString("Diagnostic-Code"))), " ")
		chosen = action == "failed"
	}
}

// readMDN reads a message/disposition-notification body (RFC 8098).
func readMDN(rep *Report, data []byte) {
	h, _, _, _, _ := readHeader(trimBlankLines(data), 64<<10)
	rep.Disposition = strings.ToValidUTF8(h.getString("Disposition"), "?")
	rep.Recipient = typedValue(h.getString("Final-Recipient"))
	if ids := parseIDs(h.get("Original-Message-Id")); len(ids) > 0 {
		rep.OriginalMessageID = ids[0]
	}
}

// typedValue strips the address type of "rfc822; jan@example.nl".
func typedValue(s string) string {
	s = strings.ToValidUTF8(s, "?")
	if _, v, ok := strings.Cut(s, ";"); ok {
		return strings.TrimSpace(strings.Trim(strings.TrimSpace(v), "<>"))
	}
	return strings.TrimSpace(s)
}

func firstToken(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}

func trimBlankLines(b []byte) []byte {
	for len(b) > 0 && (b[0] == '\r' || b[0] == '\n') {
		b = b[1:]
	}
	return b
}
