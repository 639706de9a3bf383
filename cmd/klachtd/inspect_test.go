package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

const corpusDir = "../../internal/parse/testdata/"

func runInspectT(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := runInspect(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func jsonLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var res []map[string]any
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("line is not JSON: %v\n%s", err, line)
		}
		res = append(res, m)
	}
	return res
}

func TestInspectJSONKeys(t *testing.T) {
	t.Setenv("KLACHTD_INTAKE_ADDRESS", "")
	t.Setenv("KLACHTD_HANDLERS_DOMAINS", "")
	files, _ := filepath.Glob(corpusDir + "*.eml")
	code, out, stderr := runInspectT(t, "", append([]string{"--json"}, files...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := jsonLines(t, out)
	if len(lines) != len(files) {
		t.Fatalf("%d lines for %d files", len(lines), len(files))
	}
	want := "acknowledge attachments case_ref cc date file from html in_reply_to kind machine message_id original_message_id reasons references reply_address review subject text to warnings"
	for _, l := range lines {
		var keys []string
		for k := range l {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if got := strings.Join(keys, " "); got != want {
			t.Fatalf("%s: keys\n%s\nwant\n%s", l["file"], got, want)
		}
		for _, k := range []string{"references", "to", "cc", "attachments", "reasons", "warnings"} {
			if _, ok := l[k].([]any); !ok {
				t.Errorf("%s: %s is %T, want a list", l["file"], k, l[k])
			}
		}
	}
}

func TestInspectFacts(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "klachtd.toml")
	os.WriteFile(cfg, []byte("[intake]\naddress = \"klachten@gemeente.nl\"\nname = \"ignored\"\n\n[[handlers]]\nname = \"Jeroen\"\naddress = \"j.kok@gemeente.nl\"\n\n[database]\nurl = \"unused\"\n"), 0o644)
	t.Setenv("KLACHTD_INTAKE_ADDRESS", "")
	t.Setenv("KLACHTD_HANDLERS_DOMAINS", "@provincie.example")
	stdin, _ := os.ReadFile(corpusDir + "own_mail_loop.eml")
	code, out, stderr := runInspectT(t, string(stdin),
		corpusDir+"handler_reply_outlook.eml", "--json", "--config", cfg, "-",
		corpusDir+"dsn_postfix.eml", corpusDir+"deep_nesting_25.eml", corpusDir+"tnef_winmail_rtf.eml", corpusDir+"missing_headers.eml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	l := jsonLines(t, out)
	check := func(i int, key string, want any) {
		t.Helper()
		if got := l[i][key]; !jsonEqual(got, want) {
			t.Errorf("%s: %s = %#v, want %#v", l[i]["file"], key, got, want)
		}
	}
	check(0, "kind", "handler_reply")
	check(0, "case_ref", "KL-2026-000123")
	check(0, "from", map[string]any{"name": "Jeroen Kok", "address": "j.kok@gemeente.nl"})
	check(1, "file", "-")
	check(1, "kind", "loop")
	check(2, "kind", "bounce")
	check(2, "acknowledge", false)
	check(2, "machine", true)
	check(3, "machine", false)
	check(3, "kind", "complaint")
	check(3, "text", "Diep verstopte tekst.\n") // 25 levels: within the default depth
	check(4, "text", "Geachte heer/mevrouw,\n\nMijn klacht gaat over de rekening van € 95,- voor de ophaling.\n\nGroet, Ingrid\n")
	check(4, "attachments", []any{
		map[string]any{"filename": "Brief aan gemeente €.pdf", "content_type": "application/pdf", "size": 23.0, "inline": false},
		map[string]any{"filename": "foto van de schade.jpg", "content_type": "image/jpeg", "size": 22.0, "inline": false},
	})
	check(5, "date", nil)
	check(5, "case_ref", nil)
	check(5, "from", nil)
	check(5, "message_id", "")
	check(5, "reply_address", "scanner@printer.example.nl")
	check(5, "acknowledge", true)
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

func TestInspectExitStatus(t *testing.T) {
	t.Setenv("KLACHTD_INTAKE_ADDRESS", "")
	t.Setenv("KLACHTD_HANDLERS_DOMAINS", "")
	tests := []struct {
		name string
		args []string
		code int
		out  string
	}{
		{"no files", nil, 2, ""},
		{"unknown flag", []string{"--nope", "x.eml"}, 2, ""},
		{"missing config", []string{"--config", "/nonexistent/klachtd.toml", corpusDir + "spam_flagged.eml"}, 2, ""},
		{"unreadable file goes on", []string{"/nonexistent.eml", corpusDir + "spam_flagged.eml"}, 1, "reason:       X-Spam-Flag: YES (soft signal: review)"},
		{"malformed mail is still read", []string{corpusDir + "multipart_without_boundary.eml"}, 0, "warning:      malformed:"},
		{"after -- everything is a file", []string{"--", "--json"}, 1, ""},
		{"human output", []string{corpusDir + "outlook_word_html.eml"}, 0, "attachment:   image001.png (image/png, 68 bytes, inline)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, _ := runInspectT(t, "", tt.args...)
			if code != tt.code || !strings.Contains(out, tt.out) {
				t.Errorf("exit %d, want %d; output:\n%s", code, tt.code, out)
			}
		})
	}
}
