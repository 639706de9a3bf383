package oauth_test

import (
	"context"
	"net"
	"net/smtp"
	"slices"
	"strconv"
	"strings"
	"testing"

	gomail "github.com/wneessen/go-mail"

	"github.com/klachtd/klachtd/internal/oauth"
	"github.com/klachtd/klachtd/internal/oauth/oauthtest"
	"github.com/klachtd/klachtd/internal/outbox/smtptest"
)

// sendXOAuth2 is how outbox sends with OAuth2 (see the package doc): go-mail
// with SMTPAuthXOAUTH2, the access token as the password, Invalidate on 535.
func sendXOAuth2(ctx context.Context, addr, user string, ts oauth.TokenSource) error {
	host, port, _ := net.SplitHostPort(addr)
	p, _ := strconv.Atoi(port)
	c, err := gomail.NewClient(host, gomail.WithPort(p), gomail.WithTLSPolicy(gomail.NoTLS),
		gomail.WithSMTPAuth(gomail.SMTPAuthXOAUTH2), gomail.WithUsername(user))
	if err != nil {
		return err
	}
	tok, _, err := ts.Token(ctx)
	if err != nil {
		return err
	}
	c.SetPassword(tok)
	sc, err := c.DialToSMTPClientWithContext(ctx)
	if err != nil {
		if oauth.SMTPRejected(err) {
			ts.Invalidate(tok)
		}
		return err
	}
	defer c.CloseWithSMTPClient(sc)
	if err := sc.Mail("klachten@example.nl"); err != nil {
		return err
	}
	if err := sc.Rcpt("burger@example.nl"); err != nil {
		return err
	}
	w, err := sc.Data()
	if err != nil {
		return err
	}
	w.Write([]byte("Subject: test\r\n\r\nhallo\r\n"))
	return w.Close()
}

// TestSMTPXOAuth2: go-mail's XOAUTH2 with a live token delivers; a revoked
// token is refused with 535 and nothing is delivered; after Invalidate the
// next send fetches a new token and delivers.
func TestSMTPXOAuth2(t *testing.T) {
	srv := oauthtest.Start(t, oauthtest.Options{})
	capture, err := smtptest.StartOAuth2(srv.IntrospectionURL)
	if err != nil {
		t.Fatal(err)
	}
	defer capture.Close()
	ts := newSource(t, customConfig(srv), srv, oauth.Options{})
	user := srv.Username

	if err := sendXOAuth2(bg, capture.Addr, user, ts); err != nil {
		t.Fatalf("send with a live token: %v", err)
	}
	tok, _, _ := ts.Token(bg)
	srv.Revoke(tok)
	err = sendXOAuth2(bg, capture.Addr, user, ts)
	if !oauth.SMTPRejected(err) || !strings.Contains(err.Error(), "535") {
		t.Fatalf("send with a revoked token = %v, want 535", err)
	}
	if n := len(capture.Mails()); n != 1 {
		t.Fatalf("%d mails delivered, want 1", n)
	}
	if err := sendXOAuth2(bg, capture.Addr, user, ts); err != nil {
		t.Fatalf("send after Invalidate: %v", err)
	}
	if n, logins := len(capture.Mails()), capture.Logins(); n != 2 || !slices.Equal(logins, []string{user, user}) {
		t.Errorf("delivered %d, logins %q; want 2 by %s", n, logins, user)
	}
	if got := srv.TokenRequests(); got != 2 {
		t.Errorf("token requests = %d, want 2", got)
	}
	// Without AUTH, no mail.
	c, err := smtp.Dial(capture.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Mail("klachten@example.nl"); err == nil || !strings.Contains(err.Error(), "authenticate first") {
		t.Errorf("MAIL without AUTH = %v, want: authenticate first", err)
	}
	// A token for another user is refused too.
	if err := sendXOAuth2(bg, capture.Addr, "someone-else", ts); !oauth.SMTPRejected(err) {
		t.Errorf("send as another user = %v, want 535", err)
	}
}
