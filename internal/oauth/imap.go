package oauth

import (
	"context"
	"errors"
	"fmt"
	"net/textproto"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"
)

// AuthenticateIMAP logs c in as user with a token from ts, by OAUTHBEARER
// when the server offers it, else XOAUTH2. When the server answers NO, the
// token is invalidated and one fresh token is tried; a second NO invalidates
// that one too (ts then backs off) and is returned.
func AuthenticateIMAP(ctx context.Context, c *imapclient.Client, user string, ts TokenSource) error {
	caps := c.Caps()
	if caps == nil {
		return errors.New("oauth: imap server did not list its capabilities")
	}
	if !caps.Has(imap.AuthCap(XOAuth2)) && !caps.Has(imap.AuthCap(sasl.OAuthBearer)) {
		return fmt.Errorf("oauth: imap server offers neither AUTH=XOAUTH2 nor AUTH=OAUTHBEARER")
	}
	var err error
	for range 2 {
		var tok string
		if tok, _, err = ts.Token(ctx); err != nil {
			return err
		}
		if err = authenticate(c, user, tok); !rejectedIMAP(err) {
			break
		}
		ts.Invalidate(tok)
	}
	if err != nil {
		return fmt.Errorf("oauth: imap authenticate as %s: %w", user, err)
	}
	return nil
}

func authenticate(c *imapclient.Client, user, tok string) error {
	caps := c.Caps()
	offered := func(mech string) bool { return caps.Has(imap.AuthCap(mech)) }
	return c.Authenticate(NewSASLClient(offered, user, tok))
}

// rejectedIMAP: the server answered the AUTHENTICATE with NO.
func rejectedIMAP(err error) bool {
	var ie *imap.Error
	return errors.As(err, &ie) && ie.Type == imap.StatusResponseTypeNo
}

// SMTPRejected reports whether err (from an SMTP client's AUTH, as go-mail
// returns it) is the server rejecting the credentials: 535 (RFC 4954). 454
// (temporary) and network errors are not.
func SMTPRejected(err error) bool {
	var te *textproto.Error
	return errors.As(err, &te) && te.Code == 535
}
