package parse

import (
	"path"
	"strings"
)

func isTNEF(ctype, name string) bool {
	return ctype == "application/ms-tnef" || ctype == "application/vnd.ms-tnef" || strings.EqualFold(name, "winmail.dat")
}

// addTNEF unpacks a winmail.dat into the message's attachments and hands
// back its body text. It reports false when the data is not TNEF, so that
// the caller keeps it as an ordinary attachment. owned says data is a
// decoded copy the files may point into, not the caller's buffer.
//
// Every file inside counts as a part against Limits.MaxParts: past it the
// files are not listed and Parse returns ErrTooManyParts.
func (p *parser) addTNEF(data []byte, owned bool, text *string) bool {
	room := max(p.lim.MaxParts-p.parts, 0)
	res, err := decodeTNEF(data, p.bud, room, p.lim.MaxTextBytes)
	if res == nil {
		p.warnOnce("winmail.dat is not a TNEF stream: kept as an attachment")
		return false
	}
	if err != nil {
		p.warnOnce("winmail.dat is damaged: unpacked what could be read")
	}
	p.parts += min(res.files, room+1)
	if res.files > room {
		p.fail(ErrTooManyParts, "winmail.dat holds %d files, more than the part limit of %d allows: the rest is not listed", res.files, p.lim.MaxParts)
	}
	if res.textCapped && !p.bud.over() {
		p.warnOnce("winmail.dat body over a size cap (8 MiB of RTF, MaxTextBytes of text): its text is cut off")
	}
	if *text == "" {
		*text = res.text
	}
	for _, a := range res.attachments {
		if a.Data != nil && !owned {
			a.Data = append([]byte(nil), a.Data...) // never hand out the caller's buffer
		}
		p.msg.Attachments = append(p.msg.Attachments, a)
	}
	return true
}

// typeByExtension guesses the media type of a TNEF file, which often has
// none. A fixed table keeps results the same on every machine.
func typeByExtension(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := extTypes[ext]; ok {
		return t
	}
	return "application/octet-stream"
}

var extTypes = map[string]string{
	".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
	".gif": "image/gif", ".txt": "text/plain", ".htm": "text/html", ".html": "text/html",
	".doc": "application/msword", ".xls": "application/vnd.ms-excel", ".zip": "application/zip",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".msg":  "application/vnd.ms-outlook", ".eml": "message/rfc822", ".ics": "text/calendar",
}
