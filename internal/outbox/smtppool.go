package outbox

import (
	"errors"
	"net/textproto"
	"sync"
	"time"

	gosmtp "github.com/wneessen/go-mail/smtp"
)

// Connection reuse defaults; see SMTP.
const (
	maxIdleSessions        = deliveryWorkers
	DefaultSessionIdle     = 30 * time.Second
	DefaultMailsPerSession = 100
	quitTimeout            = 5 * time.Second
)

// session is one open, greeted and authenticated SMTP connection.
type session struct {
	sc    *gosmtp.Client
	mails int       // mails the relay accepted on it
	since time.Time // idle since
}

// pool keeps the idle sessions, the most recently used on top: a burst
// reuses few connections and the rest age out.
type pool struct {
	idleFor  time.Duration
	maxMails int
	now      func() time.Time

	mu    sync.Mutex
	idle  []*session
	timer *time.Timer
}

// get takes the most recently used session that has not been idle too
// long; nil when there is none. Sessions idle too long are closed.
func (p *pool) get() *session {
	p.mu.Lock()
	var s *session
	var stale []*session
	for len(p.idle) > 0 && s == nil {
		last := p.idle[len(p.idle)-1]
		p.idle = p.idle[:len(p.idle)-1]
		if p.now().Sub(last.since) >= p.idleFor {
			stale = append(stale, last)
			continue
		}
		s = last
	}
	p.mu.Unlock()
	quitAll(stale)
	return s
}

// put keeps s for the next mail, or ends it when it has carried its share
// of mails or the pool is full.
func (p *pool) put(s *session) {
	if s.mails >= p.maxMails {
		quit(s)
		return
	}
	s.since = p.now()
	p.mu.Lock()
	if len(p.idle) >= maxIdleSessions {
		p.mu.Unlock()
		quit(s)
		return
	}
	p.idle = append(p.idle, s)
	if p.timer == nil {
		p.timer = time.AfterFunc(p.idleFor, p.reap)
	}
	p.mu.Unlock()
}

// reap closes the sessions idle too long, and looks again while any are left.
func (p *pool) reap() {
	p.mu.Lock()
	var keep, stale []*session
	for _, s := range p.idle {
		if p.now().Sub(s.since) >= p.idleFor {
			stale = append(stale, s)
		} else {
			keep = append(keep, s)
		}
	}
	p.idle = keep
	p.timer = nil
	if len(keep) > 0 {
		p.timer = time.AfterFunc(p.idleFor-p.now().Sub(keep[0].since), p.reap)
	}
	p.mu.Unlock()
	quitAll(stale)
}

// closeIdle ends every idle session.
func (p *pool) closeIdle() {
	p.mu.Lock()
	idle := p.idle
	p.idle = nil
	if p.timer != nil {
		p.timer.Stop()
		p.timer = nil
	}
	p.mu.Unlock()
	quitAll(idle)
}

func quitAll(ss []*session) {
	for _, s := range ss {
		quit(s)
	}
}

// quit says goodbye politely, waiting a few seconds at most for the relay.
func quit(s *session) {
	if s.sc.UpdateDeadline(quitTimeout) != nil || s.sc.Quit() != nil {
		s.sc.Close()
	}
}

// drop ends a session after a failed command: with QUIT when the relay
// answered (the session is sane), by closing it when the connection failed.
func drop(s *session, err error) {
	var te *textproto.Error
	var aborted *abortedData
	if errors.As(err, &te) && !errors.As(err, &aborted) {
		quit(s)
		return
	}
	s.sc.Close()
}

// stale reports whether err, on a reused session before the mail was handed
// over, says the connection was dead rather than that the mail was refused:
// no SMTP answer at all (EOF, reset, broken pipe, a timeout on a connection
// that a firewall dropped), or 421, which a relay sends when it closes an
// idle session.
func stale(err error) bool {
	var te *textproto.Error
	if errors.As(err, &te) {
		return te.Code == 421
	}
	return true
}
