package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/klachtd/klachtd/internal/web"
)

// TestHealthzAndRoutes: /healthz is 200 while every check passes and 503
// with a JSON body naming the failed check otherwise; a mounted route and
// /metrics are served on the same listener; Run stops on ctx.
func TestHealthzAndRoutes(t *testing.T) {
	var stale atomic.Bool
	health := func(context.Context) []web.Check {
		mb := web.Check{Name: "mailbox INBOX", OK: true}
		if stale.Load() {
			mb = web.Check{Name: "mailbox INBOX", Detail: "not reached since 2026-12-01 09:00"}
		}
		return []web.Check{{Name: "database", OK: true}, mb}
	}
	text := func(s string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, s) })
	}
	srv, err := web.New(web.Options{Listen: "127.0.0.1:0", Health: health, Metrics: text("klachtd_up 1\n"),
		Routes: map[string]http.Handler{"GET /klacht": text("form")}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	base := "http://" + srv.Addr()
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/healthz"); code != 200 || !strings.Contains(body, `"ok":true`) {
		t.Errorf("/healthz = %d %s", code, body)
	}
	stale.Store(true)
	code, body := get("/healthz")
	var b struct {
		OK     bool
		Checks []web.Check
	}
	if err := json.Unmarshal([]byte(body), &b); err != nil || code != 503 || b.OK || len(b.Checks) != 2 || b.Checks[1].OK || b.Checks[1].Detail == "" {
		t.Errorf("/healthz when stale = %d %s (%v)", code, body, err)
	}
	if code, body := get("/metrics"); code != 200 || body != "klachtd_up 1\n" {
		t.Errorf("/metrics = %d %q", code, body)
	}
	if code, body := get("/klacht"); code != 200 || body != "form" {
		t.Errorf("mounted route = %d %q", code, body)
	}
	if code, _ := get("/nope"); code != 404 {
		t.Errorf("unknown path = %d, want 404", code)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run after cancel = %v", err)
	}
	if _, err := web.New(web.Options{Listen: "not-an-address"}); err == nil {
		t.Error("New with a bad address succeeded")
	}
}
