package outbox

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"strconv"
	"time"

	gomail "github.com/wneessen/go-mail"

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
}

// SMTP sends over an SMTP relay with go-mail, one connection per mail.
type SMTP struct {
	opts   []gomail.Option
	host   string
	tokens oauth.TokenSource
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
	return &SMTP{opts: opts, host: host, tokens: o.Tokens}, nil
}

// Send delivers raw to rcpt with envelope sender from.
func (s *SMTP) Send(ctx context.Context, from string, rcpt []string, raw []byte) error {
	c, err := gomail.NewClient(s.host, s.opts...)
	if err != nil {
		return &DeliveryError{Err: err}
	}
	tok, err := s.token(ctx, c)
	if err != nil {
		return &DeliveryError{Temporary: true, Err: err}
	}
	sc, err := c.DialToSMTPClientWithContext(ctx)
	if err != nil {
		if tok != "" && oauth.SMTPRejected(err) {
			s.tokens.Invalidate(tok)
		}
		// Connection, TLS and authentication trouble is the relay's or the
		// operator's to fix, never the mail's fault: keep it and retry.
		return &DeliveryError{Temporary: true, Err: err}
	}
	defer c.CloseWithSMTPClient(sc)
	if err := sc.Mail(from); err != nil {
		return classify(err)
	}
	for _, r := range rcpt {
		if err := sc.Rcpt(r); err != nil {
			return classify(err)
		}
	}
	w, err := sc.Data()
	if err != nil {
		return classify(err)
	}
	if _, err := w.Write(raw); err != nil {
		return classify(err)
	}
	return classify(w.Close())
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
