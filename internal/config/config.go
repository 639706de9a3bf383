// Package config loads klachtd's configuration: a TOML file, then environment
// overrides, then secrets from files, then defaults, then validation.
//
// Every key can come from the environment as KLACHTD_<SECTION>_<KEY> (upper case,
// e.g. KLACHTD_IMAP_ADDRESS for [imap] address); a key named password also reads
// KLACHTD_<SECTION>_PASSWORD_FILE. Validation errors name the key as it is
// written in the file ("imap.tls"), so an operator knows what to fix.
// Secrets never leave this package unredacted: Redacted() is what gets printed.
package config

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/klachtd/klachtd/internal/deadline"
)

// Config is the whole configuration of one klachtd instance.
type Config struct {
	Database Database `toml:"database"`
	IMAP     IMAP     `toml:"imap"`
	SMTP     SMTP     `toml:"smtp"`
	Intake   Intake   `toml:"intake"`
	Limits   Limits   `toml:"limits"`
	Log      Log      `toml:"log"`
	// Policy is the complaint procedure's terms: a preset (awb, wkkgz,
	// generic) with any number overridden; see internal/deadline.Config.
	Policy deadline.Config `toml:"policy"`
	// Calendar is the organisation's working days (reminders, escalations,
	// acknowledgement terms); see internal/deadline.CalendarConfig.
	Calendar  deadline.CalendarConfig `toml:"calendar"`
	Templates Templates               `toml:"templates"`
	Schedule  Schedule                `toml:"schedule"`

	Handlers []Handler `toml:"handlers"`
	Managers []Manager `toml:"managers"`
	Routing  []Route   `toml:"routing"`
}

// Templates lets an operator override the mail templates.
type Templates struct {
	// Dir holds files like nl/ack.txt that replace the embedded ones.
	Dir string `toml:"dir"`
}

// Database is where everything is kept.
type Database struct {
	URL string `toml:"url"`
}

// IMAP is the intake mailbox.
type IMAP struct {
	Address           string   `toml:"address"`
	TLS               string   `toml:"tls"`     // implicit | starttls | none
	CAFile            string   `toml:"ca_file"` // PEM certificates to trust besides the system's (a private CA)
	Username          string   `toml:"username"`
	Password          string   `toml:"password"`
	PasswordFile      string   `toml:"password_file"`
	Mailbox           string   `toml:"mailbox"`
	ProcessedMailbox  string   `toml:"processed_mailbox"`
	QuarantineMailbox string   `toml:"quarantine_mailbox"`
	PollInterval      Duration `toml:"poll_interval"`
	CommandTimeout    Duration `toml:"command_timeout"`
}

// SMTP is the outgoing relay.
type SMTP struct {
	Address      string `toml:"address"`
	TLS          string `toml:"tls"`     // implicit | starttls | none
	CAFile       string `toml:"ca_file"` // PEM certificates to trust besides the system's (a private CA)
	Username     string `toml:"username"`
	Password     string `toml:"password"`
	PasswordFile string `toml:"password_file"`
	// HeloName is sent in EHLO; default the intake address's domain.
	HeloName string `toml:"helo_name"`
	// Timeout bounds one delivery attempt (connect to the server's answer);
	// default 2m. A delivery cut off by a crash is retried a few minutes
	// after it (see outbox.Worker.RescueAfter).
	Timeout Duration `toml:"timeout"`
}

// Intake is the organisation's complaint address and how it speaks.
type Intake struct {
	Address  string `toml:"address"`
	Name     string `toml:"name"`
	Language string `toml:"language"` // nl | en
	// AutoRepliesPerDay caps automatic mails to one sender per 24 hours (loop guard).
	AutoRepliesPerDay int `toml:"auto_replies_per_day"`
	// TrustedAuthServID names the receiving mail host whose
	// Authentication-Results must show dkim=pass or spf=pass before a
	// handler's commands and answers are accepted. Empty: the From address
	// of a configured handler is enough.
	TrustedAuthServID string `toml:"trusted_authserv_id"`
}

// Limits bound what one mail may cost.
type Limits struct {
	MaxMessageBytes int64 `toml:"max_message_bytes"`
	MaxMIMEDepth    int   `toml:"max_mime_depth"`
	MaxParts        int   `toml:"max_parts"`
}

// Log sets up log/slog.
type Log struct {
	Format string `toml:"format"` // text | json
	Level  string `toml:"level"`  // debug | info | warn | error
}

// Duration is a time.Duration written as "60s" or "5m" in TOML and the environment.
type Duration struct{ time.Duration }

// UnmarshalText parses a Go duration string.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("not a duration like 30s or 5m: %q", b)
	}
	d.Duration = v
	return nil
}

// MarshalText writes the duration back in Go syntax.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// Load reads path (may be empty: environment and defaults only), applies the
// environment from getenv, fills defaults and validates.
func Load(path string, getenv func(string) string) (*Config, error) {
	c := &Config{}
	if path != "" {
		md, err := toml.DecodeFile(path, c)
		if err != nil {
			return nil, fmt.Errorf("config: %s: %w", path, err)
		}
		if un := md.Undecoded(); len(un) > 0 {
			return nil, fmt.Errorf("config: %s: unknown key %q", path, un[0].String())
		}
	}
	if err := applyEnv(c, getenv); err != nil {
		return nil, err
	}
	if err := c.readSecrets(); err != nil {
		return nil, err
	}
	c.setDefaults()
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Config) readSecrets() error {
	for _, s := range []struct {
		key       string
		file, dst *string
	}{
		{"imap.password_file", &c.IMAP.PasswordFile, &c.IMAP.Password},
		{"smtp.password_file", &c.SMTP.PasswordFile, &c.SMTP.Password},
	} {
		if *s.file == "" {
			continue
		}
		b, err := os.ReadFile(*s.file)
		if err != nil {
			return fmt.Errorf("config: %s: %w", s.key, err)
		}
		*s.dst = strings.TrimRight(string(b), "\r\n")
	}
	return nil
}

func (c *Config) setDefaults() {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&c.IMAP.TLS, "implicit")
	def(&c.IMAP.Mailbox, "INBOX")
	def(&c.IMAP.ProcessedMailbox, "Processed")
	def(&c.IMAP.QuarantineMailbox, "Quarantine")
	def(&c.SMTP.TLS, "starttls")
	def(&c.Intake.Language, "nl")
	def(&c.Log.Format, "text")
	def(&c.Log.Level, "info")
	def(&c.Policy.Preset, "generic")
	c.Schedule.setDefaults()
	if c.IMAP.PollInterval.Duration == 0 {
		c.IMAP.PollInterval.Duration = time.Minute
	}
	if c.IMAP.CommandTimeout.Duration == 0 {
		c.IMAP.CommandTimeout.Duration = time.Minute
	}
	if c.SMTP.Timeout.Duration == 0 {
		c.SMTP.Timeout.Duration = 2 * time.Minute
	}
	if c.Intake.AutoRepliesPerDay == 0 {
		c.Intake.AutoRepliesPerDay = 5
	}
	if c.Limits.MaxMessageBytes == 0 {
		c.Limits.MaxMessageBytes = 25 << 20
	}
	if c.Limits.MaxMIMEDepth == 0 {
		c.Limits.MaxMIMEDepth = 20
	}
	if c.Limits.MaxParts == 0 {
		c.Limits.MaxParts = 500
	}
	if c.SMTP.HeloName == "" {
		if _, domain, ok := strings.Cut(c.Intake.Address, "@"); ok {
			c.SMTP.HeloName = domain
		}
	}
}

// Validate checks every value and names the key of the first bad one.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("config: %s: %s", key, fmt.Sprintf(format, args...)))
	}
	if c.Database.URL == "" {
		bad("database.url", "missing (or set KLACHTD_DATABASE_URL)")
	}
	checkHostPort := func(key, v string) {
		if v == "" {
			bad(key, "missing host:port")
		} else if _, _, err := net.SplitHostPort(v); err != nil {
			bad(key, "not host:port: %q", v)
		}
	}
	checkHostPort("imap.address", c.IMAP.Address)
	checkHostPort("smtp.address", c.SMTP.Address)
	checkTLS := func(key, mode, addr string) {
		switch mode {
		case "implicit", "starttls":
		case "none":
			if addr != "" && !IsLoopback(addr) {
				bad(key, `"none" (plain text) is allowed only for a loopback host, not %q`, addr)
			}
		default:
			bad(key, "must be implicit, starttls or none, not %q", mode)
		}
	}
	checkTLS("imap.tls", c.IMAP.TLS, c.IMAP.Address)
	checkTLS("smtp.tls", c.SMTP.TLS, c.SMTP.Address)
	if c.IMAP.Username == "" {
		bad("imap.username", "missing")
	}
	c.validatePeople(bad)
	c.Schedule.validate(bad)
	if !plainAddress(c.Intake.Address) {
		bad("intake.address", "not a plain e-mail address: %q", c.Intake.Address)
	}
	if c.Intake.Language != "nl" && c.Intake.Language != "en" {
		bad("intake.language", "must be nl or en, not %q", c.Intake.Language)
	}
	if c.IMAP.PollInterval.Duration < time.Second {
		bad("imap.poll_interval", "must be at least 1s, not %s", c.IMAP.PollInterval)
	}
	if c.Intake.AutoRepliesPerDay < 1 {
		bad("intake.auto_replies_per_day", "must be at least 1")
	}
	if c.Log.Format != "text" && c.Log.Format != "json" {
		bad("log.format", "must be text or json, not %q", c.Log.Format)
	}
	for key, file := range map[string]string{"imap.ca_file": c.IMAP.CAFile, "smtp.ca_file": c.SMTP.CAFile} {
		if _, err := TLSConfig(key, file); err != nil {
			errs = append(errs, err)
		}
	}
	if _, err := deadline.FromConfig(c.Policy); err != nil {
		errs = append(errs, fmt.Errorf("config: %w", err))
	}
	if _, err := deadline.NewCalendar(c.Calendar); err != nil {
		errs = append(errs, fmt.Errorf("config: %w", err))
	}
	return errors.Join(errs...)
}

// IsLoopback reports whether host:port names this machine (localhost, 127.0.0.0/8, ::1).
func IsLoopback(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
