package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// csrf issues and checks double-submit tokens: a random nonce in a
// SameSite=Strict cookie, and in the form the nonce with its issue time,
// signed with HMAC-SHA256. A POST passes when the signature holds, the
// token is younger than FormTokenTTL and its nonce is the cookie's.
type csrf struct {
	key []byte
	now func() time.Time
}

const csrfCookie = "klachtd_form"

func newCSRF(key []byte, now func() time.Time) (*csrf, error) {
	if len(key) == 0 {
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, fmt.Errorf("web: form key: %w", err)
		}
	}
	return &csrf{key: key, now: now}, nil
}

// issue sets the cookie (keeping a valid one) and returns a token for it.
func (c *csrf) issue(w http.ResponseWriter, r *http.Request) string {
	nonce := ""
	if ck, err := r.Cookie(csrfCookie); err == nil && len(ck.Value) == 22 {
		nonce = ck.Value
	} else {
		b := make([]byte, 16)
		rand.Read(b)
		nonce = base64.RawURLEncoding.EncodeToString(b)
	}
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: nonce, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil, MaxAge: int(FormTokenTTL.Seconds())})
	var ts [8]byte
	binary.BigEndian.PutUint64(ts[:], uint64(c.now().Unix()))
	msg := append([]byte(nonce), ts[:]...)
	return base64.RawURLEncoding.EncodeToString(append(ts[:], c.sign(msg)...))
}

func (c *csrf) sign(msg []byte) []byte {
	m := hmac.New(sha256.New, c.key)
	m.Write(msg)
	return m.Sum(nil)
}

func (c *csrf) check(r *http.Request) bool {
	ck, err := r.Cookie(csrfCookie)
	if err != nil {
		return false
	}
	raw, err := base64.RawURLEncoding.DecodeString(r.PostFormValue("token"))
	if err != nil || len(raw) != 8+sha256.Size {
		return false
	}
	ts := raw[:8]
	if !hmac.Equal(raw[8:], c.sign(append([]byte(ck.Value), ts...))) {
		return false
	}
	issued := time.Unix(int64(binary.BigEndian.Uint64(ts)), 0)
	age := c.now().Sub(issued)
	return age >= -time.Minute && age <= FormTokenTTL
}

// rateLimit allows n POSTs per client address per hour. It keeps at most
// maxClients addresses; when full, the oldest windows are dropped first.
type rateLimit struct {
	mu   sync.Mutex
	n    int
	now  func() time.Time
	hits map[string][]time.Time
}

const maxClients = 10000

func newRateLimit(n int, now func() time.Time) *rateLimit {
	return &rateLimit{n: n, now: now, hits: map[string][]time.Time{}}
}

func (l *rateLimit) allow(client string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	recent := l.hits[client][:0:0]
	for _, t := range l.hits[client] {
		if now.Sub(t) < time.Hour {
			recent = append(recent, t)
		}
	}
	if len(recent) >= l.n {
		l.hits[client] = recent
		return false
	}
	if len(l.hits) >= maxClients {
		l.prune(now)
	}
	l.hits[client] = append(recent, now)
	return true
}

// prune forgets clients without a hit in the last hour, and all of them
// when that is not enough.
func (l *rateLimit) prune(now time.Time) {
	for k, ts := range l.hits {
		if len(ts) == 0 || now.Sub(ts[len(ts)-1]) >= time.Hour {
			delete(l.hits, k)
		}
	}
	if len(l.hits) >= maxClients {
		clear(l.hits)
	}
}

// clientAddr is the connection's IP address.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return strings.TrimSpace(r.RemoteAddr)
	}
	return host
}
