package oauth_test

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/emersion/go-sasl"

	"github.com/klachtd/klachtd/internal/config"
	"github.com/klachtd/klachtd/internal/oauth"
	"github.com/klachtd/klachtd/internal/oauth/oauthtest"
)

// TestSASLClient: XOAUTH2's one message, and the choice of mechanism.
func TestSASLClient(t *testing.T) {
	mech, ir, err := oauth.NewXOAuth2Client("klachten@example.nl", "tok").Start()
	if want := "user=klachten@example.nl\x01auth=Bearer tok\x01\x01"; err != nil || mech != "XOAUTH2" || string(ir) != want {
		t.Errorf("XOAUTH2 Start = %q, %q, %v; want %q", mech, ir, err, want)
	}
	for _, tc := range []struct {
		offered []string
		want    string
	}{
		{[]string{"PLAIN", "XOAUTH2"}, "XOAUTH2"},
		{[]string{"XOAUTH2", "OAUTHBEARER"}, "OAUTHBEARER"},
		{nil, "XOAUTH2"},
	} {
		has := func(m string) bool {
			for _, o := range tc.offered {
				if o == m {
					return true
				}
			}
			return false
		}
		if mech, _, _ := oauth.NewSASLClient(has, "u", "t").Start(); mech != tc.want {
			t.Errorf("offered %v: picked %s, want %s", tc.offered, mech, tc.want)
		}
	}
	if mech, _, _ := oauth.NewOAuthBearerClient("u", "t").Start(); mech != sasl.OAuthBearer {
		t.Errorf("OAUTHBEARER client starts %s", mech)
	}
}

// TestCanceledFetchNoBackoff: a caller that gives up mid-fetch does not put
// the source into backoff.
func TestCanceledFetchNoBackoff(t *testing.T) {
	srv := oauthtest.Start(t, oauthtest.Options{})
	ctx, cancel := context.WithCancel(bg)
	var calls atomic.Int32
	rt := roundTrip(func(r *http.Request) (*http.Response, error) {
		if calls.Add(1) == 1 {
			cancel() // the caller gives up while the request is out
			return nil, ctx.Err()
		}
		return http.DefaultTransport.RoundTrip(r)
	})
	cfg := customConfig(srv)
	cfg.Provider = config.ProviderMicrosoft // one request per fetch
	s := newSource(t, cfg, srv, oauth.Options{HTTPClient: &http.Client{Transport: rt}})
	if _, _, err := s.Token(ctx); err == nil {
		t.Fatal("Token with a canceled context succeeded")
	}
	if tok := mustToken(t, s); !srv.Live(tok) {
		t.Fatal("no live token after a canceled call")
	}
	if st := s.State(); st.FetchFailures != 0 || calls.Load() != 2 {
		t.Errorf("State = %+v after %d requests, want no failures after 2", st, calls.Load())
	}
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
