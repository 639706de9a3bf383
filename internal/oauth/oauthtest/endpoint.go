package oauthtest

import (
	"net/http"
	"strings"
)

// token is the token endpoint: client_credentials, refresh_token (rotated on
// every use) and the JWT bearer grant of a service account.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokenRequests++
	if err := r.ParseForm(); err != nil {
		fail(w, http.StatusBadRequest, "invalid_request", "bad form")
		return
	}
	switch grant := r.PostForm.Get("grant_type"); grant {
	case "client_credentials":
		if s.clientOK(w, r) {
			s.issue(w, s.Username, "")
		}
	case "refresh_token":
		if s.clientOK(w, r) {
			s.refreshGrant(w, r.PostForm.Get("refresh_token"))
		}
	case "urn:ietf:params:oauth:grant-type:jwt-bearer":
		s.jwtGrant(w, r.PostForm.Get("assertion"))
	default:
		fail(w, http.StatusBadRequest, "unsupported_grant_type", "grant "+grant+" is not supported")
	}
}

// clientOK checks the client's ID and secret, from Basic auth or the form.
func (s *Server) clientOK(w http.ResponseWriter, r *http.Request) bool {
	id, secret, basic := r.BasicAuth()
	if !basic {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != s.ClientID || secret != s.secret {
		fail(w, http.StatusUnauthorized, "invalid_client", "AADSTS7000215: Invalid client secret provided.")
		return false
	}
	return true
}

func (s *Server) refreshGrant(w http.ResponseWriter, rt string) {
	user, ok := s.refresh[rt]
	if !ok {
		fail(w, http.StatusBadRequest, "invalid_grant", "the refresh token is unknown, used or revoked")
		return
	}
	delete(s.refresh, rt)
	next := newID("rt")
	s.refresh[next] = user
	s.issue(w, user, next)
}

// introspect answers RFC 7662 introspection as Dovecot's oauth2 passdb asks
// it (introspection_mode post: token in the form; get: in the query; auth:
// as a bearer token).
func (s *Server) introspect(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	tok := r.Form.Get("token")
	if h, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && tok == "" {
		tok = h
	}
	s.mu.Lock()
	s.introspections++
	s.mu.Unlock()
	user, ok := s.check(tok)
	if !ok {
		writeJSON(w, http.StatusOK, map[string]any{"active": false})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"active": true, "username": user})
}
