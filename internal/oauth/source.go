package oauth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// TokenSource hands out access tokens. mailbox and outbox take one of these,
// never a provider or a config.
type TokenSource interface {
	// Token returns a valid access token and when it expires (zero: unknown).
	Token(ctx context.Context) (token string, expiry time.Time, err error)
	// Invalidate reports that a server rejected token. The next Token
	// fetches a new one; a token other than the current one is ignored, so
	// that several connections failing on the same token cause one fetch.
	Invalidate(token string)
}

// ErrRejected is wrapped by Token's error while it backs off after servers
// rejected freshly fetched tokens.
var ErrRejected = errors.New("oauth: the server rejected a freshly fetched token")

// Defaults of Options.
const (
	DefaultMargin     = 5 * time.Minute
	DefaultMinBackoff = 5 * time.Second
	DefaultMaxBackoff = 5 * time.Minute
	defaultTimeout    = 30 * time.Second
)

// Options are the parts of a Source that tests (and main) inject.
type Options struct {
	// HTTPClient talks to the token endpoint; default: a client with a 30s
	// timeout and the system's trust store.
	HTTPClient *http.Client
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Margin: a token is renewed this long before it expires, or at a
	// quarter of its lifetime left when that is shorter. Default 5 minutes.
	Margin time.Duration
	// MinBackoff and MaxBackoff bound the wait after a failure (doubling).
	MinBackoff, MaxBackoff time.Duration
	// Refresh persists rotated refresh tokens (grant refresh_token).
	Refresh RefreshStore
	// Logger gets failures that are handled here (a failed early refresh);
	// default: discard.
	Logger *slog.Logger
}

func (o *Options) setDefaults() {
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: defaultTimeout}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Margin <= 0 {
		o.Margin = DefaultMargin
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = DefaultMinBackoff
	}
	if o.MaxBackoff < o.MinBackoff {
		o.MaxBackoff = max(DefaultMaxBackoff, o.MinBackoff)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
}

// fetcher gets one new token from the provider.
type fetcher interface {
	fetch(ctx context.Context) (*oauth2.Token, error)
}

// State is what a Source knows about its token, for status and metrics.
type State struct {
	Expiry        time.Time // of the cached token; zero when none or unknown
	Fetched       time.Time // when the cached token was fetched
	Failures      int       // failed fetches and rejected fresh tokens in a row
	FetchFailures uint64    // failed fetches since start
	NextTry       time.Time // no fetch before this (backoff); zero when none
	Err           error     // the last failure; nil after a success
}

// Source is a TokenSource for one [oauth2] configuration. It is safe for
// concurrent use.
type Source struct {
	o    Options
	f    fetcher
	what string // the token URL, for errors and logs
	sem  chan struct{}

	// guarded by sem
	token    string
	expiry   time.Time
	fetched  time.Time
	invalid  bool // the cached token was rejected
	forced   bool // the cached token was fetched because the previous one was rejected
	fails    int
	total    uint64
	nextTry  time.Time
	lastErr  error
	stateMu  sync.Mutex // guards a copy of the state for State
	snapshot State
}

func newSource(f fetcher, what string, o Options) *Source {
	o.setDefaults()
	return &Source{o: o, f: f, what: what, sem: make(chan struct{}, 1)}
}

// Token implements TokenSource.
func (s *Source) Token(ctx context.Context) (string, time.Time, error) {
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return "", time.Time{}, fmt.Errorf("oauth: waiting for a token: %w", ctx.Err())
	}
	defer func() { s.publish(); <-s.sem }()
	now := s.o.Now()
	if s.fresh(now) {
		return s.token, s.expiry, nil
	}
	if now.Before(s.nextTry) {
		if s.usable(now) {
			return s.token, s.expiry, nil
		}
		return "", time.Time{}, fmt.Errorf("oauth: no new token before %s (%d failures in a row): %w",
			s.nextTry.UTC().Format(time.RFC3339), s.fails, s.lastErr)
	}
	if err := s.renew(ctx, now); err != nil {
		if s.usable(now) {
			s.o.Logger.Warn("oauth_refresh_failed", slog.String("token_url", s.what),
				slog.Time("expiry", s.expiry), slog.Any("error", err))
			return s.token, s.expiry, nil
		}
		return "", time.Time{}, err
	}
	return s.token, s.expiry, nil
}

// renew fetches a token and caches it, or records the failure.
func (s *Source) renew(ctx context.Context, now time.Time) error {
	tok, err := s.f.fetch(ctx)
	if err == nil && tok.AccessToken == "" {
		err = fmt.Errorf("oauth: token from %s: the answer holds no access_token", s.what)
	}
	if err != nil && ctx.Err() != nil {
		return err // the caller gave up: no fault of the provider, no backoff
	}
	if err != nil {
		s.total++
		s.fail(now, err)
		return err
	}
	s.forced = s.invalid
	if !s.forced {
		s.fails = 0
	}
	s.token, s.expiry, s.fetched, s.invalid = tok.AccessToken, expiryOf(tok, now), now, false
	s.nextTry, s.lastErr = time.Time{}, nil
	s.o.Logger.Debug("oauth_token_fetched", slog.String("token_url", s.what), slog.Time("expiry", s.expiry))
	return nil
}

// expiryOf converts the token's expiry to the Source's clock: x/oauth2
// computes Expiry from expires_in with the wall clock.
func expiryOf(tok *oauth2.Token, now time.Time) time.Time {
	if n, ok := tok.Extra("expires_in").(float64); ok && n > 0 {
		return now.Add(time.Duration(n) * time.Second)
	}
	switch {
	case tok.ExpiresIn > 0:
		return now.Add(time.Duration(tok.ExpiresIn) * time.Second)
	case tok.Expiry.IsZero():
		return time.Time{}
	default:
		return now.Add(time.Until(tok.Expiry).Round(time.Second))
	}
}

func (s *Source) fail(now time.Time, err error) {
	s.fails++
	s.lastErr = err
	d := s.o.MinBackoff
	for i := 1; i < s.fails && d < s.o.MaxBackoff; i++ {
		d *= 2
	}
	s.nextTry = now.Add(min(d, s.o.MaxBackoff))
}

// fresh: cached, not rejected, and not yet within the margin of its expiry.
func (s *Source) fresh(now time.Time) bool {
	if s.token == "" || s.invalid {
		return false
	}
	if s.expiry.IsZero() {
		return true
	}
	margin := min(s.o.Margin, s.expiry.Sub(s.fetched)/4)
	return now.Before(s.expiry.Add(-margin))
}

// usable: cached, not rejected and not expired.
func (s *Source) usable(now time.Time) bool {
	return s.token != "" && !s.invalid && (s.expiry.IsZero() || now.Before(s.expiry))
}

// Invalidate implements TokenSource. Rejecting a token that was itself
// fetched because its predecessor was rejected starts the backoff.
func (s *Source) Invalidate(token string) {
	s.sem <- struct{}{}
	defer func() { s.publish(); <-s.sem }()
	if token == "" || token != s.token || s.invalid {
		return
	}
	s.invalid = true
	if s.forced {
		s.fail(s.o.Now(), fmt.Errorf("%w (token from %s)", ErrRejected, s.what))
	}
}

// publish copies the state for State; called with sem held.
func (s *Source) publish() {
	st := State{Fetched: s.fetched, Failures: s.fails, FetchFailures: s.total, NextTry: s.nextTry, Err: s.lastErr}
	if !s.invalid {
		st.Expiry = s.expiry
	}
	s.stateMu.Lock()
	s.snapshot = st
	s.stateMu.Unlock()
}

// State returns what the Source knows now, without waiting for a fetch in
// progress.
func (s *Source) State() State {
	s.stateMu.Lock()
	defer s.stateMu.Unlock()
	return s.snapshot
}
