package parse

import (
	"strings"
	"testing"
)

// FuzzParse feeds the corpus and its mutations to Parse. It must never
// panic (Parse recovers, so a recovered panic is a failure here too),
// hang, or return text that is not clean UTF-8 (checkClean).
func FuzzParse(f *testing.F) {
	for _, file := range corpus(f) {
		f.Add(mustRead(f, file))
	}
	lim := Limits{MaxMessageBytes: 1 << 20, MaxDepth: 10, MaxParts: 100, MaxHeaderBytes: 64 << 10}
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := Parse(raw, lim)
		if m == nil {
			t.Fatal("nil message")
		}
		if m.Size != int64(len(raw)) || len(m.SHA256) != 64 {
			t.Fatalf("size %d hash %q", m.Size, m.SHA256)
		}
		if err != nil != m.Malformed {
			t.Fatalf("err %v but malformed %v", err, m.Malformed)
		}
		for _, w := range m.Warnings {
			if strings.Contains(w, "internal error") {
				t.Fatalf("recovered panic: %s", w)
			}
		}
		checkClean(t, m)
		if len(m.Attachments) > lim.MaxParts {
			t.Fatalf("%d attachments over the part limit", len(m.Attachments))
		}
	})
}
