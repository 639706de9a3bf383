package cases

import (
	"strings"

	"github.com/klachtd/klachtd/internal/classify"
	"github.com/klachtd/klachtd/internal/config"
	"github.com/klachtd/klachtd/internal/parse"
)

// People is who handles and manages complaints, and how new cases are
// routed. It comes from the config and is swapped whole on SIGHUP; a mail is
// handled with the People it started with.
type People struct {
	Handlers []config.Handler
	Managers []config.Manager
	Routing  []config.Route
	// TrustedAuthServID, when set, is the receiving host whose
	// Authentication-Results (RFC 8601) a handler's mail must pass (dmarc,
	// or dkim or spf aligned with the From domain: auth.go) before its
	// commands or answer are accepted.
	TrustedAuthServID string
}

// ContactFromConfig takes the contact person of the [intake] table.
func ContactFromConfig(c config.Intake) Contact {
	return Contact{Name: c.ContactName, Role: c.ContactRole, Phone: c.ContactPhone, Support: c.Support}
}

// PeopleFromConfig takes the people part of a config.
func PeopleFromConfig(c *config.Config) *People {
	return &People{Handlers: c.Handlers, Managers: c.Managers, Routing: c.Routing, TrustedAuthServID: c.Intake.TrustedAuthServID}
}

// handlerAddresses lists the handlers for classification.
func (p *People) handlerAddresses() []string {
	out := make([]string, len(p.Handlers))
	for i, h := range p.Handlers {
		out[i] = h.Address
	}
	return out
}

// Handler finds a handler by address or name, or nil.
func (p *People) Handler(s string) *config.Handler {
	s = strings.TrimSpace(s)
	for i, h := range p.Handlers {
		if strings.EqualFold(h.Address, s) || strings.EqualFold(h.Name, s) {
			return &p.Handlers[i]
		}
	}
	return nil
}

// defaultHandler is the handler marked default, else the first one, else nil.
func (p *People) defaultHandler() *config.Handler {
	for i, h := range p.Handlers {
		if h.Default {
			return &p.Handlers[i]
		}
	}
	if len(p.Handlers) > 0 {
		return &p.Handlers[0]
	}
	return nil
}

// route picks a new case's category and handler: the first rule whose
// sub-address or words match, its handler or the first handler with that
// category, else the default handler.
func (p *People) route(msg *parse.Message) (category string, h *config.Handler) {
	text := strings.ToLower(msg.Subject + "\n" + msg.Text)
	subs := subAddresses(msg)
	for _, r := range p.Routing {
		if !ruleMatches(r, text, subs) {
			continue
		}
		if r.Handler != "" {
			if h := p.Handler(r.Handler); h != nil {
				return r.Category, h
			}
		}
		for i, h := range p.Handlers {
			for _, c := range h.Categories {
				if strings.EqualFold(c, r.Category) {
					return r.Category, &p.Handlers[i]
				}
			}
		}
		return r.Category, p.defaultHandler()
	}
	return "", p.defaultHandler()
}

func ruleMatches(r config.Route, text string, subs []string) bool {
	for _, s := range subs {
		if r.To != "" && strings.EqualFold(s, r.To) {
			return true
		}
	}
	for _, w := range r.Words {
		if w != "" && strings.Contains(text, strings.ToLower(w)) {
			return true
		}
	}
	return false
}

// subAddresses lists the "+tag" parts of the To and Cc addresses.
func subAddresses(msg *parse.Message) []string {
	var out []string
	for _, a := range append(append([]parse.Address{}, msg.To...), msg.Cc...) {
		local, _, _ := strings.Cut(a.Address, "@")
		if _, tag, ok := strings.Cut(local, "+"); ok {
			out = append(out, tag)
		}
	}
	return out
}

func (in *Intake) classifyConfig(p *People) classify.Config {
	c := in.o.Classify
	c.Handlers = p.handlerAddresses()
	return c
}
