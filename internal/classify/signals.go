package classify

import (
	"strings"

	"github.com/klachtd/klachtd/internal/parse"
)

// signals are the facts found in one mail. The machine flags (loop,
// bounce, list, auto) are set only on proof; review collects soft signals.
type signals struct {
	loop, bounce, list, auto bool
	handler, reply           bool
	review                   bool
	returns                  bool // a report or abuse report that returns one of our mails
	reasons, softs           []string
}

func (s *signals) add(flag *bool, reason string) {
	*flag = true
	s.reasons = append(s.reasons, reason)
}

// soft records a soft signal: review, not proof. Soft reasons follow the
// others, marked as such only when no proof was found.
func (s *signals) soft(reason string) {
	s.review = true
	s.softs = append(s.softs, reason)
}

// finish appends the soft reasons.
func (s *signals) finish() {
	for _, r := range s.softs {
		if !s.machine() {
			r += " (soft signal: review)"
		}
		s.reasons = append(s.reasons, r)
	}
}

func (s *signals) note(reason string) { s.reasons = append(s.reasons, reason) }

func (s *signals) machine() bool { return s.loop || s.bounce || s.list || s.auto }

func (s *signals) kind() Kind {
	switch {
	case s.loop:
		return Loop
	case s.bounce:
		return Bounce
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

// view is the bounded, normalised text of a mail that the shape tables
// are matched against, computed once per mail.
type view struct {
	subject   string
	found     map[string]bool // the shape tables' phrases in the normalised text (phrases.find)
	senders   []string        // From and Sender addresses, lower case
	bareNames []string        // display names of senders without a usable address, lower case
	returned  string          // content type of the first returned-message part, "" if none
	forward   bool            // the subject starts with a reply or forward prefix ("FW:", "Doorst:")
}

func newView(m *parse.Message) *view {
	v := &view{found: phrases.find(norm(m.Text, textScanBytes)), subject: normSubject(m.Subject)}
	v.forward = isForward(v.subject)
	for _, a := range m.From {
		v.addSender(a)
	}
	if m.Sender != nil {
		v.addSender(*m.Sender)
	}
	for _, raw := range m.Header["From"] {
		if name, ok := bareName(raw); ok {
			v.bareNames = append(v.bareNames, name)
		}
	}
	for _, a := range m.Attachments {
		if returnedPart(a.ContentType) {
			v.returned = a.ContentType
			break
		}
	}
	return v
}

func (v *view) addSender(a parse.Address) {
	addr := cleanAddr(a.Address)
	if strings.Count(addr, "@") == 1 && !strings.HasPrefix(addr, "@") && !strings.HasSuffix(addr, "@") {
		v.senders = append(v.senders, addr)
		return
	}
	if n := norm(a.Name, 200); n != "" {
		v.bareNames = append(v.bareNames, n)
	}
}

// forwardPrefixes are what mail clients put before the subject of a reply
// or forward (en, nl, de, fr and a few more), normalised. A notice never
// starts so: "Undeliverable: RE: …" starts with its own prefix.
var forwardPrefixes = []string{"re:", "fw:", "fwd:", "tr:", "wg:", "aw:", "antw:", "doorst:", "sv:", "vs:", "rv:", "enc:", "réf:"}

func isForward(subj string) bool {
	for _, p := range forwardPrefixes {
		if strings.HasPrefix(subj, p) {
			return true
		}
	}
	return false
}

// bareName reads a raw From value whose address is empty or unusable
// ("MAILER-DAEMON <>", "Mail Delivery System <@>", "MAILER-DAEMON") and
// returns its display name; parse drops such a mailbox.
func bareName(raw string) (string, bool) {
	if len(raw) > 500 {
		return "", false
	}
	name, addr := raw, ""
	if i := strings.IndexByte(raw, '<'); i >= 0 {
		name, addr = raw[:i], raw[i+1:]
		addr, _, _ = strings.Cut(addr, ">")
	} else if strings.Contains(raw, "@") {
		return "", false
	}
	addr = strings.TrimSpace(addr)
	if addr != "" && addr != "@" {
		return "", false
	}
	name = norm(strings.Trim(strings.TrimSpace(name), `"'`), 200)
	return name, name != ""
}

// returnedPart reports whether a part carries a returned message or its
// header, as bounces and abuse reports attach it.
func returnedPart(ctype string) bool {
	switch ctype {
	case "message/rfc822", "message/global", "text/rfc822-headers", "message/global-headers",
		"message/delivery-status", "message/global-delivery-status", "message/feedback-report":
		return true
	}
	return false
}

func collect(m *parse.Message, cfg Config) *signals {
	s := &signals{}
	v := newView(m)
	checkLoop(s, m, cfg)
	checkReport(s, m)
	checkARF(s, m, v)
	checkBounce(s, m, v)
	checkList(s, m)
	checkAuto(s, m, v)
	checkSpam(s, m)
	checkThread(s, m, cfg)
	s.finish()
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
	// A Reply-To naming us is odd (a misconfigured web form) but no proof
	// that we sent the mail: our own mail has our address in From.
	if m.ReplyAddress != "" && isOneOf(m.ReplyAddress, cfg.IntakeAddresses) && !s.loop {
		s.soft("reply address is our intake address " + m.ReplyAddress)
	}
}

// checkReport reads the multipart/report types (RFC 6522): every one is a
// machine's report.
func checkReport(s *signals, m *parse.Message) {
	if m.Report == nil {
		if m.ContentType == "multipart/report" {
			s.add(&s.bounce, "multipart/report")
		}
		return
	}
	s.returns = true
	switch m.Report.ReportType {
	case "delivery-status":
		s.add(&s.bounce, "multipart/report delivery-status (status "+orNone(m.Report.Status)+")")
	case "disposition-notification":
		s.add(&s.auto, "multipart/report disposition-notification (read receipt)")
	case "feedback-report":
		s.add(&s.auto, "multipart/report feedback-report (ARF abuse report)")
	default:
		s.add(&s.auto, "multipart/report "+orNone(m.Report.ReportType))
	}
}

func checkList(s *signals, m *parse.Message) {
	for _, h := range []string{"List-Id", "List-Unsubscribe", "List-Post", "List-Help", "List-Subscribe", "List-Owner", "List-Archive"} {
		if m.HasHeader(h) {
			s.add(&s.list, h+" present")
			break
		}
	}
	switch p := precedence(m); p {
	case "list", "bulk", "junk":
		s.soft("Precedence: " + p)
	}
}

func precedence(m *parse.Message) string {
	return strings.ToLower(strings.TrimSpace(m.HeaderValue("Precedence")))
}

func checkSpam(s *signals, m *parse.Message) {
	if v := m.HeaderValue("X-Spam-Flag"); strings.EqualFold(strings.TrimSpace(v), "yes") {
		s.soft("X-Spam-Flag: " + v)
	}
	if v := m.HeaderValue("X-Spam-Status"); hasWordPrefix(v, "yes") {
		s.soft("X-Spam-Status: yes")
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
