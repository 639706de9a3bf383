package oauth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"strings"
	"sync"

	"golang.org/x/oauth2"

	"github.com/klachtd/klachtd/internal/config"
)

// RefreshStore keeps rotated refresh tokens across restarts and instances.
// store.Store implements it (table oauth_refresh_tokens).
type RefreshStore interface {
	// LoadRefreshToken returns the token last saved under key and the
	// origin it was saved with; ok is false when none was saved.
	LoadRefreshToken(ctx context.Context, key string) (origin, token string, ok bool, err error)
	// SaveRefreshToken replaces what is saved under key.
	SaveRefreshToken(ctx context.Context, key, origin, token string) error
}

// refresher is grant refresh_token: it trades the newest refresh token it
// knows for an access token, and keeps the refresh token the provider may
// send back instead.
type refresher struct {
	conf   oauth2.Config
	o      Options
	key    string // token URL and client ID: which chain of refresh tokens
	origin string // hash of the configured refresh token

	mu      sync.Mutex
	current string // the newest refresh token
	unsaved bool   // current was not saved yet
}

func newRefresher(cfg config.OAuth2, o Options) *refresher {
	sum := sha256.Sum256([]byte(cfg.RefreshToken))
	return &refresher{o: o, current: cfg.RefreshToken, origin: hex.EncodeToString(sum[:]),
		key: cfg.TokenURL + " " + cfg.ClientID,
		conf: oauth2.Config{ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret,
			Scopes:   strings.Fields(cfg.Scope),
			Endpoint: oauth2.Endpoint{TokenURL: cfg.TokenURL, AuthStyle: authStyle(cfg.Provider)}},
	}
}

func (r *refresher) fetch(ctx context.Context) (*oauth2.Token, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	rt := r.latest(ctx)
	tok, err := r.conf.TokenSource(withClient(ctx, r.o), &oauth2.Token{RefreshToken: rt}).Token()
	if err != nil {
		return nil, describe(r.conf.Endpoint.TokenURL, err)
	}
	if tok.RefreshToken != "" && tok.RefreshToken != rt {
		r.current, r.unsaved = tok.RefreshToken, true
		r.save(ctx)
	}
	return tok, nil
}

// latest is the refresh token to use: an unsaved one is saved first; else
// the saved one, when it descends from the configured one (another instance
// may have rotated it), else ours.
func (r *refresher) latest(ctx context.Context) string {
	if r.o.Refresh == nil {
		return r.current
	}
	if r.unsaved {
		r.save(ctx)
		return r.current
	}
	origin, token, ok, err := r.o.Refresh.LoadRefreshToken(ctx, r.key)
	switch {
	case err != nil:
		r.o.Logger.Warn("oauth_refresh_token_load_failed", slog.Any("error", err))
	case ok && origin == r.origin && token != "":
		r.current = token
	}
	return r.current
}

// save persists current; a failure is logged and retried on the next fetch.
func (r *refresher) save(ctx context.Context) {
	if r.o.Refresh == nil {
		return
	}
	if err := r.o.Refresh.SaveRefreshToken(ctx, r.key, r.origin, r.current); err != nil {
		r.o.Logger.Error("oauth_refresh_token_save_failed", slog.Any("error", err))
		return
	}
	r.unsaved = false
}
