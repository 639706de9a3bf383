package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeSecret(t *testing.T, name, content string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	return p
}

// oauthEnv is minimal with IMAP and SMTP logging in by OAuth2.
func oauthEnv(kv ...string) func(string) string {
	base := append([]string{}, minimal...)
	base = append(base, "KLACHTD_IMAP_PASSWORD", "", "KLACHTD_SMTP_PASSWORD", "",
		"KLACHTD_IMAP_AUTH", "oauth2", "KLACHTD_SMTP_AUTH", "oauth2", "KLACHTD_SMTP_USERNAME", "klachten@example.nl")
	return env(append(base, kv...)...)
}

func TestOAuth2MicrosoftAppOnlyFromEnvironment(t *testing.T) {
	secret := writeSecret(t, "client-secret", "Client-Geheim-1\n", 0o600)
	c, err := Load("", oauthEnv("KLACHTD_OAUTH2_PROVIDER", "microsoft", "KLACHTD_OAUTH2_TENANT", "contoso.onmicrosoft.com",
		"KLACHTD_OAUTH2_CLIENT_ID", "app-id", "KLACHTD_OAUTH2_CLIENT_SECRET_FILE", secret))
	if err != nil {
		t.Fatal(err)
	}
	o := c.OAuth2
	if o.TokenURL != "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token" ||
		o.Scope != "https://outlook.office365.com/.default" || o.Grant != GrantClientCredentials ||
		o.ClientSecret != "Client-Geheim-1" || !c.UsesOAuth2() {
		t.Errorf("oauth2 = %+v", o)
	}
	if len(c.Warnings()) != 0 {
		t.Errorf("warnings for a 0600 file: %v", c.Warnings())
	}
}

func TestOAuth2MicrosoftDelegatedAndGoogleDefaults(t *testing.T) {
	c, err := Load("", oauthEnv("KLACHTD_OAUTH2_PROVIDER", "microsoft", "KLACHTD_OAUTH2_TENANT", "common",
		"KLACHTD_OAUTH2_GRANT", "refresh_token", "KLACHTD_OAUTH2_CLIENT_ID", "app", "KLACHTD_OAUTH2_REFRESH_TOKEN", "refresh-token-x"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(c.OAuth2.Scope, "IMAP.AccessAsUser.All") || !strings.Contains(c.OAuth2.Scope, "offline_access") {
		t.Errorf("delegated scope = %q", c.OAuth2.Scope)
	}
	key := writeSecret(t, "sa.json", `{"type":"service_account"}`, 0o600)
	c, err = Load("", oauthEnv("KLACHTD_OAUTH2_PROVIDER", "google", "KLACHTD_OAUTH2_SERVICE_ACCOUNT_FILE", key,
		"KLACHTD_IMAP_USERNAME", "klachten@example.nl"))
	if err != nil {
		t.Fatal(err)
	}
	if o := c.OAuth2; o.Grant != GrantServiceAccount || o.TokenURL != googleTokenURL || o.Scope != googleMailScope ||
		o.Impersonate != "klachten@example.nl" {
		t.Errorf("google = %+v (impersonate defaults to imap.username)", o)
	}
	c, err = Load("", oauthEnv("KLACHTD_OAUTH2_PROVIDER", "google", "KLACHTD_OAUTH2_CLIENT_ID", "id",
		"KLACHTD_OAUTH2_CLIENT_SECRET", "client-secret-x", "KLACHTD_OAUTH2_REFRESH_TOKEN", "refresh-token-x"))
	if err != nil || c.OAuth2.Grant != GrantRefreshToken {
		t.Errorf("google without a key file: %v %+v", err, c)
	}
}

func TestOAuth2LoopbackHTTPTokenURL(t *testing.T) {
	for _, u := range []string{"http://127.0.0.1:8080/token", "http://localhost:1/t", "http://[::1]:9/t", "https://auth.example/token"} {
		_, err := Load("", oauthEnv("KLACHTD_OAUTH2_PROVIDER", "custom", "KLACHTD_OAUTH2_TOKEN_URL", u,
			"KLACHTD_OAUTH2_CLIENT_ID", "id", "KLACHTD_OAUTH2_CLIENT_SECRET", "client-secret-x"))
		if err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
}

func TestOAuth2ErrorsNameTheKey(t *testing.T) {
	custom := []string{"KLACHTD_OAUTH2_PROVIDER", "custom", "KLACHTD_OAUTH2_TOKEN_URL", "https://auth.example/token",
		"KLACHTD_OAUTH2_CLIENT_ID", "id", "KLACHTD_OAUTH2_CLIENT_SECRET", "client-secret-x"}
	with := func(kv ...string) []string { return append(append([]string{}, custom...), kv...) }
	tests := []struct {
		name string
		env  []string
		want string
	}{
		{"unknown imap auth", with("KLACHTD_IMAP_AUTH", "kerberos"), "imap.auth"},
		{"unknown smtp auth", with("KLACHTD_SMTP_AUTH", "cram"), "smtp.auth"},
		{"smtp oauth2 without user", with("KLACHTD_SMTP_USERNAME", ""), "smtp.username"},
		{"no provider", with("KLACHTD_OAUTH2_PROVIDER", ""), "oauth2.provider"},
		{"unknown provider", with("KLACHTD_OAUTH2_PROVIDER", "okta"), "oauth2.provider"},
		{"microsoft without tenant", with("KLACHTD_OAUTH2_PROVIDER", "microsoft", "KLACHTD_OAUTH2_TOKEN_URL", ""), "oauth2.tenant"},
		{"microsoft tenant with a slash", with("KLACHTD_OAUTH2_PROVIDER", "microsoft", "KLACHTD_OAUTH2_TENANT", "a/b"), "oauth2.tenant"},
		{"custom without token url", with("KLACHTD_OAUTH2_TOKEN_URL", ""), "oauth2.token_url"},
		{"plain http to a remote host", with("KLACHTD_OAUTH2_TOKEN_URL", "http://auth.example/token"), "oauth2.token_url"},
		{"not a URL", with("KLACHTD_OAUTH2_TOKEN_URL", "auth.example/token"), "oauth2.token_url"},
		{"other scheme", with("KLACHTD_OAUTH2_TOKEN_URL", "ftp://auth.example/token"), "oauth2.token_url"},
		{"no client id", with("KLACHTD_OAUTH2_CLIENT_ID", ""), "oauth2.client_id"},
		{"no client secret", with("KLACHTD_OAUTH2_CLIENT_SECRET", ""), "oauth2.client_secret"},
		{"refresh without token", with("KLACHTD_OAUTH2_GRANT", "refresh_token"), "oauth2.refresh_token"},
		{"unknown grant", with("KLACHTD_OAUTH2_GRANT", "password"), "oauth2.grant"},
		{"google client credentials", with("KLACHTD_OAUTH2_PROVIDER", "google", "KLACHTD_OAUTH2_GRANT", "client_credentials"), "oauth2.grant"},
		{"service account not google", with("KLACHTD_OAUTH2_GRANT", "service_account"), "oauth2.grant"},
		{"service account file missing", with("KLACHTD_OAUTH2_PROVIDER", "google", "KLACHTD_OAUTH2_SERVICE_ACCOUNT_FILE", "/nonexistent/sa.json"), "oauth2.service_account_file"},
		{"secret file missing", with("KLACHTD_OAUTH2_CLIENT_SECRET_FILE", "/nonexistent/secret"), "oauth2.client_secret_file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load("", oauthEnv(tt.env...))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one naming %s", err, tt.want)
			}
		})
	}
}

// With password logins an unused, half-written [oauth2] is no error.
func TestOAuth2UnusedIsNotValidated(t *testing.T) {
	c, err := Load("", env(append(minimal, "KLACHTD_OAUTH2_PROVIDER", "microsoft")...))
	if err != nil {
		t.Fatal(err)
	}
	if c.UsesOAuth2() || c.IMAP.Auth != AuthPassword || c.SMTP.Auth != AuthPassword {
		t.Errorf("auth = %q/%q", c.IMAP.Auth, c.SMTP.Auth)
	}
}

func TestOAuth2SecretsRedactedScrubbedAndWarned(t *testing.T) {
	secret := writeSecret(t, "client-secret", "Client-Geheim-2\n", 0o644)
	token := writeSecret(t, "refresh-token", "Refresh-Geheim-3\n", 0o600)
	key := writeSecret(t, "sa.json", "{}", 0o640)
	c, err := Load("", oauthEnv("KLACHTD_OAUTH2_PROVIDER", "google", "KLACHTD_OAUTH2_GRANT", "refresh_token",
		"KLACHTD_OAUTH2_CLIENT_ID", "id", "KLACHTD_OAUTH2_CLIENT_SECRET_FILE", secret,
		"KLACHTD_OAUTH2_REFRESH_TOKEN_FILE", token, "KLACHTD_OAUTH2_SERVICE_ACCOUNT_FILE", key))
	if err != nil {
		t.Fatal(err)
	}
	secrets := []string{"Client-Geheim-2", "Refresh-Geheim-3"}
	out := c.Redacted()
	assertNoSecret(t, out, secrets)
	if !strings.Contains(out, "[oauth2]") || !strings.Contains(out, googleTokenURL) {
		t.Errorf("redacted config lost [oauth2]:\n%s", out)
	}
	assertNoSecret(t, c.Scrubber().String("token request: client_secret=Client-Geheim-2&refresh_token=Refresh-Geheim-3"), secrets)
	var keys []string
	for _, w := range c.Warnings() {
		keys = append(keys, w.Key)
		assertNoSecret(t, w.String(), secrets)
	}
	if strings.Join(keys, ",") != "oauth2.client_secret_file,oauth2.service_account_file" {
		t.Errorf("warnings for %v, want client_secret_file and service_account_file", keys)
	}
	path := writeSecret(t, "klachtd.toml", "[oauth2]\nclient_secret = \"Inline-Geheim-4\"\n", 0o644)
	c, err = LoadFor(NeedDatabase, path, env("KLACHTD_DATABASE_URL", "postgres://db/k"))
	if err != nil {
		t.Fatal(err)
	}
	if ws := c.Warnings(); len(ws) != 1 || ws[0].Key != "oauth2.client_secret" {
		t.Errorf("config file with a client secret: warnings %v", ws)
	}
}
