package parse

import (
	"encoding/binary"
	"errors"
	"strconv"
	"strings"
	"unicode/utf16"
)

// TNEF (winmail.dat, MS-OXTNEF) is how Outlook and Exchange wrap a message
// body and its files when they think the receiver is Outlook too. Other
// mail systems lose those bodies; klachtd unpacks them.

const tnefSignature = 0x223E9F78

// TNEF attribute ids (low word; the high word is the attribute's type).
const (
	attBody           = 0x800C
	attAttachData     = 0x800F
	attAttachTitle    = 0x8010
	attAttachRendData = 0x9002
	attMsgProps       = 0x9003
	attAttachment     = 0x9005
	attOemCodepage    = 0x9007
)

// MAPI property ids inside attMsgProps and attAttachment.
const (
	prBody              = 0x1000
	prRTFCompressed     = 0x1009
	prBodyHTML          = 0x1013
	prAttachDataBin     = 0x3701
	prAttachFilename    = 0x3704
	prAttachLongFilenam = 0x3707
	prAttachMimeTag     = 0x370E
	prAttachContentID   = 0x3712
	prDisplayName       = 0x3001
)

var errTNEF = errors.New("not a valid TNEF stream")

// tnefResult is what a winmail.dat holds.
type tnefResult struct {
	text        string // plain body, or converted HTML/RTF body
	attachments []Attachment
	files       int  // files seen, also those past maxFiles
	textCapped  bool // the RTF or HTML body was cut by a cap or the budget
}

type tnefAttach struct {
	title, longName, mime, cid string
	data                       []byte
}

// decodeTNEF reads a TNEF stream: the message body from attBody or the
// PR_BODY / PR_BODY_HTML / PR_RTF_COMPRESSED properties, and each attached
// file from attAttachTitle/attAttachData or its MAPI properties. At most
// maxFiles files are kept (result.files counts them all). The files' data
// are slices of b, so together they are never larger than b; the body
// text is capped as decompressRTF, rtfToText and htmlToText say. When the
// budget runs out, what was read so far is returned.
func decodeTNEF(b []byte, bud *budget, maxFiles, maxText int) (*tnefResult, error) {
	if len(b) < 6 || binary.LittleEndian.Uint32(b) != tnefSignature {
		return nil, errTNEF
	}
	t := &tnefDecoder{codepage: "windows-1252", bud: bud, maxFiles: maxFiles, maxText: maxText}
	pos := 6
	for pos+9 <= len(b) && !bud.tick() {
		level := b[pos]
		id := binary.LittleEndian.Uint32(b[pos+1:]) & 0xFFFF
		n := int(binary.LittleEndian.Uint32(b[pos+5:]))
		pos += 9
		if n < 0 || n > len(b)-pos {
			return t.result(), errTNEF
		}
		t.attribute(level, id, b[pos:pos+n])
		pos += n + 2 // data and checksum
	}
	return t.result(), nil
}

type tnefDecoder struct {
	codepage string
	body     string
	html     string
	rtf      []byte
	atts     []*tnefAttach
	current  *tnefAttach // the file being read; past maxFiles, scratch
	scratch  tnefAttach
	files    int
	maxFiles int
	maxText  int
	bud      *budget
}

func (t *tnefDecoder) cur() *tnefAttach {
	if t.current == nil {
		t.newAttach()
	}
	return t.current
}

// newAttach starts the next file; past maxFiles it is read and dropped.
func (t *tnefDecoder) newAttach() {
	t.files++
	if len(t.atts) < t.maxFiles {
		t.current = &tnefAttach{}
		t.atts = append(t.atts, t.current)
		return
	}
	t.scratch = tnefAttach{}
	t.current = &t.scratch
}

func (t *tnefDecoder) attribute(level byte, id uint32, data []byte) {
	switch id {
	case attOemCodepage:
		if len(data) >= 4 {
			t.codepage = codepageLabel(binary.LittleEndian.Uint32(data))
		}
	case attBody:
		t.body = t.str8(data)
	case attMsgProps:
		t.props(data, nil)
	case attAttachRendData:
		t.newAttach()
	case attAttachTitle:
		t.cur().title = t.str8(data)
	case attAttachData:
		t.cur().data = data
	case attAttachment:
		t.props(data, t.cur())
	}
}

func (t *tnefDecoder) str8(b []byte) string {
	if i := indexNUL(b); i >= 0 {
		b = b[:i]
	}
	s, _ := decodeCharset(b, t.codepage)
	return s
}

func indexNUL(b []byte) int {
	for i, c := range b {
		if c == 0 {
			return i
		}
	}
	return -1
}

// props reads a MAPI property list (MS-OXTNEF 2.1.3.4) into the message
// (a == nil) or into an attachment.
func (t *tnefDecoder) props(b []byte, a *tnefAttach) {
	r := &byteReader{b: b}
	count := r.u32()
	for i := uint32(0); i < count && r.ok() && !t.bud.tick(); i++ {
		typ, id := r.u16(), r.u16()
		if id >= 0x8000 { // named property: GUID, kind, id or name
			r.skip(16)
			if r.u32() == 0 {
				r.skip(4)
			} else {
				r.skip(pad4(int(r.u32())))
			}
		}
		values := uint32(1)
		base := typ &^ 0x3000
		if typ&0x1000 != 0 || isVariableType(base) {
			values = r.u32()
		}
		for v := uint32(0); v < values && r.ok(); v++ {
			val, ok := r.value(base)
			if !ok {
				return
			}
			if v == 0 {
				t.prop(a, id, base, val)
			}
		}
	}
}

func (t *tnefDecoder) prop(a *tnefAttach, id, typ uint16, val []byte) {
	text := func() string {
		if typ == 0x001F {
			return utf16String(val)
		}
		return t.str8(val)
	}
	if a == nil {
		switch id {
		case prBody:
			if t.body == "" {
				t.body = text()
			}
		case prBodyHTML:
			t.html = text()
		case prRTFCompressed:
			t.rtf = val
		}
		return
	}
	switch id {
	case prAttachLongFilenam:
		a.longName = text()
	case prAttachFilename:
		if a.title == "" {
			a.title = text()
		}
	case prDisplayName:
		if a.title == "" {
			a.title = text()
		}
	case prAttachMimeTag:
		a.mime = strings.ToLower(text())
	case prAttachContentID:
		a.cid = text()
	case prAttachDataBin:
		if typ == 0x000D && len(val) >= 16 { // object: IID first
			val = val[16:]
		}
		a.data = val
	}
}

func (t *tnefDecoder) result() *tnefResult {
	res := &tnefResult{files: t.files}
	res.text, res.textCapped = cutText(t.body, t.maxText)
	if strings.TrimSpace(res.text) == "" && t.html != "" {
		res.text, res.textCapped = htmlToText(t.html, t.bud, t.maxText)
	}
	if strings.TrimSpace(res.text) == "" && t.rtf != nil {
		res.text, res.textCapped = rtfBodyText(t.rtf, t.bud, t.maxText)
	}
	for _, a := range t.atts {
		if a.data == nil && a.title == "" && a.longName == "" {
			continue
		}
		name := a.longName
		if name == "" {
			name = a.title
		}
		ct := a.mime
		if ct == "" {
			ct = typeByExtension(name)
		}
		res.attachments = append(res.attachments, Attachment{
			Filename: cleanFilename(name), ContentType: ct, Size: int64(len(a.data)),
			Data: a.data, ContentID: strings.Trim(a.cid, "<>"), Inline: a.cid != "",
		})
	}
	return res
}

func isVariableType(t uint16) bool {
	return t == 0x001E || t == 0x001F || t == 0x0102 || t == 0x000D
}

func pad4(n int) int { return (n + 3) &^ 3 }

func utf16String(b []byte) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		c := binary.LittleEndian.Uint16(b[i:])
		if c == 0 {
			break
		}
		u = append(u, c)
	}
	return string(utf16.Decode(u))
}

// codepageLabel names a Windows code page as a MIME charset.
func codepageLabel(cp uint32) string {
	switch {
	case cp >= 1250 && cp <= 1258:
		return "windows-" + strconv.Itoa(int(cp))
	case cp == 65001:
		return "utf-8"
	case cp == 932:
		return "shift_jis"
	case cp == 936:
		return "gbk"
	case cp == 949:
		return "euc-kr"
	case cp == 950:
		return "big5"
	case cp == 20127:
		return "us-ascii"
	case cp >= 28591 && cp <= 28606:
		return "iso-8859-" + strconv.Itoa(int(cp-28590))
	}
	return "windows-1252"
}

// byteReader reads little-endian values and remembers running out.
type byteReader struct {
	b   []byte
	bad bool
}

func (r *byteReader) ok() bool { return !r.bad }

func (r *byteReader) take(n int) []byte {
	if r.bad || n < 0 || n > len(r.b) {
		r.bad = true
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

func (r *byteReader) skip(n int) { r.take(n) }

func (r *byteReader) u16() uint16 {
	if v := r.take(2); v != nil {
		return binary.LittleEndian.Uint16(v)
	}
	return 0
}

func (r *byteReader) u32() uint32 {
	if v := r.take(4); v != nil {
		return binary.LittleEndian.Uint32(v)
	}
	return 0
}

// value reads one property value of the base type.
func (r *byteReader) value(typ uint16) ([]byte, bool) {
	switch typ {
	case 0x0002, 0x0003, 0x0004, 0x000A, 0x000B, 0x0001:
		return r.take(4), r.ok()
	case 0x0005, 0x0006, 0x0007, 0x0014, 0x0040:
		return r.take(8), r.ok()
	case 0x0048:
		return r.take(16), r.ok()
	case 0x001E, 0x001F, 0x0102, 0x000D:
		n := int(r.u32())
		v := r.take(n)
		r.skip(min(pad4(n)-n, len(r.b))) // the last value may lack padding
		return v, r.ok()
	}
	return nil, false
}
