package config

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// Registrar is front-desk staff ([[registrars]]): may register a complaint
// on someone's behalf (#namens, #kanaal, #ontvangen, #gewenst) but not
// decide on one; their other commands are refused.
type Registrar struct {
	Name    string `toml:"name"`
	Address string `toml:"address"`
}

// Form is the complaint form served at /klacht and /complaint ([form]),
// and the recognition of form mails that existing websites send.
type Form struct {
	// Enabled serves the form (needs [http] listen).
	Enabled bool `toml:"enabled"`
	// Definition is the organisation's definition of a complaint, shown
	// above the form; RegulationURL links to its complaints regulation.
	Definition    string `toml:"definition"`
	RegulationURL string `toml:"regulation_url"`
	// PrivacyText is the consent the complainant ticks; PrivacyURL links to
	// the privacy statement.
	PrivacyText string `toml:"privacy_text"`
	PrivacyURL  string `toml:"privacy_url"`
	// MaxAttachments and MaxAttachmentBytes limit the files (default 5 and
	// 10 MiB each); MaxBodyBytes limits the whole request (default the sum
	// plus 1 MiB). AttachmentTypes are the accepted MIME types, checked on
	// the content, not the name (default PDF, JPEG, PNG, plain text).
	MaxAttachments     int      `toml:"max_attachments"`
	MaxAttachmentBytes int64    `toml:"max_attachment_bytes"`
	MaxBodyBytes       int64    `toml:"max_body_bytes"`
	AttachmentTypes    []string `toml:"attachment_types"`
	// SubmissionsPerHour caps submissions per client address (default 5).
	SubmissionsPerHour int `toml:"submissions_per_hour"`
	// Labels are extra labels for form mails from websites, per field
	// (name, email, phone, description, desired_outcome, incident_date,
	// department), added to the Dutch and English defaults.
	Labels map[string][]string `toml:"labels"`
}

// SetFormDefaults fills the [form] defaults, for a config built in code.
func (c *Config) SetFormDefaults() { c.Form.setDefaults() }

func (f *Form) setDefaults() {
	if f.MaxAttachments == 0 {
		f.MaxAttachments = 5
	}
	if f.MaxAttachmentBytes == 0 {
		f.MaxAttachmentBytes = 10 << 20
	}
	if f.MaxBodyBytes == 0 {
		f.MaxBodyBytes = int64(f.MaxAttachments)*f.MaxAttachmentBytes + 1<<20
	}
	if len(f.AttachmentTypes) == 0 {
		f.AttachmentTypes = []string{"application/pdf", "image/jpeg", "image/png", "text/plain"}
	}
	if f.SubmissionsPerHour == 0 {
		f.SubmissionsPerHour = 5
	}
}

// formFields are the field names [form] labels may name.
var formFields = []string{"name", "email", "phone", "description", "desired_outcome", "incident_date", "department"}

func (c *Config) validateChannels(bad func(key, format string, args ...any)) {
	seen := map[string]bool{}
	for _, h := range c.Handlers {
		seen[strings.ToLower(h.Address)] = true
	}
	for i, r := range c.Registrars {
		key := fmt.Sprintf("registrars[%d].address", i)
		if !plainAddress(r.Address) {
			bad(key, "not a plain e-mail address: %q", r.Address)
		}
		if seen[strings.ToLower(r.Address)] {
			bad(key, "%s is listed twice (a handler may register already)", r.Address)
		}
		seen[strings.ToLower(r.Address)] = true
	}
	for _, k := range []struct{ key, v string }{{"form.regulation_url", c.Form.RegulationURL}, {"form.privacy_url", c.Form.PrivacyURL}} {
		if u, err := url.Parse(k.v); k.v != "" && (err != nil || (u.Scheme != "https" && u.Scheme != "http")) {
			bad(k.key, "not an http(s) URL: %q", k.v)
		}
	}
	for name := range c.Form.Labels {
		if !slices.Contains(formFields, name) {
			bad("form.labels."+name, "unknown field; known are %s", strings.Join(formFields, ", "))
		}
	}
	if c.Form.Enabled && c.HTTP.Listen == "" {
		bad("form.enabled", "the form needs [http] listen")
	}
	if c.Form.MaxAttachments < 0 || c.Form.MaxAttachmentBytes < 0 || c.Form.MaxBodyBytes < 0 || c.Form.SubmissionsPerHour < 0 {
		bad("form", "limits must not be negative")
	}
}
