package oauthtest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/oauth2/jws"
)

// ServiceAccountScope is the scope a service account must ask for.
const ServiceAccountScope = "https://mail.google.com/"

type serviceAccount struct {
	email string
	key   *rsa.PrivateKey
}

// ServiceAccountFile writes a Google-style service account key file (JSON)
// into a temporary directory and returns its path. The server then accepts
// JWTs signed with that key, with the scope ServiceAccountScope and a
// subject: the token acts for the subject (domain-wide delegation).
func (s *Server) ServiceAccountFile(t testing.TB) string {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	sa := &serviceAccount{email: "klachtd@project.iam.gserviceaccount.com", key: key}
	b, _ := json.Marshal(map[string]string{
		"type": "service_account", "client_email": sa.email, "private_key_id": "k1",
		"private_key": string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		"token_uri":   s.TokenURL,
	})
	path := filepath.Join(t.TempDir(), "service-account.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	s.sa = sa
	s.mu.Unlock()
	return path
}

// jwtGrant checks the assertion's signature, issuer, audience and scope;
// called with mu held.
func (s *Server) jwtGrant(w http.ResponseWriter, assertion string) {
	if s.sa == nil || jws.Verify(assertion, &s.sa.key.PublicKey) != nil {
		fail(w, http.StatusBadRequest, "invalid_grant", "Invalid JWT Signature.")
		return
	}
	cs, err := jws.Decode(assertion)
	switch {
	case err != nil:
		fail(w, http.StatusBadRequest, "invalid_grant", "bad claims")
	case cs.Iss != s.sa.email || cs.Aud != s.TokenURL:
		fail(w, http.StatusBadRequest, "invalid_grant", "wrong issuer or audience")
	case cs.Scope != ServiceAccountScope:
		fail(w, http.StatusBadRequest, "invalid_scope", "scope "+cs.Scope+" is not granted")
	case cs.Sub == "":
		fail(w, http.StatusUnauthorized, "unauthorized_client", "no subject: domain-wide delegation needs one")
	default:
		s.issue(w, cs.Sub, "")
	}
}
