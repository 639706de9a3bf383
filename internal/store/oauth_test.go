package store_test

import (
	"context"
	"testing"

	"github.com/klachtd/klachtd/internal/config"
	"github.com/klachtd/klachtd/internal/oauth"
	"github.com/klachtd/klachtd/internal/oauth/oauthtest"
	"github.com/klachtd/klachtd/internal/store"
	"github.com/klachtd/klachtd/internal/store/storetest"
)

var _ oauth.RefreshStore = (*store.Store)(nil)

// TestRefreshTokenRotationPersisted: a refresh token the provider rotates is
// saved in PostgreSQL, so that a restarted klachtd (a new token source on the
// same database) goes on from it although the configured one is used up.
func TestRefreshTokenRotationPersisted(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	if _, _, ok, err := s.LoadRefreshToken(ctx, "nothing"); ok || err != nil {
		t.Fatalf("LoadRefreshToken of nothing = %v, %v", ok, err)
	}
	srv := oauthtest.Start(t, oauthtest.Options{})
	rt := srv.IssueRefreshToken("klachten@example.nl")
	cfg := config.OAuth2{Provider: config.ProviderCustom, Grant: config.GrantRefreshToken,
		TokenURL: srv.TokenURL, ClientID: srv.ClientID, ClientSecret: srv.ClientSecret(), RefreshToken: rt}
	newSource := func() *oauth.Source {
		src, err := oauth.NewTokenSource(cfg, oauth.Options{Refresh: s, Now: srv.Clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		return src
	}
	token := func(src *oauth.Source) string {
		tok, _, err := src.Token(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}

	first := token(newSource())
	_, saved, ok, err := s.LoadRefreshToken(ctx, srv.TokenURL+" "+srv.ClientID)
	if err != nil || !ok || saved == rt || !srv.LiveRefreshToken(saved) || srv.LiveRefreshToken(rt) {
		t.Fatalf("after the first refresh: saved %v (err %v); configured token still live %v",
			ok, err, srv.LiveRefreshToken(rt))
	}
	second := token(newSource()) // a restart
	if second == first || !srv.Live(second) {
		t.Fatal("the restarted source got no live token")
	}
	if _, now, _, _ := s.LoadRefreshToken(ctx, srv.TokenURL+" "+srv.ClientID); now == saved || !srv.LiveRefreshToken(now) {
		t.Error("the second rotation was not saved")
	}
}
