package mailbox

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/klachtd/klachtd/internal/oauth"
)

// watchdogConn enforces Options.CommandTimeout. imapclient sets its own read
// deadlines (30s per response, none while waiting between responses, so a
// server that never answers a command is waited on forever); this conn
// ignores those and instead, while armed, lets a read wait at most timeout
// for the next byte. It sits below TLS so that the handshake is covered too.
type watchdogConn struct {
	net.Conn
	timeout time.Duration

	mu sync.Mutex
	// armed counts the commands in progress: a batch's MOVE may still be
	// waiting for its answer while the next batch is fetched (batch.go).
	armed int
}

// Read extends the deadline before each read while armed, so a slow but
// progressing transfer of a big mail is not cut off. A timeout closes the
// connection: readers above retry, and must not get another timeout's grace.
func (c *watchdogConn) Read(p []byte) (int, error) {
	c.mu.Lock()
	if c.armed > 0 {
		c.Conn.SetReadDeadline(time.Now().Add(c.timeout))
	}
	c.mu.Unlock()
	n, err := c.Conn.Read(p)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		c.Conn.Close()
		err = fmt.Errorf("no answer from the server within %v: %w", c.timeout, err)
	}
	return n, err
}

// SetReadDeadline swallows the deadlines of imapclient and crypto/tls.
func (c *watchdogConn) SetReadDeadline(time.Time) error { return nil }

// SetDeadline keeps write deadlines (imapclient sets 30s per command).
func (c *watchdogConn) SetDeadline(t time.Time) error { return c.Conn.SetWriteDeadline(t) }

// arm starts the watchdog: a read pending now or later fails when no byte
// arrives within the timeout.
func (c *watchdogConn) arm() {
	c.mu.Lock()
	c.armed++
	c.Conn.SetReadDeadline(time.Now().Add(c.timeout))
	c.mu.Unlock()
}

// disarm ends one arm; when no command is in progress any more, reads may
// wait forever (between commands, during IDLE).
func (c *watchdogConn) disarm() {
	c.mu.Lock()
	if c.armed--; c.armed <= 0 {
		c.armed = 0
		c.Conn.SetReadDeadline(time.Time{})
	}
	c.mu.Unlock()
}

// conn is one logged-in IMAP connection.
type conn struct {
	c       *imapclient.Client
	wd      *watchdogConn
	newMail chan struct{} // signalled by the reader goroutine on EXISTS
}

// do runs one command (or a short sequence) under the watchdog.
func (cn *conn) do(f func() error) error {
	cn.wd.arm()
	defer cn.wd.disarm()
	return f()
}

func (cn *conn) close() { cn.c.Close() }

// dial connects, secures and logs in. The watchdog covers every step.
func (w *Watcher) dial(ctx context.Context) (*conn, error) {
	d := net.Dialer{Timeout: w.o.CommandTimeout}
	raw, err := d.DialContext(ctx, "tcp", w.o.Address)
	if err != nil {
		return nil, fmt.Errorf("mailbox: dial %s: %w", w.o.Address, err)
	}
	wd := &watchdogConn{Conn: raw, timeout: w.o.CommandTimeout}
	wd.arm()
	cn := &conn{wd: wd, newMail: make(chan struct{}, 1)}
	if err := w.start(ctx, cn); err != nil {
		raw.Close()
		if cn.c != nil {
			cn.c.Close()
		}
		return nil, err
	}
	wd.disarm()
	return cn, nil
}

func (w *Watcher) start(ctx context.Context, cn *conn) error {
	stop := context.AfterFunc(ctx, func() { cn.wd.Conn.Close() })
	defer stop()
	opts := w.clientOptions(cn)
	var err error
	switch w.o.TLS {
	case TLSImplicit:
		tc := tls.Client(cn.wd, w.o.TLSConfig)
		if err := tc.HandshakeContext(ctx); err != nil {
			return fmt.Errorf("mailbox: tls handshake with %s: %w", w.o.Address, err)
		}
		cn.c = imapclient.New(tc, opts)
	case TLSStartTLS:
		cn.c, err = imapclient.NewStartTLS(cn.wd, opts)
		if err != nil {
			return fmt.Errorf("mailbox: starttls with %s: %w", w.o.Address, err)
		}
	default:
		cn.c = imapclient.New(cn.wd, opts)
	}
	if err := cn.c.WaitGreeting(); err != nil {
		return fmt.Errorf("mailbox: greeting from %s: %w", w.o.Address, err)
	}
	if err := w.login(ctx, cn.c); err != nil {
		return err
	}
	if cn.c.Caps() == nil { // fetched after login: they may change
		return fmt.Errorf("mailbox: capability from %s: %w", w.o.Address, context.DeadlineExceeded)
	}
	return ctx.Err()
}

// login logs in with the password, or with an OAuth2 token when
// Options.Tokens is set (a rejected token is replaced once, see
// oauth.AuthenticateIMAP).
func (w *Watcher) login(ctx context.Context, c *imapclient.Client) error {
	if w.o.Tokens != nil {
		if err := oauth.AuthenticateIMAP(ctx, c, w.o.Username, w.o.Tokens); err != nil {
			return fmt.Errorf("mailbox: oauth2 login to %s as %s: %w", w.o.Address, w.o.Username, err)
		}
		return nil
	}
	if err := c.Login(w.o.Username, w.o.Password).Wait(); err != nil {
		return fmt.Errorf("mailbox: login to %s as %s: %w", w.o.Address, w.o.Username, err)
	}
	return nil
}

func (w *Watcher) clientOptions(cn *conn) *imapclient.Options {
	return &imapclient.Options{
		TLSConfig:   w.o.TLSConfig,
		DebugWriter: w.o.Trace,
		UnilateralDataHandler: &imapclient.UnilateralDataHandler{
			// Runs on the reader goroutine: never block here.
			Mailbox: func(data *imapclient.UnilateralDataMailbox) {
				if data.NumMessages != nil {
					signal(cn.newMail)
				}
			},
		},
	}
}

// signal wakes a waiter without ever blocking.
func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}
