package outbox_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/klachtd/klachtd/internal/config"
	"github.com/klachtd/klachtd/internal/oauth"
	"github.com/klachtd/klachtd/internal/oauth/oauthtest"
	"github.com/klachtd/klachtd/internal/outbox"
	"github.com/klachtd/klachtd/internal/outbox/smtptest"
)

// TestSMTPOAuth2: SMTP with Tokens sends over XOAUTH2 as Username, and
// sends the next mail on the same authenticated connection; on a new
// connection, a token
// the relay rejects (535) fails the delivery as temporary and is
// invalidated, so the next attempt gets a new token and delivers; a token
// server that refuses the client fails the delivery as temporary without
// dialling.
func TestSMTPOAuth2(t *testing.T) {
	ctx := context.Background()
	tok := oauthtest.Start(t, oauthtest.Options{})
	srv, err := smtptest.StartOAuth2(tok.IntrospectionURL)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ts, err := oauth.NewTokenSource(config.OAuth2{Provider: config.ProviderCustom, Grant: config.GrantClientCredentials,
		TokenURL: tok.TokenURL, ClientID: tok.ClientID, ClientSecret: tok.ClientSecret()}, oauth.Options{Now: tok.Clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	s, err := outbox.NewSMTP(outbox.SMTPOptions{Address: srv.Addr, TLS: "none", Username: tok.Username, Tokens: ts})
	if err != nil {
		t.Fatal(err)
	}
	send := func() error {
		return s.Send(ctx, "klachten@gemeente.example", []string{"jan@example.nl"}, []byte("Subject: t\r\n\r\nhallo\r\n"))
	}
	if err := send(); err != nil {
		t.Fatalf("send with a live token: %v", err)
	}
	// The second mail goes out on the same authenticated connection.
	if err := send(); err != nil {
		t.Fatalf("second send with a live token: %v", err)
	}
	if n, logins := srv.Conns(), len(srv.Logins()); n != 1 || logins != 1 {
		t.Errorf("two mails: %d connections, %d logins; want 1 and 1", n, logins)
	}
	tok.RevokeAll()
	s.Close() // the next mail dials, and authenticates again
	err = send()
	var de *outbox.DeliveryError
	if !errors.As(err, &de) || !de.Temporary || !strings.Contains(err.Error(), "535") {
		t.Fatalf("send with a revoked token = %v, want a temporary failure with 535", err)
	}
	if err := send(); err != nil {
		t.Fatalf("send after the rejected token was invalidated: %v", err)
	}
	if n, reqs := len(srv.Mails()), tok.TokenRequests(); n != 3 || reqs != 2 {
		t.Errorf("delivered %d, token requests %d; want 3 and 2", n, reqs)
	}

	tok.SetClientSecret("rotated")
	tok.RevokeAll()
	s.Close()
	// The cached token is refused (535) and invalidated.
	if err := send(); !outbox.IsTemporary(err) || err == nil {
		t.Fatalf("send with a rejected token = %v, want temporary", err)
	}
	// The token replaced a rejected one: the source backs off, then asks
	// the token server, which refuses the client.
	tok.Clock.Advance(oauth.DefaultMinBackoff)
	err = send()
	if !errors.As(err, &de) || !de.Temporary || !strings.Contains(err.Error(), "invalid_client") {
		t.Errorf("send while the token server refuses the client = %v, want temporary naming invalid_client", err)
	}
	if n := len(srv.Mails()); n != 3 {
		t.Errorf("%d delivered, want still 3", n)
	}
}
