package oauth_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/klachtd/klachtd/internal/mailbox/mailboxtest"
	"github.com/klachtd/klachtd/internal/oauth"
	"github.com/klachtd/klachtd/internal/oauth/oauthtest"
)

// startDovecotOAuth2 gives a Dovecot whose oauth2 passdb asks a token server
// that issues 10-minute tokens for Dovecot's user.
func startDovecotOAuth2(t *testing.T) (*oauthtest.Server, *mailboxtest.Dovecot) {
	t.Helper()
	srv := oauthtest.Start(t, oauthtest.Options{Username: mailboxtest.DovecotUsername, Lifetime: 10 * time.Minute})
	return srv, mailboxtest.StartDovecot(t, mailboxtest.WithOAuth2(srv.IntrospectionURL))
}

func dialIMAP(t *testing.T, dc *mailboxtest.Dovecot) *imapclient.Client {
	t.Helper()
	c, err := imapclient.DialInsecure(dc.Addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// loggedIn proves the session works: SELECT INBOX.
func loggedIn(t *testing.T, c *imapclient.Client) {
	t.Helper()
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatalf("SELECT after authentication: %v", err)
	}
}

// TestIMAPMechanismsDovecot: go-imap's Authenticate with the XOAUTH2 client
// (and OAUTHBEARER) succeeds against Dovecot's oauth2 passdb with a live
// token and fails with NO for a revoked one.
func TestIMAPMechanismsDovecot(t *testing.T) {
	srv, dc := startDovecotOAuth2(t)
	ts := newSource(t, customConfig(srv), srv, oauth.Options{})
	tok := mustToken(t, ts)
	user := mailboxtest.DovecotUsername
	for _, mech := range []string{oauth.XOAuth2, "OAUTHBEARER"} {
		t.Run(mech, func(t *testing.T) {
			c := dialIMAP(t, dc)
			if !c.Caps().Has(imap.AuthCap(mech)) {
				t.Fatalf("Dovecot does not offer %s: %v", mech, c.Caps())
			}
			client := oauth.NewXOAuth2Client
			if mech != oauth.XOAuth2 {
				client = oauth.NewOAuthBearerClient
			}
			if err := c.Authenticate(client(user, tok)); err != nil {
				t.Fatalf("live token: %v", err)
			}
			loggedIn(t, c)

			c = dialIMAP(t, dc)
			bad := tok + "x"
			var ie *imap.Error
			if err := c.Authenticate(client(user, bad)); !errors.As(err, &ie) || ie.Type != imap.StatusResponseTypeNo {
				t.Fatalf("unknown token: %v, want NO", err)
			}
		})
	}
	srv.Revoke(tok)
	c := dialIMAP(t, dc)
	if err := c.Authenticate(oauth.NewXOAuth2Client(user, tok)); err == nil {
		t.Fatal("revoked token accepted")
	}
}

// TestAuthenticateIMAPDovecot: AuthenticateIMAP logs in with the source's
// token; a revoked token is replaced by one new fetch within the same login;
// a token that expires between two logins is renewed before the second; a
// revoked client secret fails with the provider's error, backs off, and
// logging in works again once the secret is right.
func TestAuthenticateIMAPDovecot(t *testing.T) {
	srv, dc := startDovecotOAuth2(t)
	ts := newSource(t, customConfig(srv), srv, oauth.Options{})
	user := mailboxtest.DovecotUsername
	login := func() error {
		c := dialIMAP(t, dc)
		err := oauth.AuthenticateIMAP(bg, c, user, ts)
		if err == nil {
			loggedIn(t, c)
		}
		return err
	}
	if err := login(); err != nil {
		t.Fatal(err)
	}
	// Revoked: rejected once, Invalidate, a fresh token, logged in.
	tok := mustToken(t, ts)
	srv.Revoke(tok)
	if err := login(); err != nil {
		t.Fatalf("login after revocation: %v", err)
	}
	wantRequests(t, srv, 2)
	if mustToken(t, ts) == tok {
		t.Fatal("the revoked token is still cached")
	}

	// A token that expires between two logins: the second gets a new one
	// before it authenticates (no rejected attempt).
	introspections := srv.Introspections()
	srv.Clock.Advance(10 * time.Minute)
	if err := login(); err != nil {
		t.Fatalf("login after expiry: %v", err)
	}
	wantRequests(t, srv, 3)
	if n := srv.Introspections() - introspections; n != 1 {
		t.Errorf("%d introspections for the login after expiry, want 1", n)
	}

	// The secret is revoked (and every token with it): a clear error.
	srv.RevokeAll()
	srv.SetClientSecret("new-secret")
	err := login()
	if err == nil || !strings.Contains(err.Error(), "invalid_client") || !strings.Contains(err.Error(), "401") {
		t.Fatalf("login with a revoked secret = %v, want the provider's invalid_client", err)
	}
	wantRequests(t, srv, 4)
	if err := login(); err == nil || !strings.Contains(err.Error(), "no new token before") {
		t.Fatalf("second login = %v, want the backoff", err)
	}
	wantRequests(t, srv, 4)
	srv.SetClientSecret(oauthtest.DefaultClientSecret) // the operator fixes it
	srv.Clock.Advance(oauth.DefaultMinBackoff)
	if err := login(); err != nil {
		t.Fatalf("login after the fix: %v", err)
	}
}

// TestIMAPSessionOutlivesToken: Dovecot (like Exchange) keeps a session
// whose token expired until it is kicked; the next login then gets a new
// token before authenticating.
func TestIMAPSessionOutlivesToken(t *testing.T) {
	srv, dc := startDovecotOAuth2(t)
	ts := newSource(t, customConfig(srv), srv, oauth.Options{})
	c := dialIMAP(t, dc)
	if err := oauth.AuthenticateIMAP(bg, c, mailboxtest.DovecotUsername, ts); err != nil {
		t.Fatal(err)
	}
	loggedIn(t, c)
	srv.Clock.Advance(11 * time.Minute)
	if err := c.Noop().Wait(); err != nil {
		t.Fatalf("NOOP after expiry, before the kick: %v", err)
	}
	if err := dc.Kick(); err != nil {
		t.Fatal(err)
	}
	if err := c.Noop().Wait(); err == nil {
		t.Fatal("the kicked session still answers")
	}
	c = dialIMAP(t, dc)
	if err := oauth.AuthenticateIMAP(bg, c, mailboxtest.DovecotUsername, ts); err != nil {
		t.Fatalf("login after the kick: %v", err)
	}
	loggedIn(t, c)
	wantRequests(t, srv, 2)
}

// TestAuthenticateIMAPNoMechanism: a server without XOAUTH2 or OAUTHBEARER
// gets a clear error, and no token is fetched or spent.
func TestAuthenticateIMAPNoMechanism(t *testing.T) {
	srv := oauthtest.Start(t, oauthtest.Options{})
	dc := mailboxtest.StartDovecot(t)
	ts := newSource(t, customConfig(srv), srv, oauth.Options{})
	err := oauth.AuthenticateIMAP(bg, dialIMAP(t, dc), mailboxtest.DovecotUsername, ts)
	if err == nil || !strings.Contains(err.Error(), "AUTH=XOAUTH2") {
		t.Fatalf("AuthenticateIMAP = %v, want a missing-mechanism error", err)
	}
	wantRequests(t, srv, 0)
}
