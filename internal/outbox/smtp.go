package outbox

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"strconv"
	"time"

	gomail "github.com/wneessen/go-mail"
	gosmtp "github.com/wneessen/go-mail/smtp"

	"github.com/klachtd/klachtd/internal/oauth"
)

// DeliveryError is a failed delivery that says whether trying again may help.
type DeliveryError struct {
	Temporary bool
	Err       error
}

func (e *DeliveryError) Error() string {
	kind := "permanent"
	if e.Temporary {
		kind = "temporary"
	}
	return fmt.Sprintf("outbox: %s delivery failure: %v", kind, e.Err)
}

func (e *DeliveryError) Unwrap() error { return e.Err }

// IsTemporary reports whether err is worth retrying: SMTP 4xx, network
// trouble and timeouts are; SMTP 5xx and anything that says permanent are not.
func IsTemporary(err error) bool {
	var de *DeliveryError
	if errors.As(err, &de) {
		return de.Temporary
	}
	return true
}

// SMTPOptions configures the relay klachtd sends through.
type SMTPOptions struct {
	Address            string // host:port
	TLS                string // implicit | starttls | none
	Username, Password string
	HeloName           string
	Timeout            time.Duration
	TLSConfig          *tls.Config // optional; ServerName is set from Address
	// Tokens, when set, authenticates as Username with SASL XOAUTH2 and an
	// access token instead of Password. A token the relay rejects (535) is
	// invalidated, so that the retry of that delivery gets a new one; the
	// delivery itself fails as temporary, like any authentication trouble.
	Tokens oauth.TokenSource
	// SessionIdle ends a connection unused for that long; default
	// DefaultSessionIdle (30 s).
	SessionIdle time.Duration
	// MailsPerSession ends a connection after that many mails; default
	// DefaultMailsPerSession (100).
	MailsPerSession int
	// Now is the clock for SessionIdle; default time.Now.
	Now func() time.Time
}

// SMTP sends over an SMTP relay with go-mail. It keeps the connections it
// opened for the next mails: a mail goes out on an idle connection when
// there is one (MAIL FROM after the previous mail's 250), on a new one
// (connect, EHLO, STARTTLS, AUTH) otherwise. At most one connection per
// delivery worker stays idle; a connection is ended after SessionIdle
// unused, after MailsPerSession mails, and after any failure, so a refused
// mail never leaves state behind for the next one. When a reused connection
// turns out dead before the mail was handed over (no answer to MAIL, RCPT,
// DATA or while writing the message, or 421: the relay restarted or timed
// it out), the mail was not refused: it is sent again at once, once, on a
// new connection. A connection that fails after the whole message was
// written (no answer to the final dot) is ambiguous: that failure is the
// mail's, temporary, and retried by the queue, as without reuse. With a
// relay that offers PIPELINING, MAIL, RCPT and DATA go in one round trip
// (see pipelined).
type SMTP struct {
	opts    []gomail.Option
	host    string
	timeout time.Duration
	tokens  oauth.TokenSource
	pool    *pool
}

// NewSMTP validates o and returns a Sender.
func NewSMTP(o SMTPOptions) (*SMTP, error) {
	host, portStr, err := net.SplitHostPort(o.Address)
	if err != nil {
		return nil, fmt.Errorf("outbox: smtp address %q: %w", o.Address, err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil {
		return nil, fmt.Errorf("outbox: smtp port %q: %w", portStr, err)
	}
	tc := &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	if o.TLSConfig != nil {
		tc = o.TLSConfig.Clone()
		if tc.ServerName == "" {
			tc.ServerName = host
		}
	}
	if o.Timeout == 0 {
		o.Timeout = time.Minute
	}
	opts := []gomail.Option{gomail.WithPort(port), gomail.WithTimeout(o.Timeout), gomail.WithTLSConfig(tc)}
	if o.HeloName != "" {
		opts = append(opts, gomail.WithHELO(o.HeloName))
	}
	switch o.TLS {
	case "implicit":
		opts = append(opts, gomail.WithSSL())
	case "starttls", "":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		return nil, fmt.Errorf("outbox: smtp tls %q: want implicit, starttls or none", o.TLS)
	}
	switch {
	case o.Tokens != nil:
		if o.Username == "" {
			return nil, errors.New("outbox: smtp oauth2 needs a username (the mailbox that sends)")
		}
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthXOAUTH2), gomail.WithUsername(o.Username))
	case o.Username != "":
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(o.Username), gomail.WithPassword(o.Password))
	}
	p := &pool{idleFor: cmp.Or(o.SessionIdle, DefaultSessionIdle), maxMails: cmp.Or(o.MailsPerSession, DefaultMailsPerSession),
		now: o.Now}
	if p.now == nil {
		p.now = time.Now
	}
	return &SMTP{opts: opts, host: host, timeout: o.Timeout, tokens: o.Tokens, pool: p}, nil
}

// Close ends the idle connections. SMTP stays usable: a later Send opens a
// new one.
func (s *SMTP) Close() error {
	s.pool.closeIdle()
	return nil
}

// Send delivers raw to rcpt with envelope sender from, on an idle
// connection or a new one.
func (s *SMTP) Send(ctx context.Context, from string, rcpt []string, raw []byte) error {
	if sess := s.pool.get(); sess != nil {
		handedOver, err := s.transact(ctx, sess, from, rcpt, raw)
		if err == nil || handedOver || !stale(err) || ctx.Err() != nil {
			return classify(err)
		}
		// The relay dropped the idle connection; the mail is not to blame.
	}
	sess, err := s.dial(ctx)
	if err != nil {
		return err
	}
	_, err = s.transact(ctx, sess, from, rcpt, raw)
	return classify(err)
}

// dial opens, greets and authenticates a new connection.
func (s *SMTP) dial(ctx context.Context) (*session, error) {
	c, err := gomail.NewClient(s.host, s.opts...)
	if err != nil {
		return nil, &DeliveryError{Err: err}
	}
	tok, err := s.token(ctx, c)
	if err != nil {
		return nil, &DeliveryError{Temporary: true, Err: err}
	}
	sc, err := c.DialToSMTPClientWithContext(ctx)
	if err != nil {
		if sc != nil {
			sc.Close()
		}
		if tok != "" && oauth.SMTPRejected(err) {
			s.tokens.Invalidate(tok)
		}
		// Connection, TLS and authentication trouble is the relay's or the
		// operator's to fix, never the mail's fault: keep it and retry.
		return nil, &DeliveryError{Temporary: true, Err: err}
	}
	return &session{sc: sc}, nil
}

// transact sends one mail on sess and then keeps sess for the next mail, or
// ends it after a failure. handedOver is true once the whole message was
// written (the failure, if any, was in the answer to the final dot).
func (s *SMTP) transact(ctx context.Context, sess *session, from string, rcpt []string, raw []byte) (handedOver bool, err error) {
	deadline := time.Now().Add(s.timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	if err := sess.sc.UpdateDeadline(time.Until(deadline)); err != nil {
		drop(sess, err)
		return false, err
	}
	w, err := message(sess.sc, from, rcpt, raw)
	if err != nil {
		drop(sess, err)
		return false, err
	}
	if err := w.Close(); err != nil { // the final dot, and the relay's answer
		drop(sess, err)
		return true, err
	}
	sess.mails++
	s.pool.put(sess)
	return true, nil
}

// message runs MAIL, RCPT and DATA and writes raw, all but the final dot.
// go-mail's client sends the address as given: RFC 5321 wants it in angle
// brackets, and strict relays refuse it without.
func message(sc *gosmtp.Client, from string, rcpt []string, raw []byte) (io.WriteCloser, error) {
	if ok, _ := sc.Extension("PIPELINING"); ok {
		return pipelined(sc, from, rcpt, raw)
	}
	if err := sc.Mail("<" + from + ">"); err != nil {
		return nil, err
	}
	for _, r := range rcpt {
		if err := sc.Rcpt("<" + r + ">"); err != nil {
			return nil, err
		}
	}
	w, err := sc.Data()
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(raw); err != nil {
		return nil, err
	}
	return w, nil
}

// token sets an OAuth2 access token as c's password (XOAUTH2) and returns
// it; without Tokens it does nothing.
func (s *SMTP) token(ctx context.Context, c *gomail.Client) (string, error) {
	if s.tokens == nil {
		return "", nil
	}
	tok, _, err := s.tokens.Token(ctx)
	if err != nil {
		return "", fmt.Errorf("outbox: smtp oauth2 token: %w", err)
	}
	c.SetPassword(tok)
	return tok, nil
}

// classify wraps err as a DeliveryError: 5xx is permanent, the rest temporary.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var te *textproto.Error
	if errors.As(err, &te) {
		return &DeliveryError{Temporary: te.Code < 500, Err: err}
	}
	return &DeliveryError{Temporary: true, Err: err}
}
