package classify

import (
	"strings"

	"github.com/klachtd/klachtd/internal/parse"
)

// autoEvidence is what marks a mail as an automatic reply.
type autoEvidence struct {
	hardHeader, softHeader string // "X-Autoreply: yes", "X-Ms-Exchange-Inbox-Rules-Loop"
	submitted              string // Auto-Submitted value other than "no", lower case, without parameters
	subject, text          hit
	threaded               bool // In-Reply-To or References present
	bulk                   bool // Precedence: bulk or junk
}

func findAuto(m *parse.Message, v *view) autoEvidence {
	e := autoEvidence{
		submitted: autoSubmitted(m),
		subject:   matchSubject(autoShapes, v.subject),
		text:      matchPhrase(autoShapes, v.found, strongOf),
		threaded:  len(m.InReplyTo) > 0 || len(m.References) > 0,
	}
	p := precedence(m)
	e.bulk = p == "bulk" || p == "junk"
	for _, h := range autoHeaders {
		if !m.HasHeader(h.name) {
			continue
		}
		val := strings.ToLower(strings.TrimSpace(m.HeaderValue(h.name)))
		if h.value == "" && (val == "no" || val == "false") || h.value != "" && !strings.HasPrefix(val, h.value) {
			continue
		}
		field := h.name + ": " + val
		if h.hard && e.hardHeader == "" {
			e.hardHeader = field
		} else if !h.hard && e.softHeader == "" {
			e.softHeader = h.name
		}
	}
	return e
}

// autoSubmitted returns the Auto-Submitted keyword (RFC 3834) when it is
// anything but "no", else "".
func autoSubmitted(m *parse.Message) string {
	if !m.HasHeader("Auto-Submitted") {
		return ""
	}
	v := strings.ToLower(strings.TrimSpace(m.HeaderValue("Auto-Submitted")))
	// The keyword, without parameters or a comment: "auto-replied (vacation)".
	if i := strings.IndexAny(v, "; \t("); i >= 0 {
		v = v[:i]
	}
	if v == "no" {
		return ""
	}
	if v == "" {
		return "(empty)"
	}
	return v
}

// proof reports whether the evidence proves an automatic reply; see the
// package documentation for the table.
func (e autoEvidence) proof() (string, bool) {
	soft := e.softHeader != ""
	switch {
	case e.hardHeader != "":
		return e.hardHeader, true
	case e.submitted == "auto-replied" && (e.subject.ok() || e.text.ok() || e.threaded || soft):
		return "Auto-Submitted: auto-replied with " + e.with(), true
	case e.submitted != "" && (e.subject.ok() || soft):
		return "Auto-Submitted: " + e.submitted + " with " + e.with(), true
	case e.subject.ok() && (e.text.ok() || e.bulk || soft):
		return "auto-reply " + e.with(), true
	}
	return "", false
}

// with lists the evidence beside Auto-Submitted, for Reasons.
func (e autoEvidence) with() string {
	var parts []string
	name := ""
	for _, h := range []hit{e.subject, e.text} {
		if h.ok() {
			parts = append(parts, h.what)
			if name == "" {
				name = h.shape
			}
		}
	}
	if e.softHeader != "" {
		parts = append(parts, "header "+e.softHeader)
	}
	if e.threaded {
		parts = append(parts, "In-Reply-To/References")
	}
	if e.bulk {
		parts = append(parts, "Precedence bulk/junk")
	}
	if name != "" {
		name = "(" + name + ") "
	}
	return name + strings.Join(parts, "; ")
}

func checkAuto(s *signals, m *parse.Message, v *view) {
	if v := m.HeaderValue("X-Auto-Response-Suppress"); v != "" {
		s.note("X-Auto-Response-Suppress: " + v + " (a request, not a machine signal)")
	}
	e := findAuto(m, v)
	if why, ok := e.proof(); ok {
		s.add(&s.auto, why)
		return
	}
	if e.submitted != "" {
		s.soft("Auto-Submitted: " + e.submitted + " without an auto-reply subject or text")
	}
	if e.subject.ok() {
		s.soft("auto-reply " + e.subject.what + " (" + e.subject.shape + ") without other evidence")
	}
	if e.softHeader != "" {
		s.soft("header " + e.softHeader + " (Exchange inbox rule) without other evidence")
	}
}
