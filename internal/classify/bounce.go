package classify

import (
	"strings"

	"github.com/klachtd/klachtd/internal/parse"
)

// bounceEvidence is what the bounce shapes found in one mail. No single
// piece is proof; verdict combines them.
type bounceEvidence struct {
	sender, subject, strong, weak hit
	returned                      string // content type of a returned-message part
	forward                       bool   // a person's reply or forward: only the sender can prove a bounce
}

func findBounce(m *parse.Message, v *view) bounceEvidence {
	e := bounceEvidence{
		sender:   matchSender(bounceShapes, v.senders, v.bareNames),
		subject:  matchSubject(bounceShapes, v.subject),
		returned: v.returned,
		forward:  v.forward,
	}
	if h := matchHeaders(bounceShapes, m.HasHeader); h.ok() && (!e.sender.ok() || e.sender.shape == "generic") {
		e.sender = h
	}
	e.strong = matchPhrase(bounceShapes, v.found, strongOf, e.sender.shape, e.subject.shape)
	if !e.strong.ok() {
		e.weak = matchPhrase(bounceShapes, v.found, weakOf, e.sender.shape, e.subject.shape)
	}
	return e
}

// proof reports whether the evidence proves a delivery-failure notice:
// two independent marks, one of them from the sender, the subject or the
// structure, and at least one a notice's own words unless the sender is a
// mail system and the subject a bounce subject. A mail whose subject says
// it is a reply or forward ("FW: Undeliverable: …", Outlook forwards the
// notice inline with the returned message attached) is proved only by its
// sender: a person forwarding a bounce is complaining.
func (e bounceEvidence) proof() bool {
	body := e.strong.ok() || e.weak.ok()
	switch {
	case e.sender.ok() && (body || e.subject.ok()):
		return true
	case e.forward:
		return false
	case e.subject.ok() && e.strong.ok():
		return true
	case e.returned != "" && e.strong.ok():
		return true
	case e.returned != "" && e.subject.ok() && e.weak.ok():
		return true
	}
	return false
}

// name is the shape a Reason reports: the one whose own words matched
// first, then the subject's, then the sender's.
func (e bounceEvidence) name() string {
	for _, h := range []hit{e.strong, e.subject, e.sender, e.weak} {
		if h.ok() {
			return h.shape
		}
	}
	return ""
}

func (e bounceEvidence) describe() string {
	var parts []string
	for _, h := range []hit{e.sender, e.subject, e.strong, e.weak} {
		if h.ok() {
			parts = append(parts, h.what)
		}
	}
	if e.returned != "" {
		parts = append(parts, "part "+e.returned)
	}
	return "(" + e.name() + "): " + strings.Join(parts, "; ")
}

func checkBounce(s *signals, m *parse.Message, v *view) {
	e := findBounce(m, v)
	switch {
	case e.proof():
		s.add(&s.bounce, "bounce "+e.describe())
	case e.sender.ok() || e.subject.ok():
		s.soft("possible bounce " + e.describe())
	case e.strong.ok():
		s.note("bounce text without a machine sender or subject " + e.describe() + ": a person may forward or paste a notice")
	}
	if m.NullReturnPath && !s.machine() {
		if e.sender.ok() || e.subject.ok() || e.strong.ok() {
			s.add(&s.bounce, "null return path (Return-Path: <>) with bounce evidence")
		} else {
			s.add(&s.auto, "null return path (Return-Path: <>)")
		}
	}
}

// checkARF finds abuse (feedback loop) reports that do not come as
// multipart/report: a message/feedback-report part anywhere, or a
// returned message with an abuse report's words, sender or JMRP subject
// ("complaint about message from 192.0.2.1").
func checkARF(s *signals, m *parse.Message, v *view) {
	if s.machine() {
		return
	}
	for _, a := range m.Attachments {
		if a.ContentType == "message/feedback-report" {
			s.returns = true
			s.add(&s.auto, "message/feedback-report part (ARF abuse report)")
			return
		}
	}
	text := matchPhrase(arfShape, v.found, strongOf)
	sender := matchSender(arfShape, v.senders, nil)
	var why string
	switch {
	case text.ok() && (v.returned != "" || sender.ok()):
		why = text.what + "; " + or(sender.what, "part "+v.returned)
	case v.returned != "" && sender.ok():
		why = sender.what + "; part " + v.returned
	case v.returned != "" && jmrpSubject(v.subject):
		why = "subject " + quote(v.subject) + "; part " + v.returned
	default:
		return
	}
	s.returns = true
	s.add(&s.auto, "abuse report (arf): "+why)
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// jmrpSubject matches "complaint about message from " followed by an IP
// address, the subject of Microsoft's feedback loop reports.
func jmrpSubject(subj string) bool {
	rest, ok := strings.CutPrefix(subj, "complaint about message from ")
	return ok && rest != "" && (rest[0] >= '0' && rest[0] <= '9' || rest[0] == '[')
}

// originalMessageID finds the Message-ID of the mail a machine notice
// returns: from the report, else from a returned message or header part,
// else from the copy quoted in the text (qmail, Exim, Sendmail quote it
// inline).
func originalMessageID(m *parse.Message) string {
	if m.Report != nil && m.Report.OriginalMessageID != "" {
		return m.Report.OriginalMessageID
	}
	for _, a := range m.Attachments {
		switch a.ContentType {
		case "message/rfc822", "message/global", "text/rfc822-headers", "message/global-headers":
			if id := messageIDIn(string(boundedBytes(a.Data, headerScanBytes)), true); id != "" {
				return id
			}
		}
	}
	return messageIDIn(m.Text, false)
}

func boundedBytes(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}
