package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// config check shows the OAuth2 settings with the client secret and the
// refresh token redacted, wherever they came from, and warns about a
// secret file that others can read.
func TestConfigCheckShowsOAuth2Redacted(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "client-secret")
	os.WriteFile(secret, []byte("Client-Geheim-O1\n"), 0o644)
	setEnv(t, "KLACHTD_DATABASE_URL", "postgres://k@db.example/k",
		"KLACHTD_IMAP_PASSWORD", "", "KLACHTD_SMTP_PASSWORD", "",
		"KLACHTD_IMAP_AUTH", "oauth2", "KLACHTD_SMTP_AUTH", "oauth2", "KLACHTD_SMTP_USERNAME", "klachten@example.nl",
		"KLACHTD_OAUTH2_PROVIDER", "custom", "KLACHTD_OAUTH2_TOKEN_URL", "http://127.0.0.1:8089/token",
		"KLACHTD_OAUTH2_GRANT", "refresh_token", "KLACHTD_OAUTH2_CLIENT_ID", "klachtd",
		"KLACHTD_OAUTH2_CLIENT_SECRET_FILE", secret, "KLACHTD_OAUTH2_REFRESH_TOKEN", "Refresh-Geheim-O2")
	code, out := runCmd(t, "config", "check")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	assertNoSecret(t, out, "Client-Geheim-O1", "Refresh-Geheim-O2")
	for _, want := range []string{"[oauth2]", `token_url = "http://127.0.0.1:8089/token"`, `client_secret = "(redacted)"`,
		`refresh_token = "(redacted)"`, `auth = "oauth2"`, "oauth2.client_secret_file", secret} {
		if !strings.Contains(out, want) {
			t.Errorf("config check lacks %q:\n%s", want, out)
		}
	}
	t.Setenv("KLACHTD_OAUTH2_TOKEN_URL", "http://auth.example/token")
	code, out = runCmd(t, "config", "check")
	if code != 1 || !strings.Contains(out, "oauth2.token_url") {
		t.Errorf("plain http to a remote token URL: exit %d:\n%s", code, out)
	}
	assertNoSecret(t, out, "Client-Geheim-O1", "Refresh-Geheim-O2")
}
