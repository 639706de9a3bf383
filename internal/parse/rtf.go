package parse

import (
	"encoding/binary"
	"strconv"
	"strings"
)

// rtfPrefix is the dictionary preload of compressed RTF (MS-OXRTFCP 3.1.3.1).
const rtfPrefix = "{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman " +
	"\\fswiss \\fmodern \\fscript \\fdecor MS Sans SerifSymbolArialTimes New RomanCourier" +
	"{\\colortbl\\red0\\green0\\blue0\r\n\\par \\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx"

// maxRTFBytes caps decompressed RTF: a complaint's body is never near it,
// and LZFu cannot give more than about 8.5 bytes per compressed byte, so
// the output is also at most 9 times the input.
const maxRTFBytes = 8 << 20

// decompressRTF undoes PR_RTF_COMPRESSED: "MELA" is stored as is, "LZFu"
// is LZ77 over a 4 KiB ring preloaded with rtfPrefix. The output stops at
// the declared size and at maxRTFBytes (capped is then true).
func decompressRTF(b []byte, bud *budget) (out []byte, capped bool) {
	if len(b) < 16 {
		return nil, false
	}
	rawSize := int(binary.LittleEndian.Uint32(b[4:]))
	kind := string(b[8:12])
	src := b[16:]
	limit := min(rawSize, maxRTFBytes)
	if kind == "MELA" {
		return src[:min(limit, len(src))], len(src) > maxRTFBytes
	}
	if kind != "LZFu" {
		return nil, false
	}
	var dict [4096]byte
	copy(dict[:], rtfPrefix)
	w := len(rtfPrefix)
	out = make([]byte, 0, min(limit, 4*len(src)+64))
	for i := 0; i < len(src); {
		if len(out) >= limit || bud.tick() {
			return out, len(out) >= maxRTFBytes || bud.over()
		}
		ctrl := src[i]
		i++
		for bit := 0; bit < 8 && i < len(src); bit++ {
			if ctrl&(1<<bit) == 0 {
				dict[w] = src[i]
				out = append(out, src[i])
				w = (w + 1) & 4095
				i++
				continue
			}
			if i+1 >= len(src) {
				return out, false
			}
			ref := int(src[i])<<8 | int(src[i+1])
			i += 2
			off, n := ref>>4, ref&15+2
			if off == w {
				return out, false
			}
			for k := 0; k < n; k++ {
				c := dict[(off+k)&4095]
				dict[w] = c
				out = append(out, c)
				w = (w + 1) & 4095
			}
		}
	}
	return out, false
}

// rtfBodyText turns a compressed RTF body into text. RTF that Outlook
// made from HTML (\fromhtml1) is turned back into that HTML first.
// capped reports that a cap cut the text (decompression, RTF or HTML
// conversion, or the budget).
func rtfBodyText(b []byte, bud *budget, maxOut int) (text string, capped bool) {
	rtf, capped := decompressRTF(b, bud)
	if rtf == nil {
		return "", false
	}
	text, fromHTML, c2 := rtfToText(rtf, bud, maxOut)
	if fromHTML {
		t, c3 := htmlToText(text, bud, maxOut)
		return t, capped || c2 || c3
	}
	text, c3 := cutText(text, maxOut)
	return text, capped || c2 || c3
}

type rtfGroup struct {
	skip    bool // an ignorable destination ({\*\…}, fonttbl, …)
	htmltag bool
	htmlrtf bool
	uc      int
}

var rtfSkipDest = map[string]bool{
	"fonttbl": true, "colortbl": true, "stylesheet": true, "info": true, "pict": true,
	"header": true, "footer": true, "listtable": true, "listoverridetable": true,
	"rsidtbl": true, "generator": true, "xmlnstbl": true, "themedata": true, "datastore": true,
	"latentstyles": true, "mmathPr": true, "pgdsctbl": true, "object": true, "filetbl": true,
}

// rtfToText is a small RTF reader: groups, control words, \'hh bytes in
// the document code page, \uN, and the \htmltag / \htmlrtf encapsulation.
// Its output is capped at twice the input plus htmlSlack, and plain text
// (not \fromhtml) at maxText too (capped is then true, as when the budget
// runs out).
func rtfToText(rtf []byte, bud *budget, maxText int) (text string, fromHTML, capped bool) {
	var sb strings.Builder
	maxOut := 2*len(rtf) + htmlSlack
	var pend []byte // \'hh bytes waiting for code page decoding
	cp := "windows-1252"
	stack := []rtfGroup{{uc: 1}}
	flush := func() {
		if len(pend) > 0 {
			s, _ := decodeCharset(pend, cp)
			sb.WriteString(s)
			pend = pend[:0]
		}
	}
	g := func() *rtfGroup { return &stack[len(stack)-1] }
	visible := func() bool {
		top := g()
		return !top.skip && (top.htmltag || !top.htmlrtf)
	}
	skipChars := 0
	for i := 0; i < len(rtf); i++ {
		if len(pend) >= 256 { // bounds the overshoot of the caps below
			flush()
		}
		if sb.Len() > maxOut || !fromHTML && sb.Len() > maxText || bud.tick() {
			return sb.String(), fromHTML, true
		}
		c := rtf[i]
		switch c {
		case '{':
			flush()
			stack = append(stack, *g())
			g().htmltag = false
			if len(stack) > 500 {
				return sb.String(), fromHTML, false
			}
		case '}':
			flush()
			if len(stack) > 1 {
				stack = stack[:len(stack)-1]
			}
		case '\r', '\n':
		case '\\':
			word, param, hasParam, n := rtfControl(rtf[i+1:])
			i += n
			switch word {
			case "'":
				if visible() && skipChars == 0 {
					pend = append(pend, byte(param))
				} else if skipChars > 0 {
					skipChars--
				}
				continue
			case "\\", "{", "}":
				flush()
				if visible() {
					sb.WriteString(word)
				}
				continue
			}
			flush()
			switch word {
			case "*":
				g().skip = true
			case "htmltag":
				g().htmltag, g().skip = true, false
			case "fromhtml":
				fromHTML = true
			case "htmlrtf":
				g().htmlrtf = !hasParam || param != 0
			case "ansicpg":
				cp = codepageLabel(uint32(param))
			case "uc":
				g().uc = param
			case "u":
				if visible() {
					if param < 0 {
						param += 65536
					}
					sb.WriteRune(rune(param))
				}
				skipChars = g().uc
			case "par", "line", "sect", "page":
				if visible() && !fromHTML {
					sb.WriteByte('\n')
				}
			case "tab":
				if visible() {
					sb.WriteByte('\t')
				}
			default:
				if rtfSkipDest[word] {
					g().skip = true
				}
			}
		default:
			if skipChars > 0 {
				skipChars--
				continue
			}
			if c >= 0x80 { // 8-bit text: code page, like \'hh
				if visible() {
					pend = append(pend, c)
				}
				continue
			}
			flush()
			if visible() {
				sb.WriteByte(c)
			}
		}
	}
	flush()
	return sb.String(), fromHTML, false
}

// rtfControl reads the control word after a backslash: its name, numeric
// parameter and the bytes consumed (including one delimiting space).
func rtfControl(b []byte) (string, int, bool, int) {
	if len(b) == 0 {
		return "", 0, false, 0
	}
	if b[0] == '\'' {
		if len(b) >= 3 && isHex(b[1]) && isHex(b[2]) {
			return "'", int(unhex(b[1])<<4 | unhex(b[2])), true, 3
		}
		return "'", 0, false, 1
	}
	if !isLetter(b[0]) {
		return string(b[0]), 0, false, 1
	}
	n := 0
	for n < len(b) && n < 32 && isLetter(b[n]) {
		n++
	}
	word := string(b[:n])
	start := n
	if n < len(b) && b[n] == '-' {
		n++
	}
	for n < len(b) && n-start < 10 && b[n] >= '0' && b[n] <= '9' {
		n++
	}
	param, err := strconv.Atoi(string(b[start:n]))
	hasParam := err == nil
	if n < len(b) && b[n] == ' ' {
		n++
	}
	return word, param, hasParam, n
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
