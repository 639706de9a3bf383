package parse

import (
	"flag"
	"os"
	"path/filepath"
	"runtime"
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

// TestHostileMeasure prints time and allocation per hostile mail (-v).
func TestHostileMeasure(t *testing.T) {
	if os.Getenv("HOSTILE_MEASURE") == "" {
		t.Skip("set HOSTILE_MEASURE=1")
	}
	for _, h := range parsetest.Hostile(*hostileSize) {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		start := time.Now()
		m, err := Parse(h.Raw, Limits{})
		d := time.Since(start)
		runtime.ReadMemStats(&after)
		t.Logf("%-20s %9d bytes %8v alloc %6.1f MB text %8d atts %4d err %v", h.Name, len(h.Raw), d.Round(time.Millisecond),
			float64(after.TotalAlloc-before.TotalAlloc)/(1<<20), len(m.Text), len(m.Attachments), err)
	}
}
