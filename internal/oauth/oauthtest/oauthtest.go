// Package oauthtest runs an OAuth2 token server for tests on 127.0.0.1
// (net/http/httptest). It issues short-lived access tokens by client
// credentials, by refresh token (rotating the refresh token on every use),
// and by a Google-style service account JWT; it answers token introspection
// (RFC 7662) for Dovecot's oauth2 passdb and the SMTP capture server; and it
// can revoke tokens and change the client secret. Time comes from a Clock the
// test moves, shared with the token source under test.
package oauthtest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// Defaults of Options.
const (
	DefaultClientID     = "klachtd-test"
	DefaultClientSecret = "test-client-secret"
	DefaultUsername     = "klachten"
	DefaultLifetime     = time.Hour
)

// Options configure a Server; zero fields take the defaults.
type Options struct {
	ClientID, ClientSecret string
	// Username is whom a client-credentials token acts for: what
	// introspection answers as "username".
	Username string
	Lifetime time.Duration // of an access token
	Clock    *Clock        // default: a Clock at 2026-12-01 09:00 UTC
}

// Server is a running token server.
type Server struct {
	URL              string // http://127.0.0.1:port
	TokenURL         string // URL + "/token"
	IntrospectionURL string // URL + "/introspect"
	ClientID         string
	Username         string
	Clock            *Clock

	srv *httptest.Server

	mu             sync.Mutex
	secret         string
	lifetime       time.Duration
	tokens         map[string]*issued
	refresh        map[string]string // live refresh token -> user
	sa             *serviceAccount
	tokenRequests  int
	introspections int
}

type issued struct {
	user    string
	expiry  time.Time
	revoked bool
}

// Start starts a Server that stops when the test ends.
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	s := newServer(o)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("oauthtest: %v", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", s.token)
	mux.HandleFunc("/introspect", s.introspect)
	s.srv = &httptest.Server{Listener: ln, Config: &http.Server{Handler: mux}}
	s.srv.Start()
	s.URL = s.srv.URL
	s.TokenURL, s.IntrospectionURL = s.URL+"/token", s.URL+"/introspect"
	t.Cleanup(s.srv.Close)
	return s
}

func newServer(o Options) *Server {
	def := func(v *string, d string) {
		if *v == "" {
			*v = d
		}
	}
	def(&o.ClientID, DefaultClientID)
	def(&o.ClientSecret, DefaultClientSecret)
	def(&o.Username, DefaultUsername)
	if o.Lifetime <= 0 {
		o.Lifetime = DefaultLifetime
	}
	if o.Clock == nil {
		o.Clock = NewClock(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	}
	return &Server{ClientID: o.ClientID, Username: o.Username, Clock: o.Clock, secret: o.ClientSecret,
		lifetime: o.Lifetime, tokens: map[string]*issued{}, refresh: map[string]string{}}
}

// ClientSecret is the secret the server accepts now.
func (s *Server) ClientSecret() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.secret
}

// SetClientSecret changes the accepted client secret (the old one stops
// working at once; tokens already issued stay live).
func (s *Server) SetClientSecret(secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.secret = secret
}

// SetLifetime changes the lifetime of tokens issued from now on.
func (s *Server) SetLifetime(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lifetime = d
}

// Revoke ends one access token.
func (s *Server) Revoke(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if it, ok := s.tokens[token]; ok {
		it.revoked = true
	}
}

// RevokeAll ends every access token issued so far.
func (s *Server) RevokeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, it := range s.tokens {
		it.revoked = true
	}
}

// Live reports whether token is an unrevoked, unexpired access token.
func (s *Server) Live(token string) bool {
	_, ok := s.check(token)
	return ok
}

func (s *Server) check(token string) (user string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it, found := s.tokens[token]
	if !found || it.revoked || !s.Clock.Now().Before(it.expiry) {
		return "", false
	}
	return it.user, true
}

// IssueRefreshToken makes a refresh token for user, as a consent would.
func (s *Server) IssueRefreshToken(user string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	rt := newID("rt")
	s.refresh[rt] = user
	return rt
}

// LiveRefreshToken reports whether rt can still be used (it has not been
// rotated away).
func (s *Server) LiveRefreshToken(rt string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.refresh[rt]
	return ok
}

// TokenRequests counts requests to the token endpoint, failed ones too.
func (s *Server) TokenRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokenRequests
}

// Introspections counts requests to the introspection endpoint.
func (s *Server) Introspections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.introspections
}

// issue makes an access token for user; called with mu held.
func (s *Server) issue(w http.ResponseWriter, user, refresh string) {
	at := newID("at")
	s.tokens[at] = &issued{user: user, expiry: s.Clock.Now().Add(s.lifetime)}
	body := map[string]any{"access_token": at, "token_type": "Bearer", "expires_in": int(s.lifetime / time.Second)}
	if refresh != "" {
		body["refresh_token"] = refresh
	}
	writeJSON(w, http.StatusOK, body)
}

func fail(w http.ResponseWriter, status int, code, description string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": description})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func newID(prefix string) string {
	b := make([]byte, 12)
	rand.Read(b)
	return prefix + "-" + hex.EncodeToString(b)
}

// Clock is a test clock, safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock starts a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
