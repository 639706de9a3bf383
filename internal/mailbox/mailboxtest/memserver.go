// Package mailboxtest starts real IMAP servers for tests and the demo:
// go-imap's in-memory server (always available) and a private Dovecot
// (when installed). Both are reached over real sockets on 127.0.0.1.
package mailboxtest

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// Credentials of the one user on a MemServer.
const (
	MemUsername = "klachten"
	MemPassword = "test-password"
)

// MemOptions configure a MemServer; the zero value is fine.
type MemOptions struct {
	// Caps the server offers. Default DefaultCaps. IDLE is always offered
	// with IMAP4rev1 by imapserver.
	Caps imap.CapSet
	// TLS is "none" (default), "implicit" or "starttls", with a fresh
	// self-signed certificate for 127.0.0.1; the client side is in
	// MemServer.ClientTLS.
	TLS string
	// Mailboxes created at start. Default: INBOX.
	Mailboxes []string
	// Logger for server errors; default: discarded.
	Logger imapserver.Logger
}

// DefaultCaps is what a MemServer offers unless told otherwise: like
// Dovecot, minus CONDSTORE and QRESYNC.
func DefaultCaps() imap.CapSet {
	return imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIdle: {}, imap.CapMove: {},
		imap.CapUIDPlus: {}, imap.CapNamespace: {}}
}

// MemServer is go-imap's in-memory IMAP server on 127.0.0.1:<random port>.
type MemServer struct {
	Account
	// User is the server-side user: Create, Delete (a new UIDVALIDITY for
	// a re-created mailbox) and Append work on it directly.
	User *imapmemserver.User

	opts      *imapserver.Options
	serverTLS *tls.Config // for implicit TLS
	srv       *imapserver.Server
	ln        net.Listener
}

// NewMemServer starts a MemServer. Close stops it.
func NewMemServer(o MemOptions) (*MemServer, error) {
	if o.Caps == nil {
		o.Caps = DefaultCaps()
	}
	if len(o.Mailboxes) == 0 {
		o.Mailboxes = []string{"INBOX"}
	}
	if o.Logger == nil {
		o.Logger = log.New(io.Discard, "", 0)
	}
	mem := imapmemserver.New()
	user := imapmemserver.NewUser(MemUsername, MemPassword)
	mem.AddUser(user)
	for _, name := range o.Mailboxes {
		if err := user.Create(name, nil); err != nil {
			return nil, fmt.Errorf("mailboxtest: create %s: %w", name, err)
		}
	}
	s := &MemServer{User: user, Account: Account{Username: MemUsername, Password: MemPassword, TLS: "none"}}
	opts := &imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return idleSession{mem.NewSession().(imapserver.SessionIMAP4rev2)}, nil, nil
		},
		Caps:         o.Caps,
		Logger:       o.Logger,
		InsecureAuth: o.TLS == "" || o.TLS == "none",
	}
	var serverTLS *tls.Config
	if o.TLS == "implicit" || o.TLS == "starttls" {
		cert, pool, err := SelfSigned("127.0.0.1", "localhost")
		if err != nil {
			return nil, err
		}
		serverTLS = &tls.Config{Certificates: []tls.Certificate{cert}}
		s.Account.TLS, s.ClientTLS = o.TLS, &tls.Config{RootCAs: pool}
	} else if o.TLS != "" && o.TLS != "none" {
		return nil, fmt.Errorf("mailboxtest: tls %q: want none, implicit or starttls", o.TLS)
	}
	switch o.TLS {
	case "implicit":
		s.serverTLS = serverTLS
	case "starttls":
		opts.TLSConfig = serverTLS
	}
	s.opts = opts
	if err := s.serve("127.0.0.1:0"); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *MemServer) serve(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("mailboxtest: listen: %w", err)
	}
	s.Addr = ln.Addr().String()
	if s.serverTLS != nil {
		ln = tls.NewListener(ln, s.serverTLS)
	}
	s.srv, s.ln = imapserver.New(s.opts), ln
	go s.srv.Serve(ln)
	return nil
}

// Restart drops every connection and listens again on the same address,
// with the same mailboxes: a server restart as clients see it. Not safe
// for use concurrently with Close.
func (s *MemServer) Restart() error {
	s.srv.Close()
	s.ln.Close() // Close misses a listener that Serve has not taken yet
	return s.serve(s.Addr)
}

// StartMemServer starts a MemServer that stops when the test ends.
func StartMemServer(t testing.TB, o MemOptions) *MemServer {
	t.Helper()
	s, err := NewMemServer(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Close stops the server and drops its connections.
func (s *MemServer) Close() error { return s.srv.Close() }

// Append puts raw into mailbox with the given INTERNALDATE (the delivery
// time the daemon records), as an MTA would.
func (s *MemServer) Append(mailbox string, raw []byte, date time.Time) (imap.UID, error) {
	data, err := s.User.Append(mailbox, literal{bytes.NewReader(raw)}, &imap.AppendOptions{Time: date})
	if err != nil {
		return 0, fmt.Errorf("mailboxtest: append to %s: %w", mailbox, err)
	}
	return data.UID, nil
}

// literal is the imap.LiteralReader the server's Append wants.
type literal struct{ *bytes.Reader }

func (l literal) Size() int64 { return l.Reader.Size() }

// idleSession reports mail during IDLE by polling the mailbox every
// idlePoll. imapmemserver's own IDLE only wakes on a change after IDLE began,
// so mail that arrived between the client's last command and its IDLE would
// go unreported until the next change; Dovecot reports it at once.
type idleSession struct{ imapserver.SessionIMAP4rev2 }

const idlePoll = 20 * time.Millisecond

func (s idleSession) Idle(w *imapserver.UpdateWriter, stop <-chan struct{}) error {
	t := time.NewTicker(idlePoll)
	defer t.Stop()
	for {
		if err := s.Poll(w, true); err != nil {
			return err
		}
		select {
		case <-stop:
			return nil
		case <-t.C:
		}
	}
}
