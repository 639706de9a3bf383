// Package classify decides, from a parsed mail and the configuration
// alone, what kind of mail it is and whether klachtd may answer it
// automatically.
//
// Promises:
//
//   - Classify is pure: no I/O, no clock, no database. The same mail and
//     config give the same Result.
//   - Acknowledge is true only for Kind Complaint. Every hard signal of a
//     machine (domain.md, "E-mail rules") blocks it: a null return path,
//     Auto-Submitted other than "no", List-Id or another List-* field,
//     Precedence bulk/list/junk, a multipart/report (DSN or MDN),
//     MAILER-DAEMON or postmaster as sender, X-Spam-Flag: YES, our own
//     intake address as sender, or our own loop header.
//   - X-Auto-Response-Suppress alone does not block: it is a request, not
//     proof of a machine. It is listed in Reasons so that the daemon can
//     honour it for mail the law does not require.
//   - Reasons lists every signal found, decisive or not, in a fixed order,
//     so that a handler reviewing the mail sees why.
//
// What classify cannot know is left to the daemon: whether In-Reply-To or
// References name one of our mails (it upgrades such a Complaint to a
// Reply), and how many automatic mails a sender got today.
package classify

import (
	"strings"

	"github.com/klachtd/klachtd/internal/parse"
)

// Kind is the class of a mail.
type Kind string

// The kinds of mail klachtd tells apart.
const (
	Complaint    Kind = "complaint"     // a new complaint: open a case and acknowledge it
	Reply        Kind = "reply"         // carries a case reference: add it to that case
	HandlerReply Kind = "handler_reply" // a configured handler answering on a case
	AutoReply    Kind = "auto_reply"    // out-of-office, vacation, read receipt, other robots
	Bounce       Kind = "bounce"        // a delivery failure report
	List         Kind = "list"          // mailing list or bulk mail
	Spam         Kind = "spam"          // marked as spam by the receiving filter
	Loop         Kind = "loop"          // one of our own mails came back
)

// DefaultLoopHeader is the header klachtd puts on every mail it sends,
// with the intake address as value.
const DefaultLoopHeader = "X-Klachtd-Loop"

// Config is what classify needs from the configuration.
type Config struct {
	IntakeAddresses []string // our own addresses
	Handlers        []string // handler addresses, or "@domain" for a whole domain
	LoopHeader      string   // default DefaultLoopHeader
}

// Result is the decision on one mail.
type Result struct {
	Kind        Kind
	Acknowledge bool // an automatic acknowledgement may be sent
	// Machine is proof that no person wrote the mail (a delivery or read
	// report, a null return path, our own mail, List-Id, a known bounce or
	// auto-reply shape): only such a mail is stored without a case.
	Machine bool
	// Review is a soft signal (subject words, a spam flag, Precedence,
	// Auto-Submitted on a mail that reads like a person or a form): the
	// mail opens a case marked for review, without an acknowledgement.
	Review  bool
	Reasons []string // the signals found, e.g. "Auto-Submitted: auto-replied"
}

// Classify decides the kind of a mail. Order of precedence: loop, bounce,
// spam, list, auto-reply, handler reply, reply, complaint.
func Classify(m *parse.Message, cfg Config) Result {
	s := collect(m, cfg)
	r := Result{Kind: s.kind(), Reasons: s.reasons}
	r.Acknowledge = r.Kind == Complaint
	switch r.Kind {
	case Loop, Bounce, AutoReply, List, Spam:
		r.Machine = true
	}
	if r.Reasons == nil {
		r.Reasons = []string{}
	}
	return r
}

// signals are the facts found in one mail.
type signals struct {
	loop, bounce, spam, list, auto, handler, reply bool
	reasons                                        []string
}

func (s *signals) add(flag *bool, reason string) {
	*flag = true
	s.reasons = append(s.reasons, reason)
}

func (s *signals) note(reason string) { s.reasons = append(s.reasons, reason) }

func (s *signals) kind() Kind {
	switch {
	case s.loop:
		return Loop
	case s.bounce:
		return Bounce
	case s.spam:
		return Spam
	case s.list:
		return List
	case s.auto:
		return AutoReply
	case s.handler:
		return HandlerReply
	case s.reply:
		return Reply
	}
	return Complaint
}

func collect(m *parse.Message, cfg Config) *signals {
	s := &signals{}
	checkLoop(s, m, cfg)
	checkBounce(s, m)
	checkSpam(s, m)
	checkList(s, m)
	checkAuto(s, m)
	checkThread(s, m, cfg)
	return s
}

func checkLoop(s *signals, m *parse.Message, cfg Config) {
	header := cfg.LoopHeader
	if header == "" {
		header = DefaultLoopHeader
	}
	if m.HasHeader(header) {
		v := m.HeaderValue(header)
		if len(cfg.IntakeAddresses) == 0 || isOneOf(v, cfg.IntakeAddresses) {
			s.add(&s.loop, header+": "+v+" (our own mail)")
		} else {
			s.add(&s.auto, header+": "+v+" (another klachtd instance)")
		}
	}
	for _, a := range m.From {
		if isOneOf(a.Address, cfg.IntakeAddresses) {
			s.add(&s.loop, "From is our intake address "+a.Address)
		}
	}
	if m.ReplyAddress != "" && isOneOf(m.ReplyAddress, cfg.IntakeAddresses) && !s.loop {
		s.add(&s.loop, "reply address is our intake address "+m.ReplyAddress)
	}
}

func checkBounce(s *signals, m *parse.Message) {
	if m.Report != nil {
		switch m.Report.ReportType {
		case "delivery-status":
			s.add(&s.bounce, "multipart/report delivery-status (status "+orNone(m.Report.Status)+")")
		case "disposition-notification":
			s.add(&s.auto, "multipart/report disposition-notification (read receipt)")
		default:
			s.add(&s.auto, "multipart/report "+orNone(m.Report.ReportType))
		}
	} else if m.ContentType == "multipart/report" {
		s.add(&s.bounce, "multipart/report")
	}
	for _, a := range senders(m) {
		local, _, _ := strings.Cut(strings.ToLower(a), "@")
		if local == "mailer-daemon" || local == "postmaster" {
			s.add(&s.bounce, "sender is "+a)
			break
		}
	}
	if m.NullReturnPath {
		if m.Report == nil && looksLikeBounce(m.Subject) {
			s.add(&s.bounce, "null return path and a bounce subject")
		} else {
			s.add(&s.auto, "null return path (Return-Path: <>)")
		}
	}
}

func checkSpam(s *signals, m *parse.Message) {
	if v := m.HeaderValue("X-Spam-Flag"); strings.EqualFold(strings.TrimSpace(v), "yes") {
		s.add(&s.spam, "X-Spam-Flag: "+v)
	}
	if v := m.HeaderValue("X-Spam-Status"); hasWordPrefix(v, "yes") {
		s.add(&s.spam, "X-Spam-Status: yes")
	}
}

func checkList(s *signals, m *parse.Message) {
	for _, h := range []string{"List-Id", "List-Unsubscribe", "List-Post", "List-Help", "List-Subscribe", "List-Owner", "List-Archive"} {
		if m.HasHeader(h) {
			s.add(&s.list, h+" present")
			break
		}
	}
	switch p := strings.ToLower(strings.TrimSpace(m.HeaderValue("Precedence"))); p {
	case "list":
		s.add(&s.list, "Precedence: list")
	case "bulk", "junk":
		s.add(&s.auto, "Precedence: "+p)
	}
}

func checkAuto(s *signals, m *parse.Message) {
	if m.HasHeader("Auto-Submitted") {
		v := strings.ToLower(strings.TrimSpace(m.HeaderValue("Auto-Submitted")))
		if v != "no" && !strings.HasPrefix(v, "no;") && !strings.HasPrefix(v, "no ") {
			s.add(&s.auto, "Auto-Submitted: "+v)
		}
	}
	for _, h := range []string{"X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Autogenerated", "X-Ms-Exchange-Generated-Message-Source"} {
		if m.HasHeader(h) {
			s.add(&s.auto, h+" present")
		}
	}
	if v := m.HeaderValue("X-Auto-Response-Suppress"); v != "" {
		s.note("X-Auto-Response-Suppress: " + v + " (a request, not a machine signal)")
	}
	if looksLikeAutoReply(m.Subject) {
		s.add(&s.auto, "subject of an automatic reply")
	}
}

// checkThread sees whether the mail belongs to a case: a handler's answer
// or a complainant's follow-up.
func checkThread(s *signals, m *parse.Message, cfg Config) {
	threaded := m.CaseRef != "" || len(m.InReplyTo) > 0 || len(m.References) > 0
	if m.CaseRef != "" {
		s.add(&s.reply, "case reference "+m.CaseRef)
	} else if threaded {
		s.note("In-Reply-To/References present: the daemon threads it if they are ours")
	}
	for _, a := range m.From {
		if isHandler(a.Address, cfg.Handlers) {
			if threaded {
				s.add(&s.handler, "from handler "+a.Address)
			} else {
				s.note("from handler " + a.Address + " without a case reference")
			}
			return
		}
	}
}
