// Package classify decides what kind of mail a parsed message is, from the
// mail and the config alone, and whether an automatic answer may go to it.
//
// Hard signals block every automatic mail (RFC 3834 and domain.md): a null
// return path, Auto-Submitted other than "no", List-Id or other List-*
// headers, Precedence bulk/list/junk, a multipart/report, a MAILER-DAEMON or
// postmaster sender, X-Spam-Flag: YES, a sender that is our own intake
// address, and our own loop header. X-Auto-Response-Suppress alone is a
// request, not proof of a machine: the complaint is acknowledged anyway.
package classify

import (
	"strings"

	"github.com/klachtd/klachtd/internal/parse"
)

// Kind is the class of a mail.
type Kind string

// The kinds of mail.
const (
	Complaint    Kind = "complaint"
	Reply        Kind = "reply"
	HandlerReply Kind = "handler_reply"
	AutoReply    Kind = "auto_reply"
	Bounce       Kind = "bounce"
	List         Kind = "list"
	Spam         Kind = "spam"
	Loop         Kind = "loop"
)

// Config is what classification needs to know about the installation.
type Config struct {
	IntakeAddresses []string // our own addresses
	Handlers        []string // handler addresses, or "@domain" for a whole domain
	LoopHeader      string   // default "X-Klachtd-Loop"
}

// Result is a classification with its reasons.
type Result struct {
	Kind        Kind
	Acknowledge bool     // an automatic acknowledgement may be sent
	Reasons     []string // why, in words an operator understands
}

// Classify decides. The order matters: our own mail first, then bounces,
// then other machine mail, then people.
func Classify(m *parse.Message, cfg Config) Result {
	var r Result
	add := func(k Kind, reason string) {
		if r.Kind == "" {
			r.Kind = k
		}
		r.Reasons = append(r.Reasons, reason)
	}
	loopHeader := cfg.LoopHeader
	if loopHeader == "" {
		loopHeader = "X-Klachtd-Loop"
	}
	from := strings.ToLower(fromAddress(m))
	if v := header(m, loopHeader); v != "" && isOurs(strings.ToLower(v), cfg) {
		add(Loop, loopHeader+": "+v+" (our own mail came back)")
	}
	if from != "" && isOurs(from, cfg) {
		add(Loop, "sender is our own intake address "+from)
	}
	bounceSignals(m, from, add)
	machineSignals(m, add)
	if strings.EqualFold(header(m, "X-Spam-Flag"), "yes") {
		add(Spam, "X-Spam-Flag: YES")
	}
	if r.Kind != "" {
		return r
	}
	threaded := m.CaseRef != "" || len(m.InReplyTo) > 0 || len(m.References) > 0
	switch {
	case isHandler(from, cfg) && threaded:
		r.Kind = HandlerReply
		r.Reasons = append(r.Reasons, "from handler "+from)
	case m.CaseRef != "":
		r.Kind = Reply
		r.Reasons = append(r.Reasons, "carries case reference "+m.CaseRef)
	default:
		r.Kind = Complaint
		r.Acknowledge = true
	}
	if v := header(m, "X-Auto-Response-Suppress"); v != "" && r.Kind == Complaint {
		r.Reasons = append(r.Reasons, "X-Auto-Response-Suppress: "+v+" noted; the legal acknowledgement is sent anyway")
	}
	return r
}

func bounceSignals(m *parse.Message, from string, add func(Kind, string)) {
	if m.Report != nil || m.ContentType == "multipart/report" {
		add(Bounce, "multipart/report (delivery or read report)")
	}
	local, _, _ := strings.Cut(from, "@")
	if local == "mailer-daemon" || local == "postmaster" {
		add(Bounce, "sender is "+from)
	}
}

func machineSignals(m *parse.Message, add func(Kind, string)) {
	if m.NullReturnPath {
		add(AutoReply, "null return path (Return-Path: <>)")
	}
	if v := header(m, "Auto-Submitted"); v != "" && !strings.EqualFold(strings.TrimSpace(strings.SplitN(v, ";", 2)[0]), "no") {
		add(AutoReply, "Auto-Submitted: "+v)
	}
	for _, h := range []string{"X-Autoreply", "X-Autorespond"} {
		if v := header(m, h); v != "" {
			add(AutoReply, h+": "+v)
		}
	}
	if header(m, "List-Id") != "" {
		add(List, "List-Id: "+header(m, "List-Id"))
	}
	for _, h := range []string{"List-Unsubscribe", "List-Post", "List-Help"} {
		if header(m, h) != "" {
			add(List, h+" header")
			break
		}
	}
	switch p := strings.ToLower(header(m, "Precedence")); p {
	case "bulk", "junk":
		add(AutoReply, "Precedence: "+p)
	case "list":
		add(List, "Precedence: list")
	}
}

func header(m *parse.Message, name string) string {
	for k, vs := range m.Header {
		if strings.EqualFold(k, name) && len(vs) > 0 {
			return vs[0]
		}
	}
	return ""
}

func fromAddress(m *parse.Message) string {
	if len(m.From) > 0 {
		return m.From[0].Address
	}
	if m.Sender != nil {
		return m.Sender.Address
	}
	return ""
}

func isOurs(addr string, cfg Config) bool {
	for _, a := range cfg.IntakeAddresses {
		a = strings.ToLower(a)
		if addr == a || subAddressOf(addr, a) {
			return true
		}
	}
	return false
}

// subAddressOf: klachten+KL-2026-000001@x is ours when klachten@x is.
func subAddressOf(addr, ours string) bool {
	local, domain, ok := strings.Cut(addr, "@")
	oLocal, oDomain, _ := strings.Cut(ours, "@")
	base, _, plus := strings.Cut(local, "+")
	return ok && plus && base == oLocal && domain == oDomain
}

// IsHandler reports whether addr belongs to a configured handler.
func IsHandler(addr string, cfg Config) bool { return isHandler(strings.ToLower(addr), cfg) }

func isHandler(addr string, cfg Config) bool {
	if addr == "" {
		return false
	}
	for _, h := range cfg.Handlers {
		h = strings.ToLower(strings.TrimSpace(h))
		if h == addr || (strings.HasPrefix(h, "@") && strings.HasSuffix(addr, h)) {
			return true
		}
	}
	return false
}
