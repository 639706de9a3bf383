// Package oauth gets OAuth2 access tokens for IMAP and SMTP (Microsoft 365,
// Google Workspace, or any OAuth2 server) and speaks the SASL mechanisms that
// carry them (XOAUTH2, OAUTHBEARER).
//
// # Tokens
//
// NewTokenSource builds a Source from [oauth2] (config.OAuth2) for its grant:
//
//   - client_credentials: app-only (Microsoft 365 with IMAP.AccessAsApp and
//     SMTP.SendAsApp, or a custom server), client ID and secret;
//   - refresh_token: delegated; a refresh token a person consented to once;
//   - service_account: Google; a JWT signed with the service account's key,
//     acting as (subject) the mailbox named by impersonate.
//
// One Source serves IMAP and SMTP alike: mailbox and outbox take a
// TokenSource, never a provider. Promises:
//
//   - A token is cached in memory and reused until Margin before it expires
//     (5 minutes, or a quarter of its lifetime when that is shorter), then
//     fetched anew. Concurrent callers share one fetch.
//   - A failed fetch while the cached token is still valid is logged and the
//     cached token is used; otherwise the caller gets the error. Either way
//     the next fetch waits a backoff (5s, doubling to 5 minutes), so a broken
//     token server is not hammered.
//   - When the server rejects a token (IMAP AUTHENTICATE answered NO, SMTP
//     535), the caller calls Invalidate(token): the next Token fetches a new
//     one at once. When that fresh token is rejected as well, the source backs
//     off like a failed fetch (the app lacks a permission, the mailbox is not
//     granted): Token returns an error wrapping ErrRejected until the backoff
//     passes. AuthenticateIMAP does exactly this for IMAP.
//   - Reload(cfg) (on SIGHUP) swaps in new settings, e.g. a fixed client
//     secret, and ends the backoff: the next fetch happens at once, so
//     intake resumes without a restart.
//   - Errors name what failed: the token URL, the HTTP status and the
//     provider's error and error_description (cut to 300 bytes). They never
//     contain the client secret, the refresh token, the key or a token, and
//     neither does anything this package logs.
//   - A refresh token that the provider rotates is kept in memory and saved
//     through RefreshStore (store.Store: the table oauth_refresh_tokens in
//     PostgreSQL, keyed by token URL and client ID). It is saved with a hash
//     of the configured refresh token it descends from, so a new refresh
//     token put in the config (after a new consent) wins over the saved
//     chain. Before each refresh the saved token is read again, so instances
//     sharing a database follow each other's rotations. Without a
//     RefreshStore a rotated token lives only in memory, and a restart falls
//     back to the configured one.
//
// # SASL
//
// NewXOAuth2Client is XOAUTH2 (Google, Microsoft): one message,
// "user=" + user + "\x01auth=Bearer " + token + "\x01\x01"; a rejection comes
// back as a base64 JSON challenge that the client acknowledges, after which
// the server says NO (IMAP) or 535 (SMTP).
// NewSASLClient picks OAUTHBEARER (RFC 7628) when the server offers it, else
// XOAUTH2 (Exchange Online offers only XOAUTH2).
//
// # How mailbox and outbox use it
//
// IMAP (mailbox, where Login is called today):
//
//	err := oauth.AuthenticateIMAP(ctx, client, username, tokens)
//
// It fetches a token, authenticates, and on NO invalidates the token and
// tries once more with a fresh one.
//
// SMTP (outbox, go-mail): build the client with
// mail.WithSMTPAuth(mail.SMTPAuthXOAUTH2) and mail.WithUsername(username),
// and per connection set the access token as the password:
//
//	tok, _, err := tokens.Token(ctx)          // error: temporary delivery failure
//	client.SetPassword(tok)
//	sc, err := client.DialToSMTPClientWithContext(ctx)
//	if oauth.SMTPRejected(err) {
//		tokens.Invalidate(tok)                // the next attempt fetches a new token
//	}
//
// go-mail refuses XOAUTH2 when the server does not offer it
// (mail.ErrXOauth2AuthNotSupported).
package oauth
