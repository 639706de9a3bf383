package mailboxtest

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"text/template"
	"time"
)

// Credentials of the one user on a Dovecot.
const (
	DovecotUsername = "klachten"
	DovecotPassword = "test-password"
)

// Dovecot is a private Dovecot (dovecot-imapd) on 127.0.0.1 with its own
// configuration, one user and maildirs, all in a temporary directory. It
// needs the Debian package dovecot-imapd. As root, mail processes run as
// nobody; otherwise as the current user.
type Dovecot struct {
	Account        // plain IMAP (STARTTLS offered) on 127.0.0.1
	TLSAddr string // implicit TLS (IMAPS) on 127.0.0.1: see ImplicitTLS
	Dir     string // configuration, maildirs, log
	conf    string
	cmd     *exec.Cmd
	done    chan struct{} // closed when the dovecot master exits
	err     error         // its exit error, set before done is closed
	oauth2  string        // WithOAuth2: the introspection URL
}

// StartDovecot starts a Dovecot that stops when the test ends. It skips the
// test when Dovecot is not installed, except under CI=true, where a missing
// Dovecot fails it.
func StartDovecot(t testing.TB, opts ...DovecotOption) *Dovecot {
	t.Helper()
	bin, err := findBinary("dovecot", "/usr/sbin/dovecot")
	if err != nil {
		msg := "dovecot is not installed (apt-get install -y --no-install-recommends dovecot-imapd)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + "; CI=true requires it")
		}
		t.Skip(msg)
	}
	d, err := startDovecot(bin, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("dovecot log:\n%s", d.Log())
		}
		if err := d.Close(); err != nil {
			t.Error(err)
		}
	})
	return d
}

func findBinary(name string, fallbacks ...string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, p := range fallbacks {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("mailboxtest: %s not found", name)
}

func startDovecot(bin string, opts ...DovecotOption) (*Dovecot, error) {
	// Not t.TempDir: it is 0700 and the mail processes do not run as root.
	// Short, for the unix sockets in base_dir.
	dir, err := os.MkdirTemp("", "kd-dovecot-")
	if err != nil {
		return nil, fmt.Errorf("mailboxtest: %w", err)
	}
	d := &Dovecot{Dir: dir, conf: filepath.Join(dir, "dovecot.conf"),
		Account: Account{Username: DovecotUsername, Password: DovecotPassword, TLS: "none"}}
	for _, o := range opts {
		o(d)
	}
	var lastErr error
	for range 3 { // the free port we picked may be taken before dovecot binds it
		if lastErr = d.start(bin); lastErr == nil {
			return d, nil
		}
	}
	os.RemoveAll(dir)
	return nil, lastErr
}

// dovecotConf is a minimal Dovecot 2.3 configuration.
var dovecotConf = template.Must(template.New("conf").Parse(`
base_dir = {{.Dir}}/run
state_dir = {{.Dir}}/state
instance_name = {{.Instance}}
listen = 127.0.0.1
protocols = imap
ssl = yes
ssl_cert = <{{.Dir}}/cert.pem
ssl_key = <{{.Dir}}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login{{if .OAuth2}} xoauth2 oauthbearer{{end}}
{{- if .OAuth2}}
auth_failure_delay = 0
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
{{- end}}
log_path = {{.Dir}}/dovecot.log
postmaster_address = postmaster@localhost
mail_location = maildir:{{.Dir}}/mail/%u
{{- if not .Root}}
default_internal_user = {{.User}}
default_internal_group = {{.Group}}
default_login_user = {{.User}}
{{- end}}
{{- if .OAuth2}}
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {{.Dir}}/dovecot-oauth2.conf.ext
}
{{- end}}
passdb {
  driver = passwd-file
{{- if .OAuth2}}
  mechanisms = plain login none
{{- end}}
  args = scheme=PLAIN username_format=%u {{.Dir}}/passwd
}
userdb {
  driver = static
  args = uid={{.UID}} gid={{.GID}} home={{.Dir}}/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = {{.Port}}
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = {{.TLSPort}}
  }
{{- if not .Root}}
  chroot =
{{- end}}
}
{{- if not .Root}}
service anvil {
  chroot =
}
{{- end}}
`))

func (d *Dovecot) start(bin string) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	tlsPort, err := freePort()
	if err != nil {
		return err
	}
	if err := d.writeConfig(port, tlsPort); err != nil {
		return err
	}
	d.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	d.TLSAddr = net.JoinHostPort("127.0.0.1", strconv.Itoa(tlsPort))
	d.cmd = exec.Command(bin, "-F", "-c", d.conf)
	var out bytes.Buffer
	d.cmd.Stdout, d.cmd.Stderr = &out, &out
	if err := d.cmd.Start(); err != nil {
		return fmt.Errorf("mailboxtest: start dovecot: %w", err)
	}
	d.done = make(chan struct{})
	go func() { d.err = d.cmd.Wait(); close(d.done) }()
	if err := d.waitReady(10 * time.Second); err != nil {
		d.stop()
		log, _ := os.ReadFile(filepath.Join(d.Dir, "dovecot.log"))
		return fmt.Errorf("mailboxtest: dovecot not ready: %w\n%s%s", err, out.Bytes(), log)
	}
	return nil
}

type confData struct {
	Dir, Instance, User, Group string
	UID, GID, Port, TLSPort    int
	Root                       bool
	OAuth2                     string // introspection URL: an oauth2 passdb
}

func (d *Dovecot) writeConfig(port, tlsPort int) error {
	c := confData{Dir: d.Dir, Instance: "klachtd-" + filepath.Base(d.Dir), Port: port, TLSPort: tlsPort,
		Root: os.Geteuid() == 0, UID: os.Getuid(), GID: os.Getgid(), OAuth2: d.oauth2}
	if c.Root {
		nobody, err := user.Lookup("nobody")
		if err != nil {
			return fmt.Errorf("mailboxtest: %w", err)
		}
		c.UID, _ = strconv.Atoi(nobody.Uid)
		c.GID, _ = strconv.Atoi(nobody.Gid)
	} else {
		u, err := user.Current()
		if err != nil {
			return fmt.Errorf("mailboxtest: %w", err)
		}
		g, err := user.LookupGroupId(u.Gid)
		if err != nil {
			return fmt.Errorf("mailboxtest: %w", err)
		}
		c.User, c.Group = u.Username, g.Name
	}
	var conf bytes.Buffer
	if err := dovecotConf.Execute(&conf, c); err != nil {
		return fmt.Errorf("mailboxtest: dovecot config: %w", err)
	}
	cert, key, err := d.certificate()
	if err != nil {
		return err
	}
	mail := filepath.Join(d.Dir, "mail")
	err = errors.Join(
		os.WriteFile(filepath.Join(d.Dir, "cert.pem"), cert, 0o644),
		os.WriteFile(filepath.Join(d.Dir, "key.pem"), key, 0o600),
		os.Chmod(d.Dir, 0o755),
		os.MkdirAll(mail, 0o755),
		os.Chown(mail, c.UID, c.GID),
		os.WriteFile(d.conf, conf.Bytes(), 0o644),
		os.WriteFile(filepath.Join(d.Dir, "passwd"), []byte(d.Username+":{PLAIN}"+d.Password+"::::::\n"), 0o644),
		d.writeOAuth2Conf(),
	)
	if err != nil {
		return fmt.Errorf("mailboxtest: dovecot files: %w", err)
	}
	return nil
}

// certificate makes a self-signed certificate for 127.0.0.1 and sets
// ClientTLS to trust it.
func (d *Dovecot) certificate() (certPEM, keyPEM []byte, err error) {
	cert, pool, err := SelfSigned("127.0.0.1", "localhost")
	if err != nil {
		return nil, nil, err
	}
	key, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		return nil, nil, fmt.Errorf("mailboxtest: %w", err)
	}
	d.ClientTLS = &tls.Config{RootCAs: pool}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: key}), nil
}

// ImplicitTLS is the account over IMAPS (TLS "implicit"), trusting the
// test certificate.
func (d *Dovecot) ImplicitTLS() Account {
	a := d.Account
	a.Addr, a.TLS = d.TLSAddr, "implicit"
	return a
}

// StartTLS is the account on the plain port with TLS "starttls".
func (d *Dovecot) StartTLS() Account {
	a := d.Account
	a.TLS = "starttls"
	return a
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("mailboxtest: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// waitReady polls until the greeting arrives, the master exits or the
// limit passes (Dovecot is usually ready in ~0.15s).
func (d *Dovecot) waitReady(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		c, err := net.DialTimeout("tcp", d.Addr, time.Second)
		if err == nil {
			c.SetDeadline(time.Now().Add(time.Second))
			line, rerr := bufio.NewReader(c).ReadString('\n')
			c.Close()
			if rerr == nil && strings.HasPrefix(line, "* OK") {
				return nil
			}
			err = fmt.Errorf("greeting %q: %v", line, rerr)
		}
		if time.Now().After(deadline) {
			return err
		}
		select {
		case <-d.done:
			return fmt.Errorf("dovecot exited: %v", d.err)
		case <-tick.C:
		}
	}
}

func (d *Dovecot) stop() {
	d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-d.done:
	case <-time.After(10 * time.Second):
		d.cmd.Process.Kill()
		<-d.done
	}
}

// Log returns what Dovecot logged so far.
func (d *Dovecot) Log() string {
	b, _ := os.ReadFile(filepath.Join(d.Dir, "dovecot.log"))
	return string(b)
}

// Close stops Dovecot and removes its directory.
func (d *Dovecot) Close() error {
	d.stop()
	return os.RemoveAll(d.Dir)
}

// Deliver hands raw to dovecot-lda as the MTA would: into INBOX, with
// INTERNALDATE set to now.
func (d *Dovecot) Deliver(raw []byte) error {
	lda, err := findBinary("dovecot-lda", "/usr/lib/dovecot/dovecot-lda", "/usr/libexec/dovecot/dovecot-lda")
	if err != nil {
		return err
	}
	cmd := exec.Command(lda, "-c", d.conf, "-d", d.Username, "-f", "sender@example.nl")
	cmd.Stdin = bytes.NewReader(raw)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("mailboxtest: dovecot-lda: %w: %s", err, out)
	}
	return nil
}

// Append puts raw into mailbox over IMAP with the given INTERNALDATE.
func (d *Dovecot) Append(mailbox string, raw []byte, date time.Time) error {
	return d.AppendIMAP(mailbox, raw, date)
}

// PID is the Dovecot master's process id, for a benchmark that counts the
// CPU time of Dovecot and its imap processes.
func (d *Dovecot) PID() int {
	if d.cmd == nil || d.cmd.Process == nil {
		return 0
	}
	return d.cmd.Process.Pid
}
