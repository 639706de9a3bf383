package classify

import "strings"

// shape is the fingerprint of one family of machine notices (an MTA, a
// provider, a vacation program) in one language. Every string is written
// the way norm and normSubject leave text: lower case, one space between
// words, straight apostrophes, no double quotes or backslashes.
type shape struct {
	name string // appears in Reasons: "postfix", "exchange-nl"

	// senders are compared with the From, Sender and Return-Path
	// addresses: "mailer-daemon@" is a local part, "@vtext.com" a domain,
	// "post_master@vtext.com" a whole address. An entry without "@" is a
	// display name, which counts only when the address beside it is empty
	// or unusable ("From: MAILER-DAEMON <>"); it matches a name that
	// starts with it ("courier mail server at" fits "Courier mail server
	// at mx.example.net <@>").
	senders []string
	// headers are fields whose presence is as good as a machine sender
	// (Exim's X-Failed-Recipients).
	headers []string
	// subjects are anchored at the start of the subject (after leading
	// "[tag]"s). An entry ending in ":" or "*" matches as a prefix; any
	// other entry must be the whole subject or be followed by ":".
	subjects []string
	// strong phrases are sentences only such a notice contains; weak ones
	// a person might write too ("could not be delivered").
	strong, weak []string
}

// hit says which shape gave a piece of evidence and what matched.
type hit struct {
	shape, what string
}

func (h hit) ok() bool { return h.shape != "" }

// matchSender finds a shape whose sender entry fits one of the addresses,
// or whose display name fits a sender without a usable address.
func matchSender(shapes []shape, addrs, bareNames []string) hit {
	for i := range shapes {
		for _, e := range shapes[i].senders {
			if !strings.Contains(e, "@") {
				for _, n := range bareNames {
					if strings.HasPrefix(n, e) {
						return hit{shapes[i].name, "sender name " + n + " without an address"}
					}
				}
				continue
			}
			for _, a := range addrs {
				if senderFits(a, e) {
					return hit{shapes[i].name, "sender " + a}
				}
			}
		}
	}
	return hit{}
}

func senderFits(addr, entry string) bool {
	switch {
	case strings.HasSuffix(entry, "@"):
		return strings.HasPrefix(addr, entry)
	case strings.HasPrefix(entry, "@"):
		return strings.HasSuffix(addr, entry) || strings.HasSuffix(addr, "."+entry[1:])
	}
	return addr == entry
}

// matchHeaders finds a shape one of whose header fields is present.
func matchHeaders(shapes []shape, has func(string) bool) hit {
	for i := range shapes {
		for _, h := range shapes[i].headers {
			if has(h) {
				return hit{shapes[i].name, "header " + h}
			}
		}
	}
	return hit{}
}

// matchSubject finds a shape whose subject entry the normalised subject
// starts with.
func matchSubject(shapes []shape, subj string) hit {
	if subj == "" {
		return hit{}
	}
	for i := range shapes {
		for _, e := range shapes[i].subjects {
			if subjectFits(subj, e) {
				return hit{shapes[i].name, "subject " + quote(subj)}
			}
		}
	}
	return hit{}
}

func subjectFits(subj, entry string) bool {
	if p, free := strings.CutSuffix(entry, "*"); free {
		return strings.HasPrefix(subj, p)
	}
	if !strings.HasPrefix(subj, entry) {
		return false
	}
	rest := subj[len(entry):]
	return strings.HasSuffix(entry, ":") || rest == "" || rest[0] == ':'
}

// matchPhrase finds the first shape with a phrase (strong or weak, as
// pick says) among those found in the normalised text (phrases.find).
// Shapes named in prefer (those the sender or subject pointed at) are tried
// first, so that a sentence two MTAs share is credited to the one the other
// evidence names.
func matchPhrase(shapes []shape, found map[string]bool, pick func(*shape) []string, prefer ...string) hit {
	if len(found) == 0 {
		return hit{}
	}
	for _, name := range prefer {
		if name == "" || strings.HasPrefix(name, "generic") {
			continue // the catch-all entries come last anyway
		}
		for i := range shapes {
			if shapes[i].name == name {
				if h := phraseIn(&shapes[i], found, pick); h.ok() {
					return h
				}
			}
		}
	}
	for i := range shapes {
		if h := phraseIn(&shapes[i], found, pick); h.ok() {
			return h
		}
	}
	return hit{}
}

func phraseIn(sh *shape, found map[string]bool, pick func(*shape) []string) hit {
	for _, p := range pick(sh) {
		if found[p] {
			return hit{sh.name, "text " + quote(p)}
		}
	}
	return hit{}
}

func strongOf(s *shape) []string { return s.strong }
func weakOf(s *shape) []string   { return s.weak }

func quote(s string) string {
	if len(s) > 80 {
		s = strings.ToValidUTF8(s[:80], "") + "…"
	}
	return `"` + s + `"`
}
