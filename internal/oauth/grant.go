package oauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
	"golang.org/x/oauth2/jwt"

	"github.com/klachtd/klachtd/internal/config"
)

// NewTokenSource builds the Source for cfg's grant. It does not contact the
// provider: the first Token does. cfg is expected to have passed config's
// validation (provider defaults filled in).
func NewTokenSource(cfg config.OAuth2, o Options) (*Source, error) {
	o.setDefaults()
	f, err := newFetcher(cfg, o)
	if err != nil {
		return nil, err
	}
	return newSource(f, cfg.TokenURL, o), nil
}

// Reload switches s to cfg (SIGHUP: a fixed client secret, a new refresh
// token) and ends any backoff, so that the next Token that needs a token
// fetches at once. A cached token that still works is kept. On error s is
// unchanged.
func (s *Source) Reload(cfg config.OAuth2) error {
	f, err := newFetcher(cfg, s.o)
	if err != nil {
		return err
	}
	s.sem <- struct{}{}
	defer func() { s.publish(); <-s.sem }()
	if cfg.TokenURL != s.what {
		s.token, s.expiry = "", time.Time{}
	}
	s.f, s.what = f, cfg.TokenURL
	s.fails, s.forced, s.nextTry, s.lastErr = 0, false, time.Time{}, nil
	return nil
}

func newFetcher(cfg config.OAuth2, o Options) (fetcher, error) {
	switch cfg.Grant {
	case config.GrantClientCredentials:
		return newClientCredentials(cfg, o), nil
	case config.GrantRefreshToken:
		return newRefresher(cfg, o), nil
	case config.GrantServiceAccount:
		return newServiceAccount(cfg, o)
	default:
		return nil, fmt.Errorf("oauth: grant %q: want client_credentials, refresh_token or service_account", cfg.Grant)
	}
}

// authStyle: Microsoft and Google take the client secret in the form, as
// their documentation shows; a custom server is asked both ways (x/oauth2
// remembers which worked).
func authStyle(provider string) oauth2.AuthStyle {
	if provider == config.ProviderMicrosoft || provider == config.ProviderGoogle {
		return oauth2.AuthStyleInParams
	}
	return oauth2.AuthStyleAutoDetect
}

func withClient(ctx context.Context, o Options) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, o.HTTPClient)
}

// sourceGrant is a grant x/oauth2 carries out whole (client_credentials,
// service_account): every fetch asks a fresh TokenSource of its config.
type sourceGrant struct {
	tokenURL string
	source   func(context.Context) oauth2.TokenSource
	o        Options
}

func (g *sourceGrant) fetch(ctx context.Context) (*oauth2.Token, error) {
	tok, err := g.source(withClient(ctx, g.o)).Token()
	return tok, describe(g.tokenURL, err)
}

func newClientCredentials(cfg config.OAuth2, o Options) *sourceGrant {
	cc := &clientcredentials.Config{
		ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, TokenURL: cfg.TokenURL,
		Scopes: strings.Fields(cfg.Scope), AuthStyle: authStyle(cfg.Provider),
	}
	return &sourceGrant{tokenURL: cfg.TokenURL, source: cc.TokenSource, o: o}
}

// serviceAccountKey is the part of a Google service account key file we use.
type serviceAccountKey struct {
	Type         string `json:"type"`
	ClientEmail  string `json:"client_email"`
	PrivateKey   string `json:"private_key"`
	PrivateKeyID string `json:"private_key_id"`
}

// newServiceAccount reads the key file. The JWT goes to cfg.TokenURL (config
// fills in Google's), signed with the key, with the impersonated mailbox as
// subject: domain-wide delegation.
func newServiceAccount(cfg config.OAuth2, o Options) (*sourceGrant, error) {
	b, err := os.ReadFile(cfg.ServiceAccountFile)
	if err != nil {
		return nil, fmt.Errorf("oauth: service account key: %w", err)
	}
	var k serviceAccountKey
	if err := json.Unmarshal(b, &k); err != nil {
		// The JSON error may quote the key: say only where.
		return nil, fmt.Errorf("oauth: service account key %s: not a JSON key file", cfg.ServiceAccountFile)
	}
	if k.Type != "service_account" || k.ClientEmail == "" || k.PrivateKey == "" {
		return nil, fmt.Errorf("oauth: service account key %s: want type service_account with client_email and private_key", cfg.ServiceAccountFile)
	}
	if cfg.Impersonate == "" {
		return nil, errors.New("oauth: service account: impersonate is empty (the mailbox to act as)")
	}
	jc := &jwt.Config{
		Email: k.ClientEmail, PrivateKey: []byte(k.PrivateKey), PrivateKeyID: k.PrivateKeyID,
		Subject: cfg.Impersonate, Scopes: strings.Fields(cfg.Scope), TokenURL: cfg.TokenURL,
	}
	return &sourceGrant{tokenURL: cfg.TokenURL, source: jc.TokenSource, o: o}, nil
}

// maxDescription caps the provider's error_description in our errors
// (Microsoft's carry trace and correlation IDs).
const maxDescription = 300

// describe turns x/oauth2's error into one that says what failed (HTTP
// status, the provider's error and error_description) and nothing else: the
// raw response body stays out.
func describe(tokenURL string, err error) error {
	if err == nil {
		return nil
	}
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("oauth: token from %s: %w", tokenURL, err)
		}
		return fmt.Errorf("oauth: token from %s: %v", tokenURL, err)
	}
	msg := "no answer"
	if re.Response != nil {
		msg = "HTTP " + re.Response.Status
	}
	code, desc := re.ErrorCode, re.ErrorDescription
	if code == "" { // the jwt package leaves the body unparsed
		var b struct {
			Code string `json:"error"`
			Desc string `json:"error_description"`
		}
		_ = json.Unmarshal(re.Body, &b)
		code, desc = b.Code, b.Desc
	}
	if code != "" {
		msg += ": " + code
	}
	if d := desc; d != "" {
		if len(d) > maxDescription {
			d = strings.ToValidUTF8(d[:maxDescription], "") + "…"
		}
		msg += ": " + d
	}
	return fmt.Errorf("oauth: token from %s: %s", tokenURL, msg)
}
