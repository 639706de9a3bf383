package classify

import (
	"strings"
	"testing"

	"github.com/klachtd/klachtd/internal/parse"
)

// TestPhraseIndexFindsWhatContainsFinds checks that the one-pass phrase
// search agrees with strings.Contains for every phrase, over the samples
// and texts that put a phrase at the very start or end or cut it short.
func TestPhraseIndexFindsWhatContainsFinds(t *testing.T) {
	var texts []string
	for _, s := range loadSamples(t) {
		m, _ := parse.Parse(s.raw, parse.Limits{})
		texts = append(texts, norm(m.Text, textScanBytes))
	}
	all := []string{}
	for _, tab := range [][]shape{bounceShapes, arfShape, autoShapes} {
		for i := range tab {
			all = append(all, tab[i].strong...)
			all = append(all, tab[i].weak...)
		}
	}
	for _, p := range all {
		texts = append(texts, p, "x"+p, p+"x", p[:len(p)-1], "a "+p[:len(p)-1])
	}
	texts = append(texts, "", "t", strings.Join(all, " "))
	for _, text := range texts {
		found := phrases.find(text)
		for _, p := range all {
			if found[p] != strings.Contains(text, p) {
				t.Fatalf("phrase %q in %q: find says %v", p, quote(text), found[p])
			}
		}
	}
}
