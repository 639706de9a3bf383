package parse

import (
	"strings"
	"testing"
)

// TestBrokenEncodedWords: a word without "?=" ends the search for words
// (n == -1), so a header of many broken words is read in one pass; the
// old decoder looked for the end again at every "=?" (quadratic).
func TestBrokenEncodedWords(t *testing.T) {
	if _, _, n, ok := parseWord("=?a?q?x =?a?q?y"); ok || n != -1 {
		t.Errorf("parseWord without an end: n %d ok %v, want -1 false", n, ok)
	}
	if _, _, n, ok := parseWord("=?utf-8?x?abc?="); ok || n != 0 {
		t.Errorf("unknown encoding: n %d ok %v", n, ok)
	}
	s := strings.Repeat("=?a?q?x ", 1000)
	if got, _ := decodeWords(s); got != s {
		t.Errorf("broken words: %.80q", got)
	}
	if got, _ := decodeWords("a =?utf-8?q?caf=C3=A9?= =?utf-8?b?w6k=?= b"); got != "a caféé b" {
		t.Errorf("good words: %q", got)
	}
}
