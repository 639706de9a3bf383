package main

import (
	"bytes"
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klachtd/klachtd/internal/store/storetest"
)

// runCmd runs a klachtd subcommand as main does and returns its exit code
// and everything it wrote.
func runCmd(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String() + stderr.String()
}

// setEnv sets a valid environment-only configuration besides the database.
func setEnv(t *testing.T, kv ...string) {
	t.Helper()
	base := []string{
		"KLACHTD_IMAP_ADDRESS", "imap.example.nl:993", "KLACHTD_IMAP_USERNAME", "klachten",
		"KLACHTD_IMAP_PASSWORD", "Imap-Geheim-1", "KLACHTD_SMTP_ADDRESS", "smtp.example.nl:587",
		"KLACHTD_SMTP_PASSWORD", "Smtp-Geheim-2", "KLACHTD_INTAKE_ADDRESS", "klachten@example.nl",
	}
	kv = append(base, kv...)
	for i := 0; i+1 < len(kv); i += 2 {
		t.Setenv(kv[i], kv[i+1])
	}
}

func assertNoSecret(t *testing.T, out string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("output shows secret %q:\n%s", s, out)
		}
	}
}

// pgParts splits a test database's DSN (postgres://user@/db?host=DIR&…)
// so that a password can be written into it in every form.
func pgParts(t *testing.T, dsn string) (user, host, db string) {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	return u.User.Username(), u.Query().Get("host"), strings.TrimPrefix(u.Path, "/")
}

// The test server trusts every connection, so a DSN with any password in it
// connects: migrate must succeed and still never show the password; a DSN
// that cannot be used, or a server that is not there, must fail without
// showing it.
func TestMigrateNeverShowsTheDatabasePassword(t *testing.T) {
	user, host, db := pgParts(t, storetest.EmptyDSN(t))
	hostQ := url.QueryEscape(host)
	tests := []struct {
		name    string
		dsn     string
		ok      bool
		secrets []string
	}{
		{"URL userinfo", "postgres://" + user + ":Geheim-A1@/" + db + "?host=" + hostQ + "&sslmode=disable", true, []string{"Geheim-A1"}},
		{"URL query password", "postgres://" + user + "@/" + db + "?host=" + hostQ + "&sslmode=disable&password=Geheim-B2", true, []string{"Geheim-B2"}},
		{"URL percent-encoded userinfo", "postgres://" + user + ":p%23ss-C3@/" + db + "?host=" + hostQ + "&sslmode=disable", true, []string{"p%23ss-C3", "p#ss-C3"}},
		{"key/value quoted", "host=" + host + " dbname=" + db + " user=" + user + " sslmode=disable password='twee woorden-D4'", true, []string{"twee", "woorden-D4"}},
		{"key/value escaped quote", "host=" + host + " dbname=" + db + " user=" + user + ` sslmode=disable password='it\'s-E5'`, true, []string{"it's-E5", `it\'s-E5`}},
		{"URL with unescaped #", "postgres://" + user + ":Xq9#Zr7@/" + db + "?host=" + hostQ, false, []string{"Xq9", "Zr7"}},
		{"key/value with unquoted space", "host=" + host + " dbname=" + db + " password=Eerst-F6 Dan-G7", false, []string{"Eerst-F6", "Dan-G7"}},
		{"server not there", "postgres://" + user + ":Geheim-H8@127.0.0.1:1/" + db + "?sslmode=disable&connect_timeout=5", false, []string{"Geheim-H8"}},
		{"key/value server not there", "host=127.0.0.1 port=1 user=" + user + " password='Geheim I9' sslpassword=Sleutel-J0 sslmode=disable", false, []string{"Geheim I9", "Sleutel-J0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setEnv(t, "KLACHTD_DATABASE_URL", tt.dsn)
			code, out := runCmd(t, "migrate")
			if (code == 0) != tt.ok {
				t.Errorf("exit %d, want success %v:\n%s", code, tt.ok, out)
			}
			assertNoSecret(t, out, tt.secrets...)
			code, out = runCmd(t, "config", "check")
			assertNoSecret(t, out, append(tt.secrets, "Imap-Geheim-1", "Smtp-Geheim-2")...)
			if code == 0 && !strings.Contains(out, "(redacted)") {
				t.Errorf("config check shows no redaction:\n%s", out)
			}
		})
	}
}

// The same forms in a config file, read by config check and by a
// database-only command.
func TestConfigFileNeverShowsTheDatabasePassword(t *testing.T) {
	setEnv(t)
	for _, dsn := range []string{
		`postgres://k:Geheim-K1@127.0.0.1:1/k?sslmode=disable&connect_timeout=5`,
		`postgres://k@127.0.0.1:1/k?sslmode=disable&password=Geheim-K1`,
		`host=127.0.0.1 port=1 sslmode=disable password='Geheim-K1 \' x'`,
		`postgres://k:Geheim-K1#@127.0.0.1:1/k`,
	} {
		path := filepath.Join(t.TempDir(), "klachtd.toml")
		os.WriteFile(path, []byte("[database]\nurl = '''"+dsn+"'''\n"), 0o600)
		for _, args := range [][]string{{"config", "check", "--config", path}, {"status", "--config", path}} {
			code, out := runCmd(t, args...)
			if args[0] == "status" && code != 1 {
				t.Errorf("%v: exit %d with no server, want 1", args, code)
			}
			assertNoSecret(t, out, "Geheim-K1")
		}
	}
}

// serve logs its start-up failure and its warnings through the scrubbing
// logger: the database password, the IMAP password read from a file and the
// file's content never appear; the warning names the key and the file.
func TestServeLogsNoSecrets(t *testing.T) {
	pw := filepath.Join(t.TempDir(), "imap-password")
	os.WriteFile(pw, []byte("Bestand-Geheim-L2\n"), 0o644)
	setEnv(t, "KLACHTD_DATABASE_URL", "postgres://k:Geheim-L1@127.0.0.1:1/k?sslmode=disable&connect_timeout=5",
		"KLACHTD_IMAP_PASSWORD", "", "KLACHTD_IMAP_PASSWORD_FILE", pw)
	code, out := runCmd(t, "serve", "--once")
	if code != 1 || !strings.Contains(out, "start_failed") {
		t.Errorf("exit %d, want 1 and start_failed:\n%s", code, out)
	}
	assertNoSecret(t, out, "Geheim-L1", "Bestand-Geheim-L2")
	if !strings.Contains(out, "secret_file_readable") || !strings.Contains(out, "imap.password_file") || !strings.Contains(out, pw) {
		t.Errorf("no warning naming imap.password_file and %s:\n%s", pw, out)
	}
}

func TestDatabaseCommandsWarnOnReadableSecretFile(t *testing.T) {
	setEnv(t)
	path := filepath.Join(t.TempDir(), "klachtd.toml")
	os.WriteFile(path, []byte("[database]\nurl = 'postgres://k:Geheim-M1@127.0.0.1:1/k?sslmode=disable'\n"), 0o640)
	_, out := runCmd(t, "cases", "list", "--config", path)
	if !strings.Contains(out, "warning") || !strings.Contains(out, "database.url") || !strings.Contains(out, path) {
		t.Errorf("no warning naming database.url and %s:\n%s", path, out)
	}
	assertNoSecret(t, out, "Geheim-M1")
}

// README: the environment wins over the file. A file without [database]
// and the URL only in the environment works for migrate and the other
// database-only commands.
func TestDatabaseCommandsTakeTheURLFromTheEnvironment(t *testing.T) {
	path := filepath.Join(t.TempDir(), "klachtd.toml")
	os.WriteFile(path, []byte("[intake]\naddress = \"klachten@example.nl\"\n"), 0o600)
	t.Setenv("KLACHTD_DATABASE_URL", storetest.EmptyDSN(t))
	if code, out := runCmd(t, "migrate", "--config", path); code != 0 || !strings.Contains(out, "up to date") {
		t.Fatalf("migrate --config: exit %d:\n%s", code, out)
	}
	if code, out := runCmd(t, "cases", "list", "--config", path); code != 0 {
		t.Errorf("cases list --config: exit %d:\n%s", code, out)
	}
	if code, out := runCmd(t, "register", "--config", path, "--year", "2026"); code != 0 || !strings.Contains(out, "Klachtenregister 2026") {
		t.Errorf("register --config: exit %d:\n%s", code, out)
	}
}

// The database password can come from a file, like the IMAP and SMTP ones;
// a file others can read gets a warning that names it, never its content.
func TestMigrateReadsTheDatabasePasswordFile(t *testing.T) {
	pw := filepath.Join(t.TempDir(), "db-password")
	os.WriteFile(pw, []byte("Bestand-Geheim-N1\n"), 0o644)
	user, host, db := pgParts(t, storetest.EmptyDSN(t))
	setEnv(t, "KLACHTD_DATABASE_URL", "host="+host+" dbname="+db+" user="+user+" sslmode=disable",
		"KLACHTD_DATABASE_PASSWORD_FILE", pw)
	code, out := runCmd(t, "migrate")
	if code != 0 || !strings.Contains(out, "database.password_file") || !strings.Contains(out, pw) {
		t.Errorf("exit %d, want 0 and a warning naming database.password_file:\n%s", code, out)
	}
	assertNoSecret(t, out, "Bestand-Geheim-N1")
	_, out = runCmd(t, "config", "check")
	assertNoSecret(t, out, "Bestand-Geheim-N1")
}
