package config

import (
	"fmt"
	"os"
	"strings"

	"github.com/BurntSushi/toml"
)

// Need says which part of the configuration a subcommand uses. Every
// subcommand reads the configuration the same way — file, then environment
// (which wins), then secret files, then defaults — and Need only decides
// what must be present and valid, and which secret files are read: a
// database-only command does not fail on an IMAP password file it cannot
// read.
type Need int

const (
	// NeedAll is serve and config check: everything is validated.
	NeedAll Need = iota
	// NeedDatabase is migrate, cases, status, register: database.url only.
	NeedDatabase
)

// Load reads path (may be empty: environment and defaults only), applies the
// environment from getenv, reads secret files, fills defaults and validates
// everything.
func Load(path string, getenv func(string) string) (*Config, error) {
	return LoadFor(NeedAll, path, getenv)
}

// LoadFor is Load for a subcommand that needs only part of the
// configuration. Errors never carry a secret: they are scrubbed of every
// secret read so far.
func LoadFor(need Need, path string, getenv func(string) string) (*Config, error) {
	c := &Config{}
	err := c.load(need, path, getenv)
	if err != nil {
		return nil, c.Scrubber().Error(err)
	}
	return c, nil
}

func (c *Config) load(need Need, path string, getenv func(string) string) error {
	if path != "" {
		if err := c.decodeFile(path); err != nil {
			return err
		}
	}
	if err := applyEnv(c, getenv); err != nil {
		return err
	}
	c.pgPassword = getenv("PGPASSWORD")
	if err := c.readSecrets(need); err != nil {
		return err
	}
	c.setDefaults()
	c.checkPolicy()
	if need == NeedDatabase {
		return c.validateDatabase()
	}
	return c.Validate()
}

// decodeFile reads the TOML file; unknown keys are an error (a typo must not
// silently fall back to a default). A file that holds a secret and can be
// read by group or others gets a warning.
func (c *Config) decodeFile(path string) error {
	md, err := toml.DecodeFile(path, c)
	if err != nil {
		return fmt.Errorf("config: %s: %w", path, err)
	}
	if un := md.Undecoded(); len(un) > 0 {
		return fmt.Errorf("config: %s: unknown key %q", path, un[0].String())
	}
	if keys := c.secretKeys(); len(keys) > 0 {
		c.checkMode(strings.Join(keys, ", "), path)
	}
	return nil
}

// secretKeys names the keys that hold a secret value right now.
func (c *Config) secretKeys() []string {
	var keys []string
	if len(dsnSpans(c.Database.URL)) > 0 {
		keys = append(keys, "database.url")
	}
	if c.IMAP.Password != "" {
		keys = append(keys, "imap.password")
	}
	if c.SMTP.Password != "" {
		keys = append(keys, "smtp.password")
	}
	if c.OAuth2.ClientSecret != "" {
		keys = append(keys, "oauth2.client_secret")
	}
	if c.OAuth2.RefreshToken != "" {
		keys = append(keys, "oauth2.refresh_token")
	}
	return keys
}

// secretFile is a key whose value is the name of a file holding a secret.
type secretFile struct {
	key       string
	database  bool // read by database-only commands too
	file, dst *string
}

func (c *Config) secretFiles() []secretFile {
	return []secretFile{
		{"database.password_file", true, &c.Database.PasswordFile, &c.Database.password},
		{"imap.password_file", false, &c.IMAP.PasswordFile, &c.IMAP.Password},
		{"smtp.password_file", false, &c.SMTP.PasswordFile, &c.SMTP.Password},
		{"oauth2.client_secret_file", false, &c.OAuth2.ClientSecretFile, &c.OAuth2.ClientSecret},
		{"oauth2.refresh_token_file", false, &c.OAuth2.RefreshTokenFile, &c.OAuth2.RefreshToken},
	}
}

// readSecrets reads the secret files the subcommand needs. A trailing
// newline is dropped; the rest of the file is the secret.
func (c *Config) readSecrets(need Need) error {
	for _, s := range c.secretFiles() {
		if *s.file == "" || (need == NeedDatabase && !s.database) {
			continue
		}
		b, err := os.ReadFile(*s.file)
		if err != nil {
			return fmt.Errorf("config: %s: %w", s.key, err)
		}
		*s.dst = strings.TrimRight(string(b), "\r\n")
		c.checkMode(s.key, *s.file)
	}
	if need == NeedAll && c.OAuth2.ServiceAccountFile != "" {
		c.checkMode("oauth2.service_account_file", c.OAuth2.ServiceAccountFile)
	}
	return c.joinDatabasePassword()
}
