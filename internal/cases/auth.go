package cases

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net/textproto"
	"strings"

	"github.com/emersion/go-msgauth/authres"

	"github.com/klachtd/klachtd/internal/parse"
)

// authenticated reports whether a handler's mail may be trusted, and why not.
// raw is the mail as received: the rules read its header fields undecoded,
// because RFC 2047 decoding of an Authentication-Results value could turn
// an encoded word in a sender's address into a result of its own.
//
// The rules, in order:
//   - exactly one From field holding exactly one mailbox (a second mailbox
//     would receive our confirmation, a second field is read differently by
//     different programs);
//   - a Sender field, when present, names that same mailbox: commands are
//     the handler's own, never sent on their behalf;
//   - with no trusted receiving host configured, that is all (From is then
//     all there is; the README says so);
//   - otherwise the topmost Authentication-Results field (RFC 8601) whose
//     authserv-id is the trusted host decides, read with comments removed
//     and quoted strings made inert. It passes with dmarc=pass for the From
//     domain, or dkim=pass with a signing domain aligned with the From
//     domain, or spf=pass with a MAIL FROM domain aligned with it (see
//     aligned). dmarc=fail refuses whatever else the field says, and so does
//     any DMARC result about another From domain than ours (the host then
//     read the mail differently than we do); dmarc=none (no policy) leaves
//     it to dkim and spf. A dkim or spf fail does not cancel an aligned pass
//     of the other method (DMARC's own rule).
//
// Fields of other hosts are ignored: anyone can write one. Only the topmost
// trusted field counts, because the receiving host adds its field above
// those the mail came with; the host must still strip incoming fields that
// carry its authserv-id (README), or a forged one counts when the host adds
// none.
func authenticated(raw []byte, msg *parse.Message, trustedID string) (bool, string) {
	hdr, err := readRawHeader(raw)
	if err != nil {
		return false, "the mail's header cannot be read"
	}
	from, why := singleFrom(hdr, msg)
	if why != "" {
		return false, why
	}
	if trustedID == "" {
		return true, ""
	}
	for _, v := range hdr.Values("Authentication-Results") {
		if !strings.EqualFold(authServID(v), trustedID) {
			continue
		}
		results, err := parseAuthResults(v)
		if err != nil {
			return false, "the Authentication-Results of " + trustedID + " cannot be read"
		}
		return judge(results, domainOf(from), trustedID)
	}
	return false, "no Authentication-Results from " + trustedID
}

// singleFrom returns the one From mailbox, or why there is not exactly one
// (or why Sender disagrees with it).
func singleFrom(hdr textproto.MIMEHeader, msg *parse.Message) (string, string) {
	if len(hdr.Values("From")) != 1 || len(msg.From) != 1 {
		return "", "the mail does not have exactly one From address"
	}
	from := lower(msg.From[0].Address)
	if from == "" || domainOf(from) == "" {
		return "", "the mail does not have exactly one From address"
	}
	if len(hdr.Values("Sender")) > 1 {
		return "", "the mail has more than one Sender field"
	}
	if msg.Sender != nil && lower(msg.Sender.Address) != "" && lower(msg.Sender.Address) != from {
		return "", "the mail was sent on behalf of the From address by another (Sender)"
	}
	return from, ""
}

// judge applies the pass rules of authenticated to one trusted field.
func judge(results []authres.Result, fromDomain, trustedID string) (bool, string) {
	pass := false
	for _, r := range results {
		switch r := r.(type) {
		case *authres.DMARCResult:
			switch {
			case domainOf(lower(r.From)) != fromDomain:
				return false, trustedID + " judged DMARC for another From domain than the mail's"
			case r.Value == authres.ResultFail:
				return false, trustedID + " says dmarc=fail"
			case r.Value == authres.ResultPass:
				pass = true
			}
		case *authres.DKIMResult:
			d := lower(r.Domain)
			if d == "" {
				d = domainOf(lower(r.Identifier))
			}
			pass = pass || (r.Value == authres.ResultPass && aligned(d, fromDomain))
		case *authres.SPFResult:
			pass = pass || (r.Value == authres.ResultPass && aligned(domainOf(lower(r.From)), fromDomain))
		}
	}
	if !pass {
		return false, trustedID + " has no dmarc, dkim or spf pass aligned with the From domain"
	}
	return true, ""
}

// aligned is relaxed alignment without a public suffix list: the domains are
// equal, or one is a subdomain of the other and that other has at least two
// labels (so that "nl" or "example" never aligns with everything under it).
func aligned(a, b string) bool {
	a, b = strings.TrimSuffix(a, "."), strings.TrimSuffix(b, ".")
	if a == "" || b == "" {
		return false
	}
	if a == b {
		return true
	}
	sub := func(child, parent string) bool {
		return strings.Contains(parent, ".") && strings.HasSuffix(child, "."+parent)
	}
	return sub(a, b) || sub(b, a)
}

// domainOf returns the part after the last "@", or s itself when it holds
// no "@" (an SPF MAIL FROM may be given as a bare domain).
func domainOf(s string) string {
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// readRawHeader reads the header fields of raw, unfolded but undecoded.
func readRawHeader(raw []byte) (textproto.MIMEHeader, error) {
	end := bytes.Index(raw, []byte("\r\n\r\n"))
	if lf := bytes.Index(raw, []byte("\n\n")); end < 0 || (lf >= 0 && lf < end) {
		end = lf
	}
	if end >= 0 {
		raw = raw[:end]
	}
	// A reader, not append: raw[:end] shares the caller's bytes.
	r := textproto.NewReader(bufio.NewReader(io.MultiReader(bytes.NewReader(raw), strings.NewReader("\r\n\r\n"))))
	return r.ReadMIMEHeader()
}

// parseAuthResults reads one Authentication-Results value with
// go-msgauth's authres, after removing comments and neutralising quoted
// strings, which authres v0.7.0 does not understand (it splits on every
// ";"): `smtp.mailfrom="x; dkim=pass"@evil.example` must stay one value.
// Any error refuses the whole field.
func parseAuthResults(v string) ([]authres.Result, error) {
	clean, err := stripCFWS(v)
	if err != nil {
		return nil, err
	}
	_, results, err := authres.Parse(clean)
	return results, err
}

// authServID is the first word of v, the host that wrote the field, read
// without authres so that a field authres cannot parse is still known for
// whose it is (and, when it is the trusted host's, refuses).
func authServID(v string) string {
	clean, err := stripCFWS(v)
	if err != nil {
		clean = v
	}
	id, _, _ := strings.Cut(clean, ";")
	return firstWord(id)
}

var errUnbalanced = errors.New("cases: unbalanced quote or comment in Authentication-Results")

// stripCFWS removes RFC 5322 comments (nested, with quoted pairs) and
// replaces each quoted string by its content with every character that
// authres would read as syntax (space, ";", "=", quotes, parentheses,
// backslash) turned into "_". The result has the same results and values;
// a quoted local part only loses its spaces.
func stripCFWS(v string) (string, error) {
	var sb strings.Builder
	sb.Grow(len(v))
	depth, quoted := 0, false
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case depth > 0:
			switch c {
			case '\\':
				i++
			case '(':
				depth++
			case ')':
				depth--
				if depth == 0 {
					sb.WriteByte(' ')
				}
			}
		case quoted:
			switch c {
			case '\\':
				if i+1 < len(v) {
					i++
					sb.WriteByte(inert(v[i]))
				}
			case '"':
				quoted = false
			default:
				sb.WriteByte(inert(c))
			}
		case c == '(':
			depth = 1
		case c == '"':
			quoted = true
		default:
			sb.WriteByte(c)
		}
	}
	if depth > 0 || quoted {
		return "", errUnbalanced
	}
	return sb.String(), nil
}

func inert(c byte) byte {
	switch c {
	case ' ', '\t', '\r', '\n', ';', '=', '"', '(', ')', '\\':
		return '_'
	}
	return c
}

func firstWord(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return ""
	}
	return f[0]
}
