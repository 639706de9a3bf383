// Package smtptest runs an in-process SMTP server (github.com/emersion/go-smtp)
// on 127.0.0.1 that records every mail it accepts. Tests use it to see exactly
// what klachtd sent; the demo uses it to write the mails to .eml files.
package smtptest

import (
	"context"
	"errors"
	"io"
	"net"
	"sync"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Received is one accepted mail.
type Received struct {
	From string
	Rcpt []string
	Data []byte
}

// Server is a recording SMTP server without TLS or authentication.
type Server struct {
	Addr string
	// Reject, when set, is asked for each RCPT; a non-nil *smtp.SMTPError is
	// returned to the client (use 4xx or 5xx codes to test retries).
	Reject func(rcpt string) *smtp.SMTPError
	// OnMail, when set, is called for each accepted mail (after it is
	// recorded, before the server's 250 goes out).
	OnMail func(Received)
	// BeforeAccept, when set, is called with each mail's body read but
	// before it is recorded and answered: it may block (a relay that hangs
	// in DATA), and a non-nil error rejects the mail (nothing is recorded).
	BeforeAccept func(Received) error
	// CountOnly, when set before the first mail, counts accepted mails
	// (Count) without keeping them (Mails stays empty): benchmarks.
	CountOnly bool

	srv      *smtp.Server
	mu       sync.Mutex
	mails    []Received
	accepted int
	conns    int
	open     map[*smtp.Conn]bool
	notify   chan struct{}
	oauth2   *xoauth2 // StartOAuth2: AUTH XOAUTH2 checked by introspection
}

// Start listens on 127.0.0.1:0 and serves until Close.
func Start() (*Server, error) { return start(nil) }

// start serves on 127.0.0.1:0; with oauth2 set it offers XOAUTH2.
func start(oauth2 *xoauth2) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{Addr: ln.Addr().String(), notify: make(chan struct{}, 1), oauth2: oauth2, open: map[*smtp.Conn]bool{}}
	s.srv = smtp.NewServer(s)
	s.srv.Domain = "localhost"
	s.srv.AllowInsecureAuth = true
	s.srv.MaxMessageBytes = 64 << 20
	go s.srv.Serve(ln)
	return s, nil
}

// Close stops the server.
func (s *Server) Close() error { return s.srv.Close() }

// Mails returns a copy of what was received so far.
func (s *Server) Mails() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.mails...)
}

// Count is how many mails were accepted so far (also with CountOnly).
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.accepted
}

// Conns is how many connections clients have opened so far.
func (s *Server) Conns() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns
}

// OpenConns is how many client connections are open now.
func (s *Server) OpenConns() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.open)
}

// DropConnections closes every open client connection from the server's
// side without a reply, as a relay that restarts or times idle sessions out
// does; the server goes on accepting new ones.
func (s *Server) DropConnections() {
	s.mu.Lock()
	var open []*smtp.Conn
	for c := range s.open {
		open = append(open, c)
	}
	s.mu.Unlock()
	for _, c := range open {
		c.Close() // logs the session out, which forgets c
	}
}

// WaitFor blocks until at least n mails were received or ctx ends.
func (s *Server) WaitFor(ctx context.Context, n int) ([]Received, error) {
	for {
		if s.Count() >= n {
			return s.Mails(), nil
		}
		select {
		case <-s.notify:
		case <-ctx.Done():
			return s.Mails(), ctx.Err()
		}
	}
}

// NewSession implements smtp.Backend.
func (s *Server) NewSession(c *smtp.Conn) (smtp.Session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.conns++
	s.open[c] = true
	return &session{srv: s, conn: c}, nil
}

type session struct {
	srv  *Server
	conn *smtp.Conn
	from string
	rcpt []string
}

func (x *session) Reset() { x.from, x.rcpt = "", nil }

func (x *session) Logout() error {
	x.srv.mu.Lock()
	defer x.srv.mu.Unlock()
	delete(x.srv.open, x.conn)
	return nil
}

// AuthMechanisms accepts PLAIN with any credentials, so clients that
// authenticate can be tested too.
func (x *session) AuthMechanisms() []string {
	if x.srv.oauth2 != nil {
		return []string{"XOAUTH2"}
	}
	return []string{"PLAIN"}
}

func (x *session) Auth(mech string) (sasl.Server, error) {
	if x.srv.oauth2 != nil {
		if mech != "XOAUTH2" {
			return nil, smtp.ErrAuthUnknownMechanism
		}
		return x.srv.oauth2.server(x), nil
	}
	return sasl.NewPlainServer(func(identity, username, password string) error { return nil }), nil
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	if x.srv.oauth2 != nil && !x.srv.oauth2.authed(x) {
		return smtp.ErrAuthRequired
	}
	x.from = from
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if x.srv.Reject != nil {
		if e := x.srv.Reject(to); e != nil {
			return e
		}
	}
	x.rcpt = append(x.rcpt, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if len(x.rcpt) == 0 {
		return errors.New("no recipients")
	}
	m := Received{From: x.from, Rcpt: x.rcpt, Data: b}
	if x.srv.BeforeAccept != nil {
		if err := x.srv.BeforeAccept(m); err != nil {
			return err
		}
	}
	x.srv.mu.Lock()
	x.srv.accepted++
	if !x.srv.CountOnly {
		x.srv.mails = append(x.srv.mails, m)
	}
	x.srv.mu.Unlock()
	select {
	case x.srv.notify <- struct{}{}:
	default:
	}
	if x.srv.OnMail != nil {
		x.srv.OnMail(m)
	}
	return nil
}
