package parse

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/parse/parsetest"
)

var hostileOut = flag.String("out", "", "TestWriteHostile: directory to write the hostile mails to")
var hostileSize = flag.Int("size", parsetest.MaxSize, "TestWriteHostile: size of each hostile mail")

// TestWriteHostile writes the hostile mails as .eml files, so that the
// binary can be measured on them:
//
//	go test ./internal/parse -run TestWriteHostile -args -out /tmp/hostile
//	for f in /tmp/hostile/*.eml; do /usr/bin/time -v bin/klachtd inspect "$f" >/dev/null; done
func TestWriteHostile(t *testing.T) {
	if *hostileOut == "" {
		t.Skip("no -out directory given")
	}
	if err := os.MkdirAll(*hostileOut, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, m := range parsetest.Hostile(*hostileSize) {
		if err := os.WriteFile(filepath.Join(*hostileOut, m.Name+".eml"), m.Raw, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// BenchmarkHostile parses each hostile mail at the largest size the
// default limits accept (25 MiB; some shapes are smaller): time, bytes
// allocated and the size of the text per mail.
func BenchmarkHostile(b *testing.B) {
	for _, h := range parsetest.Hostile(parsetest.MaxSize) {
		b.Run(h.Name, func(b *testing.B) {
			b.SetBytes(int64(len(h.Raw)))
			b.ReportAllocs()
			var m *Message
			for i := 0; i < b.N; i++ {
				m, _ = Parse(h.Raw, Limits{MaxDuration: time.Hour})
			}
			b.ReportMetric(float64(len(m.Text)), "text-bytes")
		})
	}
}
