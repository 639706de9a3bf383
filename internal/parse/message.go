package parse

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/textproto"
	"strings"
	"time"
)

// Errors returned by Parse, always together with a usable *Message whose
// Malformed field is true.
var (
	ErrMalformed      = errors.New("parse: malformed message")
	ErrTooLarge       = errors.New("parse: message over size limit")
	ErrTooDeep        = errors.New("parse: MIME nesting over depth limit")
	ErrTooManyParts   = errors.New("parse: MIME part count over limit")
	ErrHeaderTooLarge = errors.New("parse: header over size limit")
	ErrBudget         = errors.New("parse: time budget spent")
)

// Address is one mailbox. Address holds no angle brackets; its domain is
// lower-cased, the local part is kept as written: a dot-atom as is, any
// other local part quoted (`"jan de vries"@example.nl`), so that Address
// can be used as it is in an SMTP envelope and a header.
type Address struct {
	Name    string
	Address string
}

// Attachment is a file carried by the mail: an attachment proper, an inline
// image, a forwarded message/rfc822 or a file unpacked from winmail.dat.
type Attachment struct {
	Filename    string
	ContentType string
	Size        int64 // decoded size in bytes
	Inline      bool
	Data        []byte // decoded bytes; nil when the part was cut off by a limit
	ContentID   string // without <>; "" when none (lets HTML bodies refer to inline images)
}

// Limits bound the work Parse does for one mail. A zero field means the
// default from DefaultLimits.
type Limits struct {
	MaxMessageBytes int64
	MaxDepth        int
	MaxParts        int // MIME parts and files inside winmail.dat together
	MaxHeaderBytes  int
	MaxTextBytes    int // of Message.Text (and of each text part on the way)

	// MaxDuration is the wall-clock time one Parse may take. When it is
	// spent Parse stops where it is and returns ErrBudget with the
	// Message read so far.
	MaxDuration time.Duration
	// Now is the clock MaxDuration is measured with; nil means time.Now.
	Now func() time.Time
}

// DefaultLimits are safe for a complaint mailbox: 25 MiB per mail (what most
// providers accept), 50 MIME levels (a small mail 1000 levels deep parses
// in 20 ms, and scanLimit stops a deep mail around a large body: see
// BenchmarkDepth), 500 parts, 1 MiB of header per part, 1 MiB of text
// (a complaint is a few KB; the raw mail is kept whole) and 3 seconds.
func DefaultLimits() Limits {
	return Limits{MaxMessageBytes: 25 << 20, MaxDepth: 50, MaxParts: 500, MaxHeaderBytes: 1 << 20,
		MaxTextBytes: 1 << 20, MaxDuration: 3 * time.Second}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxMessageBytes <= 0 {
		l.MaxMessageBytes = d.MaxMessageBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = d.MaxDepth
	}
	if l.MaxParts <= 0 {
		l.MaxParts = d.MaxParts
	}
	if l.MaxHeaderBytes <= 0 {
		l.MaxHeaderBytes = d.MaxHeaderBytes
	}
	if l.MaxTextBytes <= 0 {
		l.MaxTextBytes = d.MaxTextBytes
	}
	if l.MaxDuration <= 0 {
		l.MaxDuration = d.MaxDuration
	}
	if l.Now == nil {
		l.Now = time.Now
	}
	return l
}

// Report holds the machine-readable part of a multipart/report: a delivery
// status notification (bounce, RFC 3464) or a read receipt (MDN, RFC 8098).
type Report struct {
	ReportType        string // "delivery-status", "disposition-notification", ...
	Action            string // DSN: "failed", "delayed", "delivered", "relayed", "expanded"
	Status            string // DSN: "5.1.1"; a 5.x.x status is permanent
	Recipient         string // Final-Recipient (else Original-Recipient), without "rfc822;"
	OriginalMessageID string // Message-ID of the returned message, without <>
	Disposition       string // MDN: "automatic-action/MDN-sent-automatically; displayed"
	DiagnosticCode    string // DSN: the remote server's answer, when given
}

// Permanent reports whether the report is a permanent delivery failure.
func (r *Report) Permanent() bool {
	if r == nil {
		return false
	}
	return strings.EqualFold(r.Action, "failed") || strings.HasPrefix(r.Status, "5.")
}

// Message is what klachtd understands of one mail.
type Message struct {
	MessageID  string   // without <>; "" when missing
	InReplyTo  []string // ids without <>
	References []string // ids without <>

	From    []Address
	Sender  *Address
	ReplyTo []Address
	To, Cc  []Address

	// ReplyAddress is where the complainant is answered: the first Reply-To
	// mailbox, else the single From mailbox, else the Return-Path; "" if none.
	ReplyAddress   string
	ReturnPath     string // without <>; "" when the header is missing or the null path
	NullReturnPath bool   // Return-Path: <>

	Subject string    // decoded
	Date    time.Time // zero when missing or broken (a warning says which)

	Text    string // best body text: text/plain, else HTML converted; UTF-8, "\n" line ends
	NewText string // Text without quoted reply history and signature
	HTML    bool   // an HTML body part existed

	Attachments []Attachment
	CaseRef     string // "KL-2026-000123" from the subject or a +KL-… sub-address; "" if none

	// Header holds every header field of the top-level entity, keyed by
	// textproto.CanonicalMIMEHeaderKey ("Message-Id", "List-Id",
	// "X-Spam-Flag"), values unfolded, trimmed, RFC 2047-decoded and
	// converted to UTF-8, in the order they appear.
	Header map[string][]string

	ContentType string  // top-level media type, lower case, e.g. "multipart/report"
	Report      *Report // non-nil for multipart/report

	Size   int64  // of the raw bytes
	SHA256 string // of the raw bytes, hex

	Warnings  []string
	Malformed bool // could not be parsed properly; the caller quarantines
}

// HeaderValue returns the first value of the named header field, in any
// spelling of the name, or "".
func (m *Message) HeaderValue(name string) string {
	if v := m.Header[textproto.CanonicalMIMEHeaderKey(name)]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// HasHeader reports whether the named header field is present.
func (m *Message) HasHeader(name string) bool {
	_, ok := m.Header[textproto.CanonicalMIMEHeaderKey(name)]
	return ok
}

// Parse reads one mail. See the package documentation for its promises.
func Parse(raw []byte, lim Limits) (m *Message, err error) {
	m = &Message{Header: map[string][]string{}}
	defer func() {
		if r := recover(); r != nil {
			m.Malformed = true
			m.warn("internal error while parsing: %v", r)
			err = fmt.Errorf("%w: internal error: %v", ErrMalformed, r)
		}
		m.sanitize()
	}()
	m.Size = int64(len(raw))
	sum := sha256.Sum256(raw)
	m.SHA256 = hex.EncodeToString(sum[:])

	p := newParser(lim, m)
	if int64(len(raw)) > p.lim.MaxMessageBytes {
		raw = raw[:p.lim.MaxMessageBytes]
		p.fail(ErrTooLarge, "message is %d bytes, over the limit of %d: only the first part is read", m.Size, p.lim.MaxMessageBytes)
	}
	p.maxScan = scanLimit(len(raw))
	p.run(raw)
	if p.bud.spent {
		p.fail(ErrBudget, "time budget of %s spent: the rest of the mail is not read", p.lim.MaxDuration)
	}
	if p.err != nil {
		m.Malformed = true
	}
	return m, p.err
}

func (m *Message) warn(format string, args ...any) {
	w := fmt.Sprintf(format, args...)
	for _, have := range m.Warnings {
		if have == w {
			return
		}
	}
	if len(m.Warnings) < 100 {
		m.Warnings = append(m.Warnings, w)
	}
}
