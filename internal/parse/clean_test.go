package parse

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// textsOf returns every string Parse hands out, found by reflection so
// that a field added later is checked too. multi holds the fields that
// may span lines (Text, NewText).
func textsOf(m *Message) (single, multi []string) {
	var walk func(v reflect.Value, name string)
	walk = func(v reflect.Value, name string) {
		switch v.Kind() {
		case reflect.String:
			if name == "Text" || name == "NewText" {
				multi = append(multi, v.String())
			} else {
				single = append(single, v.String())
			}
		case reflect.Pointer, reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem(), name)
			}
		case reflect.Struct:
			for i := 0; i < v.NumField(); i++ {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i), v.Type().Field(i).Name)
				}
			}
		case reflect.Slice:
			if v.Type().Elem().Kind() == reflect.Uint8 {
				return // raw bytes stay raw
			}
			for i := 0; i < v.Len(); i++ {
				walk(v.Index(i), name)
			}
		case reflect.Map:
			for _, k := range v.MapKeys() {
				walk(k, name)
				walk(v.MapIndex(k), name)
			}
		}
	}
	walk(reflect.ValueOf(m), "Message")
	return single, multi
}

// checkClean fails when a text is not valid UTF-8, holds a NUL, or a
// single-line field holds a control character other than tab.
func checkClean(t testing.TB, m *Message) {
	t.Helper()
	single, multi := textsOf(m)
	for _, s := range append(single, multi...) {
		if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
			t.Fatalf("unclean text %q", s)
		}
	}
	for _, s := range single {
		if hasControl(s) {
			t.Fatalf("control character in single-line field %q", s)
		}
	}
}

func TestNULAndControlBytes(t *testing.T) {
	raw := "From: =?utf-8?q?Jan=00de=07Vries?= <jan\x00@example.nl>\r\n" +
		"To: klachten@gemeente.nl\r\n" +
		"Subject: =?utf-8?q?hallo=00daar=0D=0ABcc:_x@evil.example?=\r\n" +
		"Message-ID: <id\x01@example.nl>\r\n" +
		"References: <a\x00b@example.nl>\r\n" +
		"X-Raw: nul\x00here and \xff\xfe bytes\r\n" +
		"Content-Type: multipart/mixed; boundary=b\r\n\r\n" +
		"--b\r\nContent-Type: text/plain; charset=\"utf\x00-8\"\r\n\r\nTekst met\x00nul en \xc3(\r\n" +
		"--b\r\nContent-Type: text/html\r\n\r\n<p>html\x00nul</p>\r\n" +
		"--b\r\nContent-Type: application/pdf\x00x; name=\"=?utf-8?q?brief=00=0A.pdf?=\"\r\nContent-Disposition: attachment\r\nContent-ID: <c\x00id>\r\n\r\n%PDF\x00\r\n" +
		"--b--\r\n"
	m, _ := Parse([]byte(raw), Limits{})
	checkClean(t, m)
	if m.Subject != "hallo\uFFFDdaar  Bcc: x@evil.example" {
		t.Errorf("subject %q", m.Subject)
	}
	if !strings.Contains(m.Text, "met\uFFFDnul") {
		t.Errorf("text %q", m.Text)
	}
	if len(m.Attachments) != 1 || string(m.Attachments[0].Data) != "%PDF\x00" {
		t.Errorf("raw bytes must stay raw: %+v", m.Attachments)
	}
	if got := CleanText("a\x00b\xffc"); got != "a\uFFFDb\uFFFDc" {
		t.Errorf("CleanText = %q", got)
	}
}

// TestTextCapAfterCleaning: replacing NUL by U+FFFD makes a text longer;
// the cap holds on the cleaned text.
func TestTextCapAfterCleaning(t *testing.T) {
	raw := "From: a@example.nl\r\nSubject: x\r\n\r\n" + strings.Repeat("\x00", 5000) + "\r\n"
	m, _ := Parse([]byte(raw), Limits{MaxTextBytes: 4096})
	checkClean(t, m)
	if len(m.Text) > 4096+1 || !strings.HasPrefix(m.Text, "\uFFFD\uFFFD") {
		t.Errorf("text %d bytes: %.20q", len(m.Text), m.Text)
	}
}
