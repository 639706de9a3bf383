package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

// minimal is a valid environment-only configuration.
var minimal = []string{
	"KLACHTD_DATABASE_URL", "postgres://klachtd:geheim@db.example/klachtd",
	"KLACHTD_IMAP_ADDRESS", "imap.example.nl:993", "KLACHTD_IMAP_USERNAME", "klachten",
	"KLACHTD_IMAP_PASSWORD", "imap-secret",
	"KLACHTD_SMTP_ADDRESS", "smtp.example.nl:587", "KLACHTD_SMTP_PASSWORD", "smtp-secret",
	"KLACHTD_INTAKE_ADDRESS", "klachten@example.nl",
}

func TestEnvironmentOnlyWithDefaults(t *testing.T) {
	c, err := Load("", env(append(minimal, "KLACHTD_IMAP_POLL_INTERVAL", "30s", "KLACHTD_POLICY_PRESET", "wkkgz",
		"KLACHTD_POLICY_DECISION_WEEKS", "5")...))
	if err != nil {
		t.Fatal(err)
	}
	if c.IMAP.TLS != "implicit" || c.SMTP.TLS != "starttls" || c.IMAP.Mailbox != "INBOX" || c.IMAP.ProcessedMailbox != "Processed" {
		t.Errorf("defaults: %+v %+v", c.IMAP, c.SMTP)
	}
	if c.IMAP.PollInterval.Duration != 30*time.Second || c.Policy.Preset != "wkkgz" || *c.Policy.DecisionWeeks != 5 {
		t.Errorf("overrides: poll %v preset %s", c.IMAP.PollInterval, c.Policy.Preset)
	}
	if c.SMTP.HeloName != "example.nl" {
		t.Errorf("helo = %q, want the intake domain", c.SMTP.HeloName)
	}
}

func TestErrorsNameTheKey(t *testing.T) {
	tests := []struct {
		name string
		env  []string
		want string
	}{
		{"plain IMAP to a remote host", []string{"KLACHTD_IMAP_TLS", "none"}, "imap.tls"},
		{"unknown TLS mode", []string{"KLACHTD_SMTP_TLS", "maybe"}, "smtp.tls"},
		{"address without port", []string{"KLACHTD_IMAP_ADDRESS", "imap.example.nl"}, "imap.address"},
		{"bad intake address", []string{"KLACHTD_INTAKE_ADDRESS", "Klachten <k@example.nl>"}, "intake.address"},
		{"bad duration", []string{"KLACHTD_IMAP_POLL_INTERVAL", "vaak"}, "imap.poll_interval"},
		{"bad number", []string{"KLACHTD_INTAKE_AUTO_REPLIES_PER_DAY", "veel"}, "intake.auto_replies_per_day"},
		{"unknown policy", []string{"KLACHTD_POLICY_PRESET", "streng"}, "policy.preset"},
		{"missing database", []string{"KLACHTD_DATABASE_URL", ""}, "database.url"},
		{"CA file that is not there", []string{"KLACHTD_SMTP_CA_FILE", "/nonexistent/ca.pem"}, "smtp.ca_file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kv := append(append([]string{}, minimal...), tt.env...)
			if tt.env[1] == "" { // unset: drop the key from minimal
				kv = nil
				for i := 0; i < len(minimal); i += 2 {
					if minimal[i] != tt.env[0] {
						kv = append(kv, minimal[i], minimal[i+1])
					}
				}
			}
			_, err := Load("", env(kv...))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one naming %s", err, tt.want)
			}
		})
	}
}

func TestPlainTextAllowedOnLoopback(t *testing.T) {
	_, err := Load("", env(append(minimal, "KLACHTD_IMAP_ADDRESS", "127.0.0.1:143", "KLACHTD_IMAP_TLS", "none",
		"KLACHTD_SMTP_ADDRESS", "localhost:25", "KLACHTD_SMTP_TLS", "none")...))
	if err != nil {
		t.Fatal(err)
	}
}

func TestFileEnvironmentAndSecretFiles(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "imap-password")
	os.WriteFile(secret, []byte("from-file\n"), 0o600)
	path := filepath.Join(dir, "klachtd.toml")
	os.WriteFile(path, []byte(`
[database]
url = "postgres://localhost/klachtd"
[imap]
address = "imap.example.nl:993"
username = "klachten"
password_file = "`+secret+`"
[smtp]
address = "smtp.example.nl:587"
[intake]
address = "klachten@example.nl"
name = "Uit het bestand"
[[handlers]]
name = "Bea"
address = "bea@example.nl"
default = true
`), 0o600)
	c, err := Load(path, env("KLACHTD_INTAKE_NAME", "Uit de omgeving"))
	if err != nil {
		t.Fatal(err)
	}
	if c.IMAP.Password != "from-file" || c.Intake.Name != "Uit de omgeving" || len(c.Handlers) != 1 {
		t.Errorf("password %q, name %q, handlers %d", c.IMAP.Password, c.Intake.Name, len(c.Handlers))
	}
	os.WriteFile(path, []byte("[imap]\nadress = \"typo\"\n"), 0o600)
	if _, err := Load(path, env()); err == nil || !strings.Contains(err.Error(), "imap.adress") {
		t.Errorf("unknown key: %v", err)
	}
}

func TestRedactedHidesSecrets(t *testing.T) {
	c, err := Load("", env(minimal...))
	if err != nil {
		t.Fatal(err)
	}
	out := c.Redacted()
	for _, secret := range []string{"imap-secret", "smtp-secret", "geheim"} {
		if strings.Contains(out, secret) {
			t.Errorf("redacted config shows %q:\n%s", secret, out)
		}
	}
	if !strings.Contains(out, "imap.example.nl:993") {
		t.Errorf("redacted config lost the rest:\n%s", out)
	}
}

// The example config that ships must load.
func TestExampleConfigIsValid(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(secret, []byte("x"), 0o600)
	c, err := Load("../../config/klachtd.example.toml", env("KLACHTD_IMAP_PASSWORD_FILE", secret, "KLACHTD_SMTP_PASSWORD_FILE", secret))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Handlers) == 0 || len(c.Managers) == 0 || len(c.Routing) == 0 || c.Policy.Preset != "awb" {
		t.Errorf("example config lost its people or policy: %+v", c)
	}
}
