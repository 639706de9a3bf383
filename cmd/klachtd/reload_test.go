package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestReloadSwapsPeopleAndKeepsThemOnABadConfig(t *testing.T) {
	h := newHarness(t)
	env := func(k string) string {
		return map[string]string{"KLACHTD_DATABASE_URL": h.cfg.Database.URL}[k]
	}
	write := func(body string) string {
		p := filepath.Join(t.TempDir(), "klachtd.toml")
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const base = `
[imap]
address = "127.0.0.1:143"
tls = "none"
username = "u"
[smtp]
address = "127.0.0.1:25"
tls = "none"
[intake]
address = "klachten@gemeente.example"
`
	good := write(base + `
[[handlers]]
name = "Nieuwe Behandelaar"
address = "nieuw@gemeente.example"
[[managers]]
name = "Manager"
address = "manager@gemeente.example"
`)
	if err := h.d.Reload(good, env); err != nil {
		t.Fatal(err)
	}
	p := h.d.Intake.People()
	if len(p.Handlers) != 1 || p.Handlers[0].Address != "nieuw@gemeente.example" || len(p.Managers) != 1 {
		t.Fatalf("after reload: %+v", p)
	}
	bad := write(base + `
[[handlers]]
address = "not an address"
`)
	if err := h.d.Reload(bad, env); err == nil {
		t.Fatal("a config with a bad handler address was accepted")
	}
	if got := h.d.Intake.People().Handlers[0].Address; got != "nieuw@gemeente.example" {
		t.Errorf("a bad config replaced the handlers: %s", got)
	}
}
