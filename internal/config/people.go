package config

import (
	"fmt"
	"net/mail"
	"strings"
)

// Handler is a klachtbehandelaar: gets notifications, answers by mail.
type Handler struct {
	Name    string `toml:"name"`
	Address string `toml:"address"`
	// Categories this handler takes; routing assigns a case of such a
	// category to the first handler that lists it.
	Categories []string `toml:"categories"`
	// Default marks the handler who gets what no rule routes.
	Default bool `toml:"default"`
}

// Manager reads escalations and the digest.
type Manager struct {
	Name    string `toml:"name"`
	Address string `toml:"address"`
	// Level is the escalation level this manager gets: 1 (default; a case
	// due soon or overdue) or 2 (still overdue after
	// escalate_next_level_working_days). A level nobody has goes to all.
	Level int `toml:"level"`
	// Digest is how often this manager gets the digest: "daily" (default),
	// "weekly" (the first digest day of the week) or "none".
	Digest string `toml:"digest"`
}

// Route assigns a category (and so a handler) to a new case. A rule matches
// when any of its words occurs in the subject or body (case-insensitive), or
// the mail was sent to the sub-address klachten+<to>@… .
type Route struct {
	Category string   `toml:"category"`
	Words    []string `toml:"words"`
	To       string   `toml:"to"`
	Handler  string   `toml:"handler"` // address or name; default: the first handler with the category
}

func (c *Config) validatePeople(bad func(key, format string, args ...any)) {
	seen := map[string]bool{}
	defaults := 0
	for i, h := range c.Handlers {
		key := fmt.Sprintf("handlers[%d].address", i)
		if !plainAddress(h.Address) {
			bad(key, "not a plain e-mail address: %q", h.Address)
		}
		if seen[strings.ToLower(h.Address)] {
			bad(key, "%s is listed twice", h.Address)
		}
		seen[strings.ToLower(h.Address)] = true
		if h.Default {
			defaults++
		}
	}
	if defaults > 1 {
		bad("handlers", "more than one handler has default = true")
	}
	for i, m := range c.Managers {
		if !plainAddress(m.Address) {
			bad(fmt.Sprintf("managers[%d].address", i), "not a plain e-mail address: %q", m.Address)
		}
		if m.Level < 0 || m.Level > 2 {
			bad(fmt.Sprintf("managers[%d].level", i), "must be 1 or 2, not %d", m.Level)
		}
		switch m.Digest {
		case "", "daily", "weekly", "none":
		default:
			bad(fmt.Sprintf("managers[%d].digest", i), "must be daily, weekly or none, not %q", m.Digest)
		}
	}
	for i, r := range c.Routing {
		key := fmt.Sprintf("routing[%d]", i)
		if r.Category == "" {
			bad(key+".category", "missing")
		}
		if len(r.Words) == 0 && r.To == "" {
			bad(key, "needs words or to")
		}
		if r.Handler != "" && c.HandlerByNameOrAddress(r.Handler) == nil {
			bad(key+".handler", "no handler named %q", r.Handler)
		}
	}
}

// HandlerByNameOrAddress finds a configured handler, or nil.
func (c *Config) HandlerByNameOrAddress(s string) *Handler {
	for i, h := range c.Handlers {
		if strings.EqualFold(h.Address, s) || strings.EqualFold(h.Name, s) {
			return &c.Handlers[i]
		}
	}
	return nil
}

func plainAddress(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s
}
