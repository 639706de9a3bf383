package config

import (
	"net"
	"time"
)

// DefaultStale is how long intake may go without reaching its mailbox before
// /healthz and `klachtd status` call it stale: five poll intervals of the
// default minute.
const DefaultStale = 5 * time.Minute

// HTTP is klachtd's one HTTP listener: /healthz and /metrics for monitoring
// (and whatever else is mounted on it). Off when Listen is empty.
type HTTP struct {
	// Listen is host:port, e.g. "127.0.0.1:9464" (KLACHTD_HTTP_LISTEN).
	// /metrics and /healthz have no authentication: keep it on loopback or
	// a network only the monitoring system reaches.
	Listen string `toml:"listen"`
	// Stale: /healthz answers 503 when intake has not reached the mailbox
	// for this long (KLACHTD_HTTP_STALE); default 5m.
	Stale Duration `toml:"stale"`
}

func (h *HTTP) setDefaults() {
	if h.Stale.Duration == 0 {
		h.Stale.Duration = DefaultStale
	}
}

func (h *HTTP) validate(bad func(key, format string, args ...any)) {
	if h.Listen != "" {
		if _, _, err := net.SplitHostPort(h.Listen); err != nil {
			bad("http.listen", "not host:port: %q", h.Listen)
		}
	}
	if h.Stale.Duration < 0 {
		bad("http.stale", "must be positive, not %s", h.Stale)
	}
}
