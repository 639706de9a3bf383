// Package web is klachtd's one HTTP listener ([http] listen). It serves
//
//   - /healthz: 200 with {"ok": true, "checks": […]} when every check passes
//     (the database answers; the mailbox was reached within [http] stale),
//     else 503 with the same body naming the check that failed and why. A
//     check that does not answer within HealthTimeout fails.
//   - /metrics: the Prometheus registry (internal/metrics).
//   - whatever else is mounted with Options.Routes or Handle before Run (the
//     complaint form): one listener, one mux, one shutdown.
//
// Failure rules: a listen address that cannot be bound makes New fail, so
// serve refuses to start rather than run without the monitoring it was
// configured with. Run stops on ctx, giving requests in progress
// ShutdownTimeout to finish. The server sets read-header, read, write and
// idle timeouts and caps request headers at 64 KiB, as it may face the
// network. Nothing here authenticates: keep /metrics on loopback or behind
// a proxy.
package web
