// Package parsetest builds hostile mails for the tests and benchmarks of
// the parser and of `klachtd inspect`: shapes that once made a parser path
// quadratic, unbounded or stalling. Each generator is deterministic, so a
// measurement can be repeated on the same bytes.
package parsetest

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"math/rand"
	"strings"
)

// Mail is one generated mail.
type Mail struct {
	Name string
	Raw  []byte
}

// MaxSize is the largest mail the generators make: the default
// Limits.MaxMessageBytes.
const MaxSize = 25 << 20

// Hostile returns every hostile mail, each of about size bytes (clamped to
// 4 KiB…MaxSize); a few have a fixed shape the issue names (a winmail.dat
// with 200 000 files is about 7 MB whatever size says).
func Hostile(size int) []Mail {
	size = max(4<<10, min(size, MaxSize))
	return []Mail{
		{"nested-lists", NestedLists(size)},
		{"many-anchors", ManyAnchors(size)},
		{"nested-quotes", NestedQuotes(size)},
		{"deep-nesting", DeepNesting(min(size/64, 20000))},
		{"deep-nesting-padded", DeepNestingPadded(50, size)},
		{"many-parts", ManyParts(size / 40)},
		{"tnef-200000-files", TNEFFiles(200000)},
		{"tnef-huge-rtf", TNEFHugeRTF(min(size, 6<<20))},
		{"nul-headers", NULHeaders(size)},
		{"base64-attachment", Base64Attachment(size)},
		{"long-header-lines", LongHeaderLines(size)},
		{"many-encoded-words", ManyEncodedWords(size)},
		{"broken-encoded-words", BrokenEncodedWords(size)},
		{"address-pieces", AddressPieces(size)},
		{"colon-lines", ColonLines(size)},
	}
}

const head = "From: Jan de Vries <jan@example.nl>\r\nTo: klachten@gemeente.nl\r\n" +
	"Subject: Klacht\r\nDate: Tue, 1 Dec 2026 10:00:00 +0100\r\nMessage-ID: <hostile@example.nl>\r\nMIME-Version: 1.0\r\n"

func htmlMail(body string) []byte {
	return []byte(head + "Content-Type: text/html; charset=utf-8\r\n\r\n" + body)
}

// repeatTo repeats unit until n bytes are reached.
func repeatTo(unit string, n int) string {
	return strings.Repeat(unit, max(1, n/len(unit)))
}

// NestedLists is <ul>×N then <li>x×N: N² output for a naive converter.
func NestedLists(size int) []byte {
	n := (size - len(head) - 64) / 9
	return htmlMail(strings.Repeat("<ul>", n) + strings.Repeat("<li>x", n))
}

// ManyAnchors is N unclosed anchors each followed by text, then N closes:
// a converter that looks at all text since each <a> is quadratic.
func ManyAnchors(size int) []byte {
	n := (size - len(head) - 64) / 40
	return htmlMail(strings.Repeat(`<a href="https://e.nl/x">tekst `, n) + strings.Repeat("</a>", n))
}

// NestedQuotes is <blockquote>×N then <br>x×N: a quote prefix per line.
func NestedQuotes(size int) []byte {
	n := (size - len(head) - 64) / 18
	return htmlMail(strings.Repeat("<blockquote>", n) + strings.Repeat("<br>x", n))
}

// DeepNesting nests multipart/mixed depth levels, the text at the bottom.
func DeepNesting(depth int) []byte {
	var b bytes.Buffer
	b.WriteString(head)
	for i := 0; i < depth; i++ {
		fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n--b%d\r\n", i, i)
	}
	b.WriteString("Content-Type: text/plain\r\n\r\nDe tekst van de klacht, heel diep.\r\n")
	for i := depth - 1; i >= 0; i-- {
		fmt.Fprintf(&b, "--b%d--\r\n", i)
	}
	return b.Bytes()
}

// DeepNestingPadded nests depth levels (50 is the default limit) with a text at
// the bottom padded with dashes to size bytes: every level scans the
// padding for its boundary.
func DeepNestingPadded(depth, size int) []byte {
	var b bytes.Buffer
	b.WriteString(head)
	for i := 0; i < depth-1; i++ {
		fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n--b%d\r\n", i, i)
	}
	b.WriteString("Content-Type: text/plain\r\n\r\nDe tekst van de klacht, heel diep.\r\n")
	pad := max(0, size-b.Len()-depth*12)
	b.WriteString(repeatTo("--b-b--b\r\n", pad))
	for i := depth - 2; i >= 0; i-- {
		fmt.Fprintf(&b, "--b%d--\r\n", i)
	}
	return b.Bytes()
}

// ManyParts is one multipart/mixed with n small parts, the text first.
func ManyParts(n int) []byte {
	var b bytes.Buffer
	b.WriteString(head + "Content-Type: multipart/mixed; boundary=x\r\n\r\n")
	b.WriteString("--x\r\nContent-Type: text/plain\r\n\r\nDe tekst van de klacht.\r\n")
	for i := 0; i < n; i++ {
		b.WriteString("--x\r\n\r\np\r\n")
	}
	b.WriteString("--x--\r\n")
	return b.Bytes()
}

// tnefAttr appends one TNEF attribute with its checksum.
func tnefAttr(b *bytes.Buffer, level byte, id uint32, data []byte) {
	var h [9]byte
	h[0] = level
	binary.LittleEndian.PutUint32(h[1:], id)
	binary.LittleEndian.PutUint32(h[5:], uint32(len(data)))
	b.Write(h[:])
	b.Write(data)
	var sum uint16
	for _, c := range data {
		sum += uint16(c)
	}
	binary.Write(b, binary.LittleEndian, sum)
}

func tnefStart() *bytes.Buffer {
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, uint32(0x223E9F78))
	binary.Write(&b, binary.LittleEndian, uint16(1))
	return &b
}

// TNEF returns a TNEF stream with the given number of tiny files; a
// helper for tests that need one.
func TNEF(files int) []byte {
	b := tnefStart()
	for i := 0; i < files; i++ {
		tnefAttr(b, 2, 0x00069002, nil)
		tnefAttr(b, 2, 0x00018010, []byte("f.txt\x00"))
		tnefAttr(b, 2, 0x0006800F, []byte("x"))
	}
	return b.Bytes()
}

func tnefMail(tnef []byte) []byte {
	var b bytes.Buffer
	b.WriteString(head + "Content-Type: multipart/mixed; boundary=x\r\n\r\n")
	b.WriteString("--x\r\nContent-Type: application/ms-tnef; name=\"winmail.dat\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	writeBase64(&b, tnef)
	b.WriteString("--x--\r\n")
	return b.Bytes()
}

// TNEFFiles is a mail whose winmail.dat holds n files.
func TNEFFiles(n int) []byte { return tnefMail(TNEF(n)) }

// CompressedRTF returns an LZFu stream that declares 4 GiB and expands
// about 7.5 times: a few literals, then references of 16 bytes each.
func CompressedRTF(size int) []byte {
	var src bytes.Buffer
	src.WriteByte(0) // eight literals
	src.WriteString("klacht! ")
	// The ring position is 215+16k, never offset 208 (which would end
	// the stream early).
	ref := []byte{byte(208 >> 4), byte(208&15<<4 | 14)}
	for src.Len() < size {
		src.WriteByte(0xff)
		for i := 0; i < 8; i++ {
			src.Write(ref)
		}
	}
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, uint32(src.Len()+12))
	binary.Write(&b, binary.LittleEndian, uint32(0xffffffff))
	b.WriteString("LZFu")
	binary.Write(&b, binary.LittleEndian, uint32(0))
	b.Write(src.Bytes())
	return b.Bytes()
}

// TNEFHugeRTF is a winmail.dat whose only body is a compressed RTF of
// about size bytes.
func TNEFHugeRTF(size int) []byte {
	rtf := CompressedRTF(size * 3 / 4)
	var props bytes.Buffer
	binary.Write(&props, binary.LittleEndian, uint32(1))      // one property
	binary.Write(&props, binary.LittleEndian, uint16(0x0102)) // binary
	binary.Write(&props, binary.LittleEndian, uint16(0x1009)) // PR_RTF_COMPRESSED
	binary.Write(&props, binary.LittleEndian, uint32(1))      // one value
	binary.Write(&props, binary.LittleEndian, uint32(len(rtf)))
	props.Write(rtf)
	props.Write(make([]byte, (4-len(rtf)%4)%4))
	b := tnefStart()
	tnefAttr(b, 1, 0x00069003, props.Bytes())
	return tnefMail(b.Bytes())
}

// NULHeaders is a mail with NUL and control bytes in every header, raw
// and in encoded words, and a body full of them.
func NULHeaders(size int) []byte {
	var b bytes.Buffer
	b.WriteString("From: =?utf-8?q?Jan=00de=07Vries?= <jan\x00@example.nl>\r\nTo: klachten@gemeente.nl\r\n")
	b.WriteString("Subject: =?utf-8?q?hallo=00daar=0D=0A?=\r\nMessage-ID: <n\x00ul@example.nl>\r\n")
	for i := 0; b.Len() < size/2 && i < 5000; i++ {
		fmt.Fprintf(&b, "X-Nul-%d: a\x00b =?utf-8?q?c=00d=1B?= \xff\xfe\r\n", i)
	}
	b.WriteString("Content-Type: text/plain; charset=utf-8\r\n\r\n")
	b.WriteString(repeatTo("tekst\x00met\x01nul\xff\r\n", size-b.Len()-64))
	return b.Bytes()
}

// Base64Attachment is a short text and one base64 attachment of random
// bytes, the whole mail just under size.
func Base64Attachment(size int) []byte {
	var b bytes.Buffer
	b.WriteString(head + "Content-Type: multipart/mixed; boundary=x\r\n\r\n")
	b.WriteString("--x\r\nContent-Type: text/plain\r\n\r\nZie de bijlage.\r\n")
	b.WriteString("--x\r\nContent-Type: application/pdf; name=scan.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	data := make([]byte, (size-b.Len()-64)*57/78)
	rand.New(rand.NewSource(1)).Read(data)
	writeBase64(&b, data)
	b.WriteString("--x--\r\n")
	return b.Bytes()
}

func writeBase64(b *bytes.Buffer, data []byte) {
	enc := base64.StdEncoding.EncodeToString(data)
	for len(enc) > 76 {
		b.WriteString(enc[:76])
		b.WriteString("\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
}

// LongHeaderLines has header lines of up to 900 KB: a To with thousands of
// addresses and a Subject folded thousands of times, then an unfolded
// body line as long as the rest.
func LongHeaderLines(size int) []byte {
	var b bytes.Buffer
	b.WriteString("From: jan@example.nl\r\nTo: ")
	b.WriteString(repeatTo("a@example.nl, ", min(size/3, 300<<10)))
	b.WriteString("x@example.nl\r\nSubject: ")
	b.WriteString(repeatTo("lang\r\n ", min(size/3, 300<<10)))
	b.WriteString("\r\nReferences: ")
	b.WriteString(repeatTo("<r@x> ", min(size/3, 300<<10)))
	b.WriteString("\r\n\r\n")
	b.WriteString(repeatTo("x", max(0, size-b.Len()-8)))
	return b.Bytes()
}

// ManyEncodedWords is a Subject and a From name made of encoded words in
// alternating charsets (so they are not joined), as many as fit.
func ManyEncodedWords(size int) []byte {
	words := []string{"=?utf-8?q?caf=C3=A9?= ", "=?iso-8859-1?q?caf=E9?= ", "=?x-unknown?b?Y2Fm?= ", "=?koi8-r?q?=F0?= "}
	var subj strings.Builder
	for i := 0; subj.Len() < min(size/2, 900<<10); i++ {
		subj.WriteString(words[i%len(words)])
	}
	s := subj.String()
	return []byte("From: " + s + "<jan@example.nl>\r\nTo: klachten@gemeente.nl\r\nSubject: " + s + "\r\n\r\ntekst\r\n")
}

// BrokenEncodedWords is a Subject and a From full of "=?a?q?x" that never
// end in "?=": a decoder that looks for the end at every "=?" is
// quadratic.
func BrokenEncodedWords(size int) []byte {
	s := repeatTo("=?a?q?x ", min(size/3, 300<<10))
	return []byte("From: " + s + "<jan@example.nl>\r\nTo: klachten@gemeente.nl\r\nSubject: " + s + "\r\n\r\ntekst\r\n")
}

// AddressPieces is a From and a To of many comma-separated pieces without
// an address before the one mailbox: a lenient reader that keeps adding
// the pieces to a name is quadratic.
func AddressPieces(size int) []byte {
	s := repeatTo("a, ", min(size/3, 300<<10)) + "Jan <jan@example.nl>"
	return []byte("From: " + s + "\r\nTo: " + s + "\r\nSubject: Klacht\r\n\r\ntekst\r\n")
}

// ColonLines is a plain text of short lines that each end in ':' and
// start like an attribution, so the reply-history cut tests every line.
func ColonLines(size int) []byte {
	return []byte(head + "Content-Type: text/plain\r\n\r\n" + repeatTo("> q\r\nop de dag dat iemand iets zei:\r\n", size-len(head)-64))
}
