package store

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/lib/pq"
)

// PostgreSQL refuses a NUL byte in text and text[], invalid UTF-8 in a UTF8
// database, and the escape \u0000 in jsonb: one such byte in a subject would
// fail the insert, and every mail behind it would wait. So every text value
// that comes from outside (a mail, a config file, a handler's command) is
// cleaned here, in the store, before it is written: invalid UTF-8 becomes
// U+FFFD, NUL is removed. Raw bytes (bytea) are never touched.

// Clean returns s as valid UTF-8 without NUL bytes.
func Clean(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "")
	}
	return s
}

// cleanAll cleans every element of a text[] value; nil becomes empty.
func cleanAll(a pq.StringArray) pq.StringArray {
	out := make(pq.StringArray, len(a))
	for i, s := range a {
		out[i] = Clean(s)
	}
	return out
}

// cleanJSON makes a JSON value acceptable to jsonb: json.Marshal already
// writes valid UTF-8, but a NUL becomes \u0000, which jsonb refuses. Only
// then is the value decoded, cleaned and encoded again.
func cleanJSON(b json.RawMessage) json.RawMessage {
	if !bytes.Contains(b, []byte(`\u0000`)) && utf8.Valid(b) {
		return b
	}
	d := json.NewDecoder(bytes.NewReader(bytes.ToValidUTF8(b, []byte("\uFFFD"))))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return Detail(map[string]string{"invalid_detail": Clean(string(b))})
	}
	return Detail(cleanValue(v))
}

func cleanValue(v any) any {
	switch x := v.(type) {
	case string:
		return Clean(x)
	case []any:
		for i := range x {
			x[i] = cleanValue(x[i])
		}
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[Clean(k)] = cleanValue(e)
		}
		return out
	}
	return v
}
