// Package config loads klachtd's configuration: a TOML file, then environment
// overrides, then secrets from files, then defaults, then validation. Every
// subcommand loads it this one way (LoadFor); a Need only decides what must
// be present: database-only commands (migrate, cases, status, register)
// require database.url alone and do not read the IMAP or SMTP secret files.
//
// Every key can come from the environment as KLACHTD_<SECTION>_<KEY> (upper case,
// e.g. KLACHTD_IMAP_ADDRESS for [imap] address); every secret also comes from
// a file: imap, smtp and database password_file, oauth2 client_secret_file and
// refresh_token_file (KLACHTD_IMAP_PASSWORD_FILE, KLACHTD_OAUTH2_CLIENT_SECRET_FILE,
// …). Validation errors name the key as it is written in the file
// ("imap.tls"), so an operator knows what to fix.
//
// Secrets never leave this package unredacted: Redacted() is what gets
// printed, Load's errors are scrubbed, and a Scrubber (Config.Scrubber,
// Scrub, ScrubHandler for the logger) removes the secret values and any
// password in a connection string from every error a subcommand prints or
// klachtd logs. A file holding a secret that group or others can read is
// reported in Warnings (key and file name, never the content); it does not
// stop klachtd.
package config

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/klachtd/klachtd/internal/deadline"
)

// Config is the whole configuration of one klachtd instance.
type Config struct {
	Database Database `toml:"database"`
	IMAP     IMAP     `toml:"imap"`
	SMTP     SMTP     `toml:"smtp"`
	OAuth2   OAuth2   `toml:"oauth2"`
	Intake   Intake   `toml:"intake"`
	Limits   Limits   `toml:"limits"`
	Log      Log      `toml:"log"`
	HTTP     HTTP     `toml:"http"`
	// Policy is the complaint procedure's terms: a preset (awb, wkkgz,
	// generic) with any number overridden; see internal/deadline.Config.
	Policy deadline.Config `toml:"policy"`
	// Calendar is the organisation's working days (reminders, escalations,
	// acknowledgement terms); see internal/deadline.CalendarConfig.
	Calendar  deadline.CalendarConfig `toml:"calendar"`
	Templates Templates               `toml:"templates"`
	Schedule  Schedule                `toml:"schedule"`
	Retention Retention               `toml:"retention"`

	Handlers []Handler `toml:"handlers"`
	Managers []Manager `toml:"managers"`
	Routing  []Route   `toml:"routing"`
	// Registrars may register complaints on someone's behalf (channels.go).
	Registrars []Registrar `toml:"registrars"`
	// Form is the complaint form and the recognition of form mails (channels.go).
	Form Form `toml:"form"`

	warnings   []Warning // see Warnings
	pgPassword string    // PGPASSWORD, which lib/pq reads too: a secret to scrub
}

// Templates lets an operator override the mail templates.
type Templates struct {
	// Dir holds files like nl/ack.txt that replace the embedded ones.
	Dir string `toml:"dir"`
}

// Database is where everything is kept.
type Database struct {
	URL string `toml:"url"`
	// PasswordFile holds the database password, for a URL without one
	// (KLACHTD_DATABASE_PASSWORD_FILE; systemd credentials, a secrets mount).
	PasswordFile string `toml:"password_file"`
	password     string // read from PasswordFile, joined into URL
}

// IMAP is the intake mailbox.
type IMAP struct {
	Address           string   `toml:"address"`
	TLS               string   `toml:"tls"`     // implicit | starttls | none
	CAFile            string   `toml:"ca_file"` // PEM certificates to trust besides the system's (a private CA)
	Auth              string   `toml:"auth"`    // password | oauth2 (see [oauth2])
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
	Auth         string `toml:"auth"`    // password | oauth2 (see [oauth2])
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
	// Authentication-Results must show dmarc=pass for the From domain, or a
	// dkim or spf pass aligned with it, before a handler's commands and
	// answers are accepted. Empty: the From address of a configured handler
	// is enough.
	TrustedAuthServID string `toml:"trusted_authserv_id"`
	// Caps on acknowledgements, against use of klachtd as an amplifier:
	// per mailbox (lower case, without +tag) per 24 hours, per domain per
	// hour, and in all per hour. Over a cap the case opens for review
	// without an acknowledgement.
	AcksPerMailboxPerDay int `toml:"acks_per_mailbox_per_day"`
	AcksPerDomainPerHour int `toml:"acks_per_domain_per_hour"`
	AcksPerHour          int `toml:"acks_per_hour"`
	// NoticesPerHandlerPerDay caps the mails that answer a handler's mail
	// without acting on it (refused, bad commands, no case) per handler per
	// 24 hours.
	NoticesPerHandlerPerDay int `toml:"notices_per_handler_per_day"`
	// The contact person the acknowledgement names (issue 13), shown as
	// written: the complaints coordinator or klachtenfunctionaris, how to
	// reach them, and independent support where there is one (the Wkkgz
	// klachtenfunctionaris is free of charge; AKJ for youth care).
	ContactName  string `toml:"contact_name"`
	ContactRole  string `toml:"contact_role"`
	ContactPhone string `toml:"contact_phone"`
	Support      string `toml:"support"`
}

// Limits bound what one mail may cost.
type Limits struct {
	MaxMessageBytes int64 `toml:"max_message_bytes"`
	MaxMIMEDepth    int   `toml:"max_mime_depth"`
	MaxParts        int   `toml:"max_parts"`
	// MaxParseDuration is the time one mail may take in the parser; past it
	// the mail is read as far as it got and opened as a case for review.
	MaxParseDuration Duration `toml:"max_parse_duration"`
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
	def(&c.IMAP.Auth, AuthPassword)
	def(&c.SMTP.Auth, AuthPassword)
	if c.UsesOAuth2() {
		c.OAuth2.setDefaults(c.IMAP.Username)
	}
	def(&c.Intake.Language, "nl")
	def(&c.Log.Format, "text")
	def(&c.Log.Level, "info")
	def(&c.Policy.Preset, "generic")
	c.Schedule.setDefaults()
	c.Retention.setDefaults()
	c.HTTP.setDefaults()
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
	c.Intake.setCapDefaults()
	c.Form.setDefaults()
	if c.Limits.MaxMessageBytes == 0 {
		c.Limits.MaxMessageBytes = 25 << 20
	}
	if c.Limits.MaxMIMEDepth == 0 {
		c.Limits.MaxMIMEDepth = 50
	}
	if c.Limits.MaxParts == 0 {
		c.Limits.MaxParts = 500
	}
	if c.Limits.MaxParseDuration.Duration == 0 {
		c.Limits.MaxParseDuration.Duration = 3 * time.Second
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
	if err := c.validateDatabase(); err != nil {
		errs = append(errs, err)
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
	c.validateAuth(bad)
	c.validatePeople(bad)
	c.validateChannels(bad)
	c.Schedule.validate(bad)
	c.Retention.validate(bad)
	c.HTTP.validate(bad)
	if !plainAddress(c.Intake.Address) {
		bad("intake.address", "not a plain e-mail address: %q", c.Intake.Address)
	}
	if c.Intake.Language != "nl" && c.Intake.Language != "en" {
		bad("intake.language", "must be nl or en, not %q", c.Intake.Language)
	}
	if c.IMAP.PollInterval.Duration < time.Second {
		bad("imap.poll_interval", "must be at least 1s, not %s", c.IMAP.PollInterval)
	}
	if d := c.Limits.MaxParseDuration.Duration; d < 100*time.Millisecond || d > time.Minute {
		bad("limits.max_parse_duration", "must be between 100ms and 1m, not %s", c.Limits.MaxParseDuration)
	}
	if c.Intake.AutoRepliesPerDay < 1 {
		bad("intake.auto_replies_per_day", "must be at least 1")
	}
	c.Intake.validateCaps(bad)
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
