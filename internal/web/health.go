package web

import (
	"context"
	"encoding/json"
	"net/http"
	"time"
)

// HealthTimeout bounds one /healthz request's checks.
const HealthTimeout = 5 * time.Second

// Check is the outcome of one health check.
type Check struct {
	Name   string `json:"name"` // "database", "mailbox INBOX", …
	OK     bool   `json:"ok"`
	Detail string `json:"detail,omitempty"` // why it failed, in words for an operator
}

// HealthFunc runs the checks. It must return when ctx ends.
type HealthFunc func(ctx context.Context) []Check

type healthBody struct {
	OK     bool    `json:"ok"`
	Checks []Check `json:"checks"`
}

func healthHandler(f HealthFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := healthBody{OK: true, Checks: []Check{}}
		if f != nil {
			ctx, cancel := context.WithTimeout(r.Context(), HealthTimeout)
			defer cancel()
			body.Checks = f(ctx)
		}
		for _, c := range body.Checks {
			body.OK = body.OK && c.OK
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		if !body.OK {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		_ = json.NewEncoder(w).Encode(body)
	})
}
