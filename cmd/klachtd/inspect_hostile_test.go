package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klachtd/klachtd/internal/parse"
	"github.com/klachtd/klachtd/internal/parse/parsetest"
)

// TestInspectHostile runs every hostile mail through `klachtd inspect
// --json`, followed by an ordinary complaint, and checks that the output
// stays bounded: the text within the parse cap, the attachment list within
// the part limit, each JSON line within a few MB. Time and peak memory are
// measured on the binary (see TestWriteHostile in internal/parse).
func TestInspectHostile(t *testing.T) {
	t.Setenv("KLACHTD_INTAKE_ADDRESS", "klachten@gemeente.nl")
	t.Setenv("KLACHTD_HANDLERS_DOMAINS", "")
	size := 3 << 20
	if testing.Short() {
		size = 256 << 10
	}
	dir := t.TempDir()
	var files []string
	for _, m := range parsetest.Hostile(size) {
		f := filepath.Join(dir, m.Name+".eml")
		if err := os.WriteFile(f, m.Raw, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	files = append(files, corpusDir+"typical_20kb.eml")
	code, out, stderr := runInspectT(t, "", append([]string{"--json"}, files...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(files) {
		t.Fatalf("%d lines for %d files", len(lines), len(files))
	}
	maxText := parse.DefaultLimits().MaxTextBytes
	for i, l := range jsonLines(t, out) {
		name := filepath.Base(files[i])
		if n := len(lines[i]); n > 8*maxText {
			t.Errorf("%s: %d bytes of output", name, n)
		}
		if n := len(l["text"].(string)); n > maxText+1 {
			t.Errorf("%s: text of %d bytes", name, n)
		}
		if n := len(l["attachments"].([]any)); n > parse.DefaultLimits().MaxParts {
			t.Errorf("%s: %d attachments", name, n)
		}
		if s, _ := l["subject"].(string); s == "" {
			t.Errorf("%s: no subject", name)
		}
	}
	last := jsonLines(t, lines[len(lines)-1])[0]
	if last["kind"] != "complaint" || last["subject"] != "Wateroverlast Dorpsstraat – geen reactie" || len(last["warnings"].([]any)) != 0 {
		t.Errorf("the ordinary complaint after the hostile ones: %v %v %v", last["kind"], last["subject"], last["warnings"])
	}
}
