package oauth

import (
	"errors"

	"github.com/emersion/go-sasl"
)

// XOAuth2 is the name of the XOAUTH2 mechanism (Google, Microsoft).
const XOAuth2 = "XOAUTH2"

// NewXOAuth2Client is a go-sasl client for XOAUTH2. After a rejection the
// server sends a JSON error challenge, which the protocol says to answer
// with an empty response; the server then fails the command. go-imap v2
// (beta.8) writes an empty response as "=", which Dovecot takes for bad
// base64 (BAD, and it hangs up), so this client answers "\x01" (as
// OAUTHBEARER does), which Dovecot fails with NO like any answer.
func NewXOAuth2Client(user, token string) sasl.Client {
	return &xoauth2Client{user: user, token: token}
}

type xoauth2Client struct {
	user, token string
	answered    bool
}

func (c *xoauth2Client) Start() (string, []byte, error) {
	return XOAuth2, []byte("user=" + c.user + "\x01auth=Bearer " + c.token + "\x01\x01"), nil
}

// Next gets the error challenge (decoded JSON). Its content adds nothing to
// the NO that follows.
func (c *xoauth2Client) Next([]byte) ([]byte, error) {
	if c.answered {
		return nil, errors.New("oauth: XOAUTH2: unexpected second challenge")
	}
	c.answered = true
	return []byte{0x01}, nil
}

// NewOAuthBearerClient is go-sasl's OAUTHBEARER client, except that a
// rejection is answered with the %x01 that RFC 7628 asks for, so that the
// server ends the exchange with NO instead of waiting.
func NewOAuthBearerClient(user, token string) sasl.Client {
	return &bearerClient{Client: sasl.NewOAuthBearerClient(&sasl.OAuthBearerOptions{Username: user, Token: token})}
}

type bearerClient struct {
	sasl.Client
	answered bool
}

func (c *bearerClient) Next(challenge []byte) ([]byte, error) {
	if c.answered {
		return nil, errors.New("oauth: OAUTHBEARER: unexpected second challenge")
	}
	c.answered = true
	return []byte{0x01}, nil
}

// NewSASLClient picks OAUTHBEARER when the server offers it (offered reports
// whether a mechanism is in the server's list), else XOAUTH2.
func NewSASLClient(offered func(mech string) bool, user, token string) sasl.Client {
	if offered(sasl.OAuthBearer) {
		return NewOAuthBearerClient(user, token)
	}
	return NewXOAuth2Client(user, token)
}
