package oauth_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/config"
	"github.com/klachtd/klachtd/internal/oauth"
	"github.com/klachtd/klachtd/internal/oauth/oauthtest"
)

var bg = context.Background()

func customConfig(srv *oauthtest.Server) config.OAuth2 {
	return config.OAuth2{Provider: config.ProviderCustom, Grant: config.GrantClientCredentials,
		TokenURL: srv.TokenURL, ClientID: srv.ClientID, ClientSecret: srv.ClientSecret(), Scope: "mail"}
}

func newSource(t *testing.T, cfg config.OAuth2, srv *oauthtest.Server, o oauth.Options) *oauth.Source {
	t.Helper()
	o.Now = srv.Clock.Now
	s, err := oauth.NewTokenSource(cfg, o)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustToken(t *testing.T, s oauth.TokenSource) string {
	t.Helper()
	tok, _, err := s.Token(bg)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func wantRequests(t *testing.T, srv *oauthtest.Server, n int) {
	t.Helper()
	if got := srv.TokenRequests(); got != n {
		t.Fatalf("token requests = %d, want %d", got, n)
	}
}

// TestCacheAndRefreshBeforeExpiry: a token is reused until the margin before
// its expiry (5 minutes of an hour; a quarter of a 2-minute lifetime), then
// renewed before it runs out.
func TestCacheAndRefreshBeforeExpiry(t *testing.T) {
	srv := oauthtest.Start(t, oauthtest.Options{})
	s := newSource(t, customConfig(srv), srv, oauth.Options{})
	tok, exp, err := s.Token(bg)
	if err != nil || !srv.Live(tok) {
		t.Fatalf("Token = %q, %v; live %v", tok, err, srv.Live(tok))
	}
	if want := srv.Clock.Now().Add(time.Hour); !exp.Equal(want) {
		t.Errorf("expiry = %v, want %v", exp, want)
	}
	srv.Clock.Advance(54*time.Minute + 59*time.Second)
	if got := mustToken(t, s); got != tok {
		t.Errorf("token renewed 5m01s before expiry")
	}
	wantRequests(t, srv, 1)
	srv.Clock.Advance(2 * time.Second)
	tok2 := mustToken(t, s)
	if tok2 == tok || !srv.Live(tok2) {
		t.Errorf("token not renewed 4m59s before expiry")
	}
	wantRequests(t, srv, 2)
	if st := s.State(); !st.Expiry.Equal(srv.Clock.Now().Add(time.Hour)) || st.Failures != 0 {
		t.Errorf("State = %+v", st)
	}

	srv.SetLifetime(2 * time.Minute)
	srv.Clock.Advance(time.Hour)
	tok3 := mustToken(t, s)
	srv.Clock.Advance(89 * time.Second)
	if mustToken(t, s) != tok3 {
		t.Errorf("2-minute token renewed with 31s left")
	}
	srv.Clock.Advance(2 * time.Second)
	if mustToken(t, s) == tok3 {
		t.Errorf("2-minute token not renewed with 29s left")
	}
	wantRequests(t, srv, 4)
}

// TestConcurrentCallersShareOneFetch: many goroutines, one token request.
func TestConcurrentCallersShareOneFetch(t *testing.T) {
	srv := oauthtest.Start(t, oauthtest.Options{})
	s := newSource(t, customConfig(srv), srv, oauth.Options{})
	var wg sync.WaitGroup
	toks := make([]string, 16)
	for i := range toks {
		wg.Go(func() { toks[i], _, _ = s.Token(bg) })
	}
	wg.Wait()
	for _, tok := range toks {
		if tok != toks[0] || tok == "" {
			t.Fatalf("tokens differ: %q", toks)
		}
	}
	wantRequests(t, srv, 1)
}

// TestInvalidate: a rejected token is replaced at once; the same rejection
// reported twice (two connections) fetches once; a fresh token rejected as
// well backs off, then one fetch is tried again.
func TestInvalidate(t *testing.T) {
	srv := oauthtest.Start(t, oauthtest.Options{})
	s := newSource(t, customConfig(srv), srv, oauth.Options{MinBackoff: 10 * time.Second})
	tok1 := mustToken(t, s)
	srv.Revoke(tok1)
	s.Invalidate(tok1)
	tok2 := mustToken(t, s)
	s.Invalidate(tok1) // a second connection that failed on tok1: ignored
	if mustToken(t, s) != tok2 || tok2 == tok1 {
		t.Fatalf("after Invalidate: tokens %q, %q", tok1, tok2)
	}
	wantRequests(t, srv, 2)

	s.Invalidate(tok2) // the fresh token is rejected too: back off
	_, _, err := s.Token(bg)
	if !errors.Is(err, oauth.ErrRejected) {
		t.Fatalf("Token after two rejections = %v, want ErrRejected", err)
	}
	wantRequests(t, srv, 2)
	srv.Clock.Advance(10 * time.Second)
	tok3 := mustToken(t, s)
	if tok3 == tok2 {
		t.Errorf("no new token after the backoff")
	}
	wantRequests(t, srv, 3)
	s.Invalidate(tok3) // still rejected: the backoff doubles
	srv.Clock.Advance(10 * time.Second)
	if _, _, err := s.Token(bg); !errors.Is(err, oauth.ErrRejected) {
		t.Fatalf("Token 10s after a third rejection = %v, want ErrRejected (20s backoff)", err)
	}
	if st := s.State(); st.Failures != 2 || !errors.Is(st.Err, oauth.ErrRejected) {
		t.Errorf("State = %+v", st)
	}
}

// TestFetchFailure: a wrong client secret gives an error that names the
// HTTP status and the provider's error but not the secret; failures back off
// (doubling) without requests; the fixed secret works after the backoff.
func TestFetchFailure(t *testing.T) {
	srv := oauthtest.Start(t, oauthtest.Options{})
	cfg := customConfig(srv)
	cfg.ClientSecret = "wrong-secret-Xyz"
	s := newSource(t, cfg, srv, oauth.Options{})
	_, _, err := s.Token(bg)
	if err == nil {
		t.Fatal("Token with a wrong secret succeeded")
	}
	for _, want := range []string{"oauth: token from " + srv.TokenURL, "401", "invalid_client", "Invalid client secret"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if strings.Contains(err.Error(), cfg.ClientSecret) {
		t.Errorf("error %q holds the secret", err)
	}
	reqs := srv.TokenRequests() // custom: x/oauth2 tries Basic auth, then the form
	if _, _, err := s.Token(bg); err == nil || !strings.Contains(err.Error(), "invalid_client") {
		t.Errorf("Token in backoff = %v", err)
	}
	wantRequests(t, srv, reqs)
	srv.Clock.Advance(5 * time.Second)
	s.Token(bg)
	if srv.TokenRequests() == reqs {
		t.Fatal("no retry after 5s")
	}
	reqs = srv.TokenRequests()
	srv.Clock.Advance(5 * time.Second) // second backoff is 10s
	s.Token(bg)
	wantRequests(t, srv, reqs)
	if st := s.State(); st.Failures != 2 || st.FetchFailures != 2 {
		t.Errorf("State = %+v, want 2 failures", st)
	}

	srv.SetClientSecret(cfg.ClientSecret) // the admin sets the secret we have
	srv.Clock.Advance(5 * time.Second)
	if tok := mustToken(t, s); !srv.Live(tok) {
		t.Error("token after the fix is not live")
	}
	if st := s.State(); st.Failures != 0 || st.Err != nil {
		t.Errorf("State after success = %+v", st)
	}
}

// TestEarlyRefreshFailureKeepsToken: when renewing inside the margin fails,
// the cached token is used while it lives; after its expiry the error shows.
func TestEarlyRefreshFailureKeepsToken(t *testing.T) {
	srv := oauthtest.Start(t, oauthtest.Options{})
	s := newSource(t, customConfig(srv), srv, oauth.Options{})
	tok := mustToken(t, s)
	srv.SetClientSecret("rotated")
	srv.Clock.Advance(58 * time.Minute)
	if got := mustToken(t, s); got != tok {
		t.Fatalf("Token = %q, want the cached %q", got, tok)
	}
	if s.State().FetchFailures != 1 {
		t.Errorf("State = %+v, want one failed fetch", s.State())
	}
	srv.Clock.Advance(2 * time.Minute)
	if _, _, err := s.Token(bg); err == nil || !strings.Contains(err.Error(), "invalid_client") {
		t.Errorf("Token after expiry = %v, want invalid_client", err)
	}
}

// TestMicrosoftSendsSecretInForm: provider microsoft fetches with one request
// (client secret in the form, as Microsoft documents) and its scope.
func TestMicrosoftSendsSecretInForm(t *testing.T) {
	srv := oauthtest.Start(t, oauthtest.Options{})
	cfg := customConfig(srv)
	cfg.Provider, cfg.ClientSecret, cfg.Scope = config.ProviderMicrosoft, "wrong", "https://outlook.office365.com/.default"
	s := newSource(t, cfg, srv, oauth.Options{})
	if _, _, err := s.Token(bg); err == nil {
		t.Fatal("wrong secret accepted")
	}
	wantRequests(t, srv, 1)
}

// TestRefreshTokenRotation: each refresh returns a new refresh token and
// kills the old one; the source uses and saves the newest, and a new source
// on the same store goes on from it.
func TestRefreshTokenRotation(t *testing.T) {
	srv := oauthtest.Start(t, oauthtest.Options{})
	rt0 := srv.IssueRefreshToken("klachten@example.nl")
	cfg := customConfig(srv)
	cfg.Grant, cfg.RefreshToken = config.GrantRefreshToken, rt0
	st := &memStore{}
	s := newSource(t, cfg, srv, oauth.Options{Refresh: st})
	tok1 := mustToken(t, s)
	if srv.LiveRefreshToken(rt0) || st.saves != 1 || !srv.LiveRefreshToken(st.token) {
		t.Fatalf("after the first refresh: rt0 live %v, saves %d", srv.LiveRefreshToken(rt0), st.saves)
	}
	s.Invalidate(tok1)
	if tok2 := mustToken(t, s); tok2 == tok1 || !srv.Live(tok2) || st.saves != 2 {
		t.Fatalf("second refresh: live %v, saves %d", srv.Live(tok2), st.saves)
	}
	// A restart: the configured refresh token is used up, the saved one works.
	s2 := newSource(t, cfg, srv, oauth.Options{Refresh: st})
	if tok := mustToken(t, s2); !srv.Live(tok) {
		t.Fatal("restarted source has no live token")
	}
	// A new consent: the configured token wins over the saved chain.
	cfg.RefreshToken = srv.IssueRefreshToken("klachten@example.nl")
	old := st.token
	s3 := newSource(t, cfg, srv, oauth.Options{Refresh: st})
	mustToken(t, s3)
	if !srv.LiveRefreshToken(old) || srv.LiveRefreshToken(cfg.RefreshToken) {
		t.Error("the new configured refresh token was not the one used")
	}
}

type memStore struct {
	mu                 sync.Mutex
	key, origin, token string
	saves              int
}

func (m *memStore) LoadRefreshToken(_ context.Context, key string) (string, string, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.origin, m.token, m.key == key && m.token != "", nil
}

func (m *memStore) SaveRefreshToken(_ context.Context, key, origin, token string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.key, m.origin, m.token = key, origin, token
	m.saves++
	return nil
}

// TestServiceAccount: a Google service account JWT, signed with the key
// file, gets a token that acts for the impersonated mailbox.
func TestServiceAccount(t *testing.T) {
	srv := oauthtest.Start(t, oauthtest.Options{})
	cfg := config.OAuth2{Provider: config.ProviderGoogle, Grant: config.GrantServiceAccount,
		TokenURL: srv.TokenURL, Scope: "https://mail.google.com/",
		ServiceAccountFile: srv.ServiceAccountFile(t), Impersonate: "klachten@example.nl"}
	s := newSource(t, cfg, srv, oauth.Options{})
	tok := mustToken(t, s)
	if !srv.Live(tok) {
		t.Fatal("service account token not live")
	}

	cfg.Scope = "https://www.googleapis.com/auth/gmail.readonly"
	s = newSource(t, cfg, srv, oauth.Options{})
	if _, _, err := s.Token(bg); err == nil || !strings.Contains(err.Error(), "invalid_scope") {
		t.Errorf("wrong scope: %v", err)
	}
	cfg.ServiceAccountFile = t.TempDir() + "/missing.json"
	if _, err := oauth.NewTokenSource(cfg, oauth.Options{}); err == nil {
		t.Error("missing key file accepted")
	}
}

// TestReload: a wrong secret backs off; Reload with the fixed secret (SIGHUP)
// fetches at once, without waiting for the backoff.
func TestReload(t *testing.T) {
	srv := oauthtest.Start(t, oauthtest.Options{})
	cfg := customConfig(srv)
	good := cfg
	cfg.ClientSecret = "expired-secret"
	s := newSource(t, cfg, srv, oauth.Options{})
	if _, _, err := s.Token(bg); err == nil {
		t.Fatal("wrong secret accepted")
	}
	if _, _, err := s.Token(bg); err == nil || !strings.Contains(err.Error(), "no new token before") {
		t.Fatalf("Token = %v, want the backoff", err)
	}
	bad := cfg
	bad.Grant = "password"
	if err := s.Reload(bad); err == nil {
		t.Error("Reload accepted grant password")
	}
	if err := s.Reload(good); err != nil {
		t.Fatal(err)
	}
	if tok := mustToken(t, s); !srv.Live(tok) {
		t.Fatal("no live token after Reload")
	}
	if st := s.State(); st.Failures != 0 || st.Err != nil || st.FetchFailures == 0 {
		t.Errorf("State after Reload = %+v", st)
	}
}
