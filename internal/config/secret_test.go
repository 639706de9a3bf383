package config

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// dsnForms is every way a database password is written, with the pieces
// of the secret that must never be shown and a part that must stay visible.
var dsnForms = []struct {
	name    string
	dsn     string
	secrets []string
	keep    string
}{
	{"URL userinfo", "postgres://klachtd:Geheim-A1@db.example/klachtd", []string{"Geheim-A1"}, "db.example"},
	{"URL query password", "postgres://klachtd@db.example/klachtd?sslmode=require&password=Geheim-B2", []string{"Geheim-B2"}, "sslmode=require"},
	{"URL query sslpassword", "postgres://klachtd@db.example/k?sslkey=/etc/k.pem&sslpassword=Sleutel-C3", []string{"Sleutel-C3"}, "/etc/k.pem"},
	{"URL userinfo with unescaped #", "postgres://klachtd:Xq9#Zr7@db.example/klachtd", []string{"Xq9", "Zr7"}, "db.example"},
	{"URL userinfo with unescaped / and @", "postgres://klachtd:Vw/8@Yt5@db.example/klachtd", []string{"Vw/8", "Yt5"}, "db.example"},
	{"URL userinfo numeric before #", "postgres://klachtd:4711#Kz@db.example/klachtd", []string{"4711", "Kz@"}, "db.example"},
	{"URL userinfo percent-encoded", "postgres://klachtd:p%40ss-D4@db.example/klachtd", []string{"p%40ss-D4", "p@ss-D4"}, "db.example"},
	{"key/value unquoted", "host=db.example user=klachtd password=Geheim-E5 dbname=klachtd", []string{"Geheim-E5"}, "db.example"},
	{"key/value quoted with space", "host=db.example password='twee woorden-F6' dbname=klachtd", []string{"twee", "woorden-F6"}, "db.example"},
	{"key/value escaped quote", `host=db.example password='it\'s-G7' sslpassword=Sleutel-H8`, []string{`it\'s-G7`, "it's-G7", "Sleutel-H8"}, "db.example"},
	{"key/value spaces around =", "host=db.example password = Geheim-I9", []string{"Geheim-I9"}, "db.example"},
}

func TestRedactDSNHidesEveryForm(t *testing.T) {
	for _, f := range dsnForms {
		t.Run(f.name, func(t *testing.T) {
			got := RedactDSN(f.dsn)
			assertNoSecret(t, got, f.secrets)
			if !strings.Contains(got, f.keep) || !strings.Contains(got, redacted) {
				t.Errorf("RedactDSN(%q) = %q: want %q kept and %q shown", f.dsn, got, f.keep, redacted)
			}
		})
	}
}

// An error that quotes a connection string is scrubbed whether or not the
// secret is known: by the literal value, and by the shape of the DSN.
func TestScrubErrorsThatEchoTheDSN(t *testing.T) {
	for _, f := range dsnForms {
		t.Run(f.name, func(t *testing.T) {
			orig := fmt.Errorf("store: open: %w", fmt.Errorf("parse %q: invalid port", f.dsn))
			for _, known := range [][]string{dsnSecrets(f.dsn), nil} {
				err := Scrub(orig, known...)
				assertNoSecret(t, err.Error(), f.secrets)
				if !errors.Is(err, errors.Unwrap(orig)) {
					t.Errorf("scrubbed error lost its chain")
				}
			}
		})
	}
	if Scrub(nil, "x") != nil {
		t.Error("Scrub(nil) is not nil")
	}
}

func TestScrubLiteralSecretsInTheirEscapedForms(t *testing.T) {
	secret := `pa ss/w"ord'#1`
	sc := NewScrubber(secret)
	for _, shown := range []string{
		"auth failed for " + secret,
		fmt.Sprintf("parse %q", "imap://u:"+secret+"@h"),
		"x?token=" + url.QueryEscape(secret),
		"u:" + url.PathEscape(secret) + "@",
	} {
		if got := sc.String(shown); strings.Contains(got, "ord") {
			t.Errorf("String(%q) = %q", shown, got)
		}
	}
}

func TestScrubHandlerKeepsSecretsOutOfLogs(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(ScrubHandler(slog.NewJSONHandler(&buf, nil), NewScrubber("imap-Geheim")))
	err := fmt.Errorf("mailbox: login: %w", errors.New("NO bad password imap-Geheim"))
	log.With(slog.String("dsn", "postgres://u:Db-Geheim@h/db")).
		WithGroup("g").Error("start_failed", slog.Any("error", err), slog.Group("x", slog.String("s", "imap-Geheim")))
	assertNoSecret(t, buf.String(), []string{"imap-Geheim", "Db-Geheim"})
	if !strings.Contains(buf.String(), "start_failed") || !strings.Contains(buf.String(), "mailbox: login") {
		t.Errorf("log lost its content: %s", buf.String())
	}
}

func TestConfigRedactedAndLoadErrorsHideTheDatabasePassword(t *testing.T) {
	for _, f := range dsnForms {
		t.Run(f.name, func(t *testing.T) {
			c, err := Load("", env(append(minimal, "KLACHTD_DATABASE_URL", f.dsn)...))
			if err != nil { // an unusable URL: the error says so without echoing it
				assertNoSecret(t, err.Error(), f.secrets)
				if !strings.Contains(err.Error(), "database.url") {
					t.Errorf("error does not name the key: %v", err)
				}
				return
			}
			assertNoSecret(t, c.Redacted(), f.secrets)
			for _, s := range f.secrets {
				if !strings.Contains(strings.Join(c.Secrets(), "\n"), strings.Trim(s, "@")) {
					t.Errorf("Secrets() lacks %q", s)
				}
			}
		})
	}
}

func TestSecretFileReadableByOthersWarns(t *testing.T) {
	dir := t.TempDir()
	open := filepath.Join(dir, "imap-password")
	closed := filepath.Join(dir, "smtp-password")
	os.WriteFile(open, []byte("Inhoud-Geheim\n"), 0o640)
	os.WriteFile(closed, []byte("ander-geheim\n"), 0o600)
	c, err := Load("", env(append(minimal, "KLACHTD_IMAP_PASSWORD_FILE", open, "KLACHTD_SMTP_PASSWORD_FILE", closed)...))
	if err != nil {
		t.Fatal(err)
	}
	ws := c.Warnings()
	if len(ws) != 1 || ws[0].Key != "imap.password_file" || ws[0].File != open {
		t.Fatalf("warnings = %v, want one for imap.password_file", ws)
	}
	if s := ws[0].String(); !strings.Contains(s, open) || !strings.Contains(s, "0640") || strings.Contains(s, "Inhoud-Geheim") {
		t.Errorf("warning %q", s)
	}
}

func TestConfigFileWithSecretReadableByOthersWarns(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "klachtd.toml")
	os.WriteFile(path, []byte("[database]\nurl = \"postgres://k:Bestand-Geheim@db/k\"\n"), 0o644)
	c, err := LoadFor(NeedDatabase, path, env())
	if err != nil {
		t.Fatal(err)
	}
	if ws := c.Warnings(); len(ws) != 1 || ws[0].Key != "database.url" || ws[0].File != path {
		t.Fatalf("warnings = %v", ws)
	}
	os.Chmod(path, 0o600)
	if c, _ := LoadFor(NeedDatabase, path, env()); len(c.Warnings()) != 0 {
		t.Errorf("warning for a private file: %v", c.Warnings())
	}
	os.WriteFile(path, []byte("[database]\nurl = \"postgres://k@db/k\"\n"), 0o644)
	if c, _ := LoadFor(NeedDatabase, path, env()); len(c.Warnings()) != 0 {
		t.Errorf("warning for a file without a secret: %v", c.Warnings())
	}
}

// Database-only commands read the same file and environment, the
// environment winning, and ask for nothing but the database.
func TestLoadForDatabaseOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "klachtd.toml")
	os.WriteFile(path, []byte("[imap]\npassword_file = \"/nonexistent\"\n"), 0o600)
	c, err := LoadFor(NeedDatabase, path, env("KLACHTD_DATABASE_URL", "postgres://db.example/k"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Database.URL != "postgres://db.example/k" {
		t.Errorf("url = %q, want the one from the environment", c.Database.URL)
	}
	if _, err := LoadFor(NeedDatabase, path, env()); err == nil || !strings.Contains(err.Error(), "database.url") {
		t.Errorf("no database: %v", err)
	}
	os.WriteFile(path, []byte("[database]\nurl = \"postgres://file.example/k\"\n"), 0o600)
	c, err = LoadFor(NeedDatabase, path, env("KLACHTD_DATABASE_URL", "postgres://env.example/k"))
	if err != nil || c.Database.URL != "postgres://env.example/k" {
		t.Errorf("url = %v %v, want the environment's over the file's", c, err)
	}
}

func assertNoSecret(t *testing.T, out string, secrets []string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("output shows secret %q:\n%s", s, out)
		}
	}
}

func TestDatabasePasswordFromFile(t *testing.T) {
	pw := filepath.Join(t.TempDir(), "db-password")
	os.WriteFile(pw, []byte("it's p@ss#1\n"), 0o600)
	for _, tc := range []struct{ url, want string }{
		{"postgres://klachtd@db.example/k?sslmode=require", "postgres://klachtd:it%27s%20p%40ss%231@db.example/k?sslmode=require"},
		{"host=db.example user=klachtd", `host=db.example user=klachtd password='it\'s p@ss#1'`},
	} {
		c, err := LoadFor(NeedDatabase, "", env("KLACHTD_DATABASE_URL", tc.url, "KLACHTD_DATABASE_PASSWORD_FILE", pw))
		if err != nil {
			t.Fatal(err)
		}
		if c.Database.URL != tc.want {
			t.Errorf("url = %q, want %q", c.Database.URL, tc.want)
		}
		c.IMAP.Address = "x" // Redacted works on a partly loaded config too
		assertNoSecret(t, c.Redacted(), []string{"p@ss", "p%40ss"})
		assertNoSecret(t, c.Scrubber().String("failed: "+c.Database.URL), []string{"p@ss", "p%40ss"})
	}
	_, err := LoadFor(NeedDatabase, "", env("KLACHTD_DATABASE_URL", "postgres://k:other@db/k", "KLACHTD_DATABASE_PASSWORD_FILE", pw))
	if err == nil || !strings.Contains(err.Error(), "database.password_file") || strings.Contains(err.Error(), "other") {
		t.Errorf("two passwords: %v", err)
	}
}
