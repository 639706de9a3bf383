package mailboxtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// DovecotOption changes the Dovecot that StartDovecot configures.
type DovecotOption func(*Dovecot)

// WithOAuth2 adds Dovecot's oauth2 passdb for AUTHENTICATE XOAUTH2 and
// OAUTHBEARER: every token is checked by POSTing it to introspectionURL (RFC
// 7662, e.g. oauthtest's), which must answer {"active": true, "username":
// DovecotUsername}. The password login keeps working. A failed
// authentication is answered at once and costs the next login nothing
// (auth_failure_delay = 0, and anvil's auth penalty is off), so that tests
// of rejected tokens stay fast.
func WithOAuth2(introspectionURL string) DovecotOption {
	return func(d *Dovecot) { d.oauth2 = introspectionURL }
}

// writeOAuth2Conf writes the oauth2 passdb's settings (Dovecot 2.3).
func (d *Dovecot) writeOAuth2Conf() error {
	if d.oauth2 == "" {
		return nil
	}
	conf := "introspection_mode = post\n" +
		"introspection_url = " + d.oauth2 + "\n" +
		"force_introspection = yes\n" +
		"username_attribute = username\n" +
		"active_attribute = active\n" +
		"active_value = true\n"
	return os.WriteFile(filepath.Join(d.Dir, "dovecot-oauth2.conf.ext"), []byte(conf), 0o644)
}

// Kick ends the user's IMAP sessions (doveadm kick), as Exchange Online
// does when a session's token expires: the client must log in again.
func (d *Dovecot) Kick() error {
	bin, err := findBinary("doveadm", "/usr/bin/doveadm")
	if err != nil {
		return err
	}
	if out, err := exec.Command(bin, "-c", d.conf, "kick", d.Username).CombinedOutput(); err != nil {
		return fmt.Errorf("mailboxtest: doveadm kick: %w: %s", err, out)
	}
	return nil
}
