package mailbox

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/klachtd/klachtd/internal/oauth"
)

// TLS modes for Options.TLS.
const (
	TLSImplicit = "implicit" // TLS from the first byte (port 993); the default
	TLSStartTLS = "starttls" // plain connect, then STARTTLS before login (port 143)
	TLSNone     = "none"     // no TLS at all: only for a loopback host
)

// Defaults for Options.
const (
	DefaultMailbox           = "INBOX"
	DefaultProcessedMailbox  = "Processed"  // under the personal namespace prefix
	DefaultQuarantineMailbox = "Quarantine" // under the personal namespace prefix
	DefaultPollInterval      = 60 * time.Second
	DefaultCommandTimeout    = 60 * time.Second
	DefaultMaxMessageBytes   = 25 << 20
	DefaultMaxAttempts       = 3

	// maxIdle bounds one IDLE command: RFC 2177 asks clients to re-issue it
	// before 29 minutes.
	maxIdle = 25 * time.Minute
	// Reconnect backoff bounds.
	backoffMin = time.Second
	backoffMax = 2 * time.Minute
)

// Options configure a Watcher. Address, Username and Handler are required.
type Options struct {
	Address   string      // host:port
	TLS       string      // TLSImplicit (default), TLSStartTLS or TLSNone (loopback only)
	TLSConfig *tls.Config // optional, e.g. RootCAs in tests; ServerName defaults to the host of Address

	Username, Password string // the password is never logged
	// Tokens, when set, logs in with OAuth2 (SASL OAUTHBEARER or XOAUTH2)
	// instead of Password: a token the server rejects is replaced once,
	// then the source backs off, and the error goes to OnCheck like any
	// failed connect. Tokens are never logged.
	Tokens oauth.TokenSource

	Mailbox string // watched folder; default INBOX
	// ProcessedMailbox and QuarantineMailbox are created when missing. When
	// empty they default to "Processed" and "Quarantine" under the server's
	// personal namespace prefix (NAMESPACE), e.g. "INBOX.Processed" on a
	// server whose personal namespace is "INBOX.".
	ProcessedMailbox  string
	QuarantineMailbox string

	// PollInterval is how often the mailbox is checked without IDLE, and how
	// long one IDLE lasts before a safety-net check (at most 25 minutes).
	// Default 60s.
	PollInterval time.Duration
	// CommandTimeout bounds dialling, the TLS handshake and every command
	// without a byte from the server: a connection that stays silent longer
	// is taken for hung, dropped and reconnected. Default 60s.
	CommandTimeout time.Duration
	// MaxMessageBytes is the most fetched of one mail; a bigger mail is
	// handed over truncated (Mail.Truncated). Default 25 MiB.
	MaxMessageBytes int64
	// MaxAttempts is how often Handle may fail for the same mail before the
	// mail goes to Handler.Quarantine. Default 3.
	MaxAttempts int

	Handler Handler
	Locker  Locker // nil: no locking

	Logger *slog.Logger // default: discard
	// Trace, when set, receives the raw IMAP protocol, including the LOGIN
	// password or the OAuth2 token: set it only behind a debug flag.
	Trace io.Writer

	// Sleep waits between reconnects and while another instance holds the
	// lock; tests replace it. Default: a timer that stops on ctx.
	Sleep func(ctx context.Context, d time.Duration) error

	// OnCheck, when set, is told the outcome of every look at the mailbox:
	// nil after a completed pass (at least every PollInterval while all is
	// well), the error when connecting, locking or a pass failed. The daemon
	// records it so that a stalled intake is seen, not silent. It runs on the
	// watcher's goroutine: keep it short.
	OnCheck func(err error)
}

// withDefaults validates o and fills in the defaults.
func (o Options) withDefaults() (Options, error) {
	host, _, err := net.SplitHostPort(o.Address)
	if err != nil {
		return o, fmt.Errorf("mailbox: address %q: want host:port: %w", o.Address, err)
	}
	switch strings.ToLower(o.TLS) {
	case "", TLSImplicit:
		o.TLS = TLSImplicit
	case TLSStartTLS, TLSNone:
		o.TLS = strings.ToLower(o.TLS)
	default:
		return o, fmt.Errorf("mailbox: tls %q: want implicit, starttls or none", o.TLS)
	}
	if o.TLS == TLSNone && !isLoopback(host) {
		return o, fmt.Errorf("mailbox: tls = none is allowed only for a loopback host (localhost, 127.0.0.1, ::1), not %q: use implicit or starttls", host)
	}
	if o.Username == "" {
		return o, errors.New("mailbox: username is empty")
	}
	if o.Handler == nil {
		return o, errors.New("mailbox: no handler")
	}
	if o.PollInterval < 0 || o.CommandTimeout < 0 || o.MaxMessageBytes < 0 || o.MaxAttempts < 0 {
		return o, errors.New("mailbox: negative poll interval, command timeout, max message bytes or max attempts")
	}
	o.TLSConfig = tlsConfig(o.TLSConfig, host)
	setDefault(&o.Mailbox, DefaultMailbox)
	if o.Mailbox == o.ProcessedMailbox || o.Mailbox == o.QuarantineMailbox {
		return o, fmt.Errorf("mailbox: the watched mailbox %q cannot be the processed or quarantine folder", o.Mailbox)
	}
	setDefault(&o.PollInterval, DefaultPollInterval)
	setDefault(&o.CommandTimeout, DefaultCommandTimeout)
	setDefault(&o.MaxMessageBytes, DefaultMaxMessageBytes)
	setDefault(&o.MaxAttempts, DefaultMaxAttempts)
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Sleep == nil {
		o.Sleep = sleep
	}
	return o, nil
}

func setDefault[T comparable](v *T, def T) {
	var zero T
	if *v == zero {
		*v = def
	}
}

func tlsConfig(c *tls.Config, host string) *tls.Config {
	if c == nil {
		c = &tls.Config{}
	} else {
		c = c.Clone()
	}
	if c.ServerName == "" {
		c.ServerName = host
	}
	return c
}

// isLoopback reports whether host names this machine without leaving it.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
