package smtptest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// xoauth2 checks AUTH XOAUTH2 against an OAuth2 introspection endpoint
// (RFC 7662), as Dovecot's oauth2 passdb does.
type xoauth2 struct {
	url    string
	client *http.Client

	mu       sync.Mutex
	logins   []string
	sessions map[*session]bool // that authenticated
}

func (o *xoauth2) authed(x *session) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.sessions[x]
}

// StartOAuth2 is Start, except that the server offers only AUTH XOAUTH2
// (as Exchange Online does for OAuth), checks every token at
// introspectionURL ({"active": true, "username": user} accepts it), answers
// a rejected token with 535, and refuses MAIL before a successful AUTH.
func StartOAuth2(introspectionURL string) (*Server, error) {
	return start(&xoauth2{url: introspectionURL, client: &http.Client{Timeout: 10 * time.Second},
		sessions: map[*session]bool{}})
}

// Logins returns the users that authenticated with XOAUTH2, in order.
func (s *Server) Logins() []string {
	if s.oauth2 == nil {
		return nil
	}
	s.oauth2.mu.Lock()
	defer s.oauth2.mu.Unlock()
	return append([]string(nil), s.oauth2.logins...)
}

// server is one AUTH XOAUTH2 exchange for session x.
func (o *xoauth2) server(x *session) sasl.Server {
	return &xoauth2Server{check: func(user, token string) error {
		if err := o.introspect(user, token); err != nil {
			return err
		}
		o.mu.Lock()
		o.logins = append(o.logins, user)
		o.sessions[x] = true
		o.mu.Unlock()
		return nil
	}}
}

func (o *xoauth2) introspect(user, token string) error {
	resp, err := o.client.PostForm(o.url, url.Values{"token": {token}})
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var r struct {
		Active   bool   `json:"active"`
		Username string `json:"username"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return fmt.Errorf("introspection: %w", err)
	}
	if !r.Active || r.Username != user {
		return errors.New("token not active for this user")
	}
	return nil
}

// xoauth2Server is the server side of XOAUTH2: a bad token gets the JSON
// error challenge, and after the client's empty answer, 535.
type xoauth2Server struct {
	check  func(user, token string) error
	failed bool
}

func (x *xoauth2Server) Next(resp []byte) ([]byte, bool, error) {
	if x.failed {
		return nil, true, smtp.ErrAuthFailed
	}
	if resp == nil {
		return []byte{}, false, nil // ask for the initial response
	}
	user, token, ok := parseXOAuth2(resp)
	if !ok {
		return nil, true, &smtp.SMTPError{Code: 501, EnhancedCode: smtp.EnhancedCode{5, 5, 2}, Message: "malformed XOAUTH2"}
	}
	if err := x.check(user, token); err != nil {
		x.failed = true
		return []byte(`{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}`), false, nil
	}
	return nil, true, nil
}

// parseXOAuth2 reads "user=U\x01auth=Bearer T\x01\x01".
func parseXOAuth2(b []byte) (user, token string, ok bool) {
	for _, f := range bytes.Split(b, []byte{1}) {
		if u, found := bytes.CutPrefix(f, []byte("user=")); found {
			user = string(u)
		} else if a, found := bytes.CutPrefix(f, []byte("auth=")); found {
			scheme, t, _ := strings.Cut(string(a), " ")
			if strings.EqualFold(scheme, "Bearer") {
				token = t
			}
		}
	}
	return user, token, user != "" && token != ""
}
