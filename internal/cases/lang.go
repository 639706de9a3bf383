package cases

import "strings"

// guessLanguage answers "en" for a text that is clearly English, "nl" for one
// that is clearly Dutch, and def otherwise. It counts a few very common words:
// enough to answer an English complaint in English, nothing more.
func guessLanguage(text, def string) string {
	// Only the first 300 words count: lower-casing and splitting more of a
	// long mail was most of the cost of opening a case in a backlog.
	if len(text) > languageScan {
		text = text[:languageScan]
	}
	en, nl := 0, 0
	for i, w := range strings.Fields(strings.ToLower(text)) {
		if i > 300 {
			break
		}
		w = strings.Trim(w, ".,;:!?()\"'")
		if englishWords[w] {
			en++
		}
		if dutchWords[w] {
			nl++
		}
	}
	switch {
	case en >= 3 && en > 2*nl:
		return "en"
	case nl >= 3 && nl > 2*en:
		return "nl"
	}
	return def
}

// languageScan bounds the bytes guessLanguage reads: 300 words and more.
const languageScan = 8 << 10

var englishWords = set("the", "and", "is", "was", "i", "you", "your", "my", "of", "to", "have", "not", "with", "this", "that", "for", "are", "it", "on", "would")

var dutchWords = set("de", "het", "een", "en", "is", "ik", "u", "uw", "mijn", "van", "niet", "met", "dit", "dat", "voor", "zijn", "op", "heb", "wij", "geen")

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}
