package config

import (
	"net/url"
	"os"
	"strings"
)

// Ways to log in to IMAP and SMTP ([imap] auth, [smtp] auth).
const (
	AuthPassword = "password" // LOGIN / AUTH PLAIN with password or password_file (default)
	AuthOAuth2   = "oauth2"   // SASL XOAUTH2 with a token from [oauth2]
)

// OAuth2 providers and grants ([oauth2] provider, grant).
const (
	ProviderMicrosoft = "microsoft"
	ProviderGoogle    = "google"
	ProviderCustom    = "custom"

	GrantClientCredentials = "client_credentials" // app-only: Microsoft 365, a custom server
	GrantRefreshToken      = "refresh_token"      // delegated: a refresh token a person consented to once
	GrantServiceAccount    = "service_account"    // Google: a service account's JWT, impersonating the mailbox
)

// OAuth2 is how klachtd gets access tokens for IMAP and SMTP when either
// says auth = "oauth2". The provider fills in what is standard for it:
//
//   - microsoft: token_url from tenant, grant client_credentials (app-only,
//     IMAP.AccessAsApp / SMTP.SendAsApp) with scope
//     https://outlook.office365.com/.default; or grant refresh_token with the
//     delegated scopes.
//   - google: token_url https://oauth2.googleapis.com/token, scope
//     https://mail.google.com/; grant service_account when
//     service_account_file is set (the mailbox to impersonate defaults to
//     imap.username), else refresh_token. Google has no client_credentials.
//   - custom: token_url is required; grant client_credentials by default.
//
// Secrets (client_secret, refresh_token) also come from …_file keys or
// KLACHTD_OAUTH2_CLIENT_SECRET_FILE / KLACHTD_OAUTH2_REFRESH_TOKEN_FILE. The
// service account key file is read by the token source, not here; its mode
// is checked like any secret file. A token URL is https, or http only for a
// host on this machine (tests), as for tls = "none".
type OAuth2 struct {
	Provider         string `toml:"provider"` // microsoft | google | custom
	Tenant           string `toml:"tenant"`   // Microsoft: directory (tenant) ID or domain
	TokenURL         string `toml:"token_url"`
	ClientID         string `toml:"client_id"`
	ClientSecret     string `toml:"client_secret"`
	ClientSecretFile string `toml:"client_secret_file"`
	// Scope is space-separated, as in the token request.
	Scope            string `toml:"scope"`
	Grant            string `toml:"grant"` // client_credentials | refresh_token | service_account
	RefreshToken     string `toml:"refresh_token"`
	RefreshTokenFile string `toml:"refresh_token_file"`
	// ServiceAccountFile is a Google service account key (JSON).
	ServiceAccountFile string `toml:"service_account_file"`
	// Impersonate is the mailbox a Google service account acts as.
	Impersonate string `toml:"impersonate"`
}

// UsesOAuth2 reports whether IMAP or SMTP logs in with OAuth2, so that
// [oauth2] is required and a token source must be built.
func (c *Config) UsesOAuth2() bool {
	return c.IMAP.Auth == AuthOAuth2 || c.SMTP.Auth == AuthOAuth2
}

const (
	microsoftAppScope       = "https://outlook.office365.com/.default"
	microsoftDelegatedScope = "https://outlook.office365.com/IMAP.AccessAsUser.All https://outlook.office365.com/SMTP.Send offline_access"
	googleTokenURL          = "https://oauth2.googleapis.com/token"
	googleMailScope         = "https://mail.google.com/"
)

// setDefaults fills in what the provider makes standard. It runs only when
// OAuth2 is used, so that an unused [oauth2] stays as written.
func (o *OAuth2) setDefaults(imapUser string) {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	switch o.Provider {
	case ProviderMicrosoft:
		def(&o.Grant, GrantClientCredentials)
		if o.Tenant != "" && !strings.ContainsAny(o.Tenant, "/?#") {
			def(&o.TokenURL, "https://login.microsoftonline.com/"+url.PathEscape(o.Tenant)+"/oauth2/v2.0/token")
		}
		if o.Grant == GrantRefreshToken {
			def(&o.Scope, microsoftDelegatedScope)
		}
		def(&o.Scope, microsoftAppScope)
	case ProviderGoogle:
		if o.ServiceAccountFile != "" {
			def(&o.Grant, GrantServiceAccount)
		}
		def(&o.Grant, GrantRefreshToken)
		def(&o.TokenURL, googleTokenURL)
		def(&o.Scope, googleMailScope)
		if o.Grant == GrantServiceAccount {
			def(&o.Impersonate, imapUser)
		}
	case ProviderCustom:
		def(&o.Grant, GrantClientCredentials)
	}
}

// validate checks [oauth2] for the grant it uses; every message names the key.
func (o *OAuth2) validate(bad func(key, format string, args ...any)) {
	switch o.Provider {
	case ProviderMicrosoft:
		if o.Tenant == "" && o.TokenURL == "" {
			bad("oauth2.tenant", "missing (the directory ID or domain of the Microsoft 365 tenant)")
		} else if strings.ContainsAny(o.Tenant, "/?#") {
			bad("oauth2.tenant", "not a tenant ID or domain: %q", o.Tenant)
		}
	case ProviderGoogle, ProviderCustom:
	case "":
		bad("oauth2.provider", "missing: microsoft, google or custom (imap.auth or smtp.auth is oauth2)")
		return
	default:
		bad("oauth2.provider", "must be microsoft, google or custom, not %q", o.Provider)
		return
	}
	o.validateTokenURL(bad)
	o.validateGrant(bad)
}

func (o *OAuth2) validateTokenURL(bad func(key, format string, args ...any)) {
	if o.TokenURL == "" {
		bad("oauth2.token_url", "missing")
		return
	}
	u, err := url.Parse(o.TokenURL)
	switch {
	case err != nil || u.Host == "" || u.User != nil:
		bad("oauth2.token_url", "not an https:// URL with a host")
	case u.Scheme == "https":
	case u.Scheme == "http":
		if !IsLoopback(u.Host) {
			bad("oauth2.token_url", "http:// (plain text) is allowed only for a loopback host, not %q", u.Host)
		}
	default:
		bad("oauth2.token_url", "must be https://, not %s://", u.Scheme)
	}
}

func (o *OAuth2) validateGrant(bad func(key, format string, args ...any)) {
	need := func(key, v, why string) {
		if v == "" {
			bad(key, "missing (%s)", why)
		}
	}
	switch o.Grant {
	case GrantClientCredentials:
		if o.Provider == ProviderGoogle {
			bad("oauth2.grant", "google has no client_credentials: use service_account or refresh_token")
		}
		need("oauth2.client_id", o.ClientID, "grant client_credentials")
		need("oauth2.client_secret", o.ClientSecret, "grant client_credentials; or client_secret_file")
	case GrantRefreshToken:
		need("oauth2.client_id", o.ClientID, "grant refresh_token")
		need("oauth2.refresh_token", o.RefreshToken, "grant refresh_token; or refresh_token_file")
	case GrantServiceAccount:
		if o.Provider != ProviderGoogle {
			bad("oauth2.grant", "service_account is for provider google")
		}
		need("oauth2.service_account_file", o.ServiceAccountFile, "grant service_account")
		if _, err := os.Stat(o.ServiceAccountFile); o.ServiceAccountFile != "" && err != nil {
			bad("oauth2.service_account_file", "%v", err)
		}
		if o.Impersonate != "" && !plainAddress(o.Impersonate) {
			bad("oauth2.impersonate", "not a plain e-mail address: %q", o.Impersonate)
		}
		need("oauth2.impersonate", o.Impersonate, "the mailbox the service account acts as")
	case "":
		bad("oauth2.grant", "missing: client_credentials, refresh_token or service_account")
	default:
		bad("oauth2.grant", "must be client_credentials, refresh_token or service_account, not %q", o.Grant)
	}
}

// validateAuth checks imap.auth and smtp.auth, and [oauth2] when either uses it.
func (c *Config) validateAuth(bad func(key, format string, args ...any)) {
	for key, v := range map[string]string{"imap.auth": c.IMAP.Auth, "smtp.auth": c.SMTP.Auth} {
		if v != AuthPassword && v != AuthOAuth2 {
			bad(key, "must be password or oauth2, not %q", v)
		}
	}
	if c.SMTP.Auth == AuthOAuth2 && c.SMTP.Username == "" {
		bad("smtp.username", "missing (XOAUTH2 names the mailbox that sends)")
	}
	if c.UsesOAuth2() {
		c.OAuth2.validate(bad)
	}
}
