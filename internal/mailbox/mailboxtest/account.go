package mailboxtest

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Account is how to reach a test server as its user.
type Account struct {
	Addr               string // 127.0.0.1:port
	Username, Password string
	TLS                string      // "none", "implicit" or "starttls", as mailbox.Options.TLS wants it
	ClientTLS          *tls.Config // trusts the server's certificate when TLS is not none
}

// Message is one mail as a test sees it.
type Message struct {
	UID          imap.UID
	InternalDate time.Time
	Flags        []imap.Flag
	Raw          []byte
}

// Seen reports whether the mail carries \Seen.
func (m Message) Seen() bool { return slices.Contains(m.Flags, imap.FlagSeen) }

// Dial logs in with a fresh client (the caller closes it).
func (a Account) Dial() (*imapclient.Client, error) {
	opts := &imapclient.Options{TLSConfig: a.ClientTLS}
	var c *imapclient.Client
	var err error
	switch a.TLS {
	case "implicit":
		c, err = imapclient.DialTLS(a.Addr, opts)
	case "starttls":
		c, err = imapclient.DialStartTLS(a.Addr, opts)
	default:
		c, err = imapclient.DialInsecure(a.Addr, opts)
	}
	if err != nil {
		return nil, fmt.Errorf("mailboxtest: dial %s: %w", a.Addr, err)
	}
	if err := c.Login(a.Username, a.Password).Wait(); err != nil {
		c.Close()
		return nil, fmt.Errorf("mailboxtest: login: %w", err)
	}
	return c, nil
}

// List returns the mails in mailbox in UID order, bodies included, without
// setting \Seen.
func (a Account) List(mailbox string) ([]Message, error) {
	c, err := a.Dial()
	if err != nil {
		return nil, err
	}
	defer c.Close()
	sel, err := c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return nil, fmt.Errorf("mailboxtest: select %s: %w", mailbox, err)
	}
	if sel.NumMessages == 0 {
		return nil, c.Logout().Wait()
	}
	opts := &imap.FetchOptions{UID: true, Flags: true, InternalDate: true,
		BodySection: []*imap.FetchItemBodySection{{Peek: true}}}
	bufs, err := c.Fetch(imap.SeqSet{{Start: 1, Stop: 0}}, opts).Collect()
	if err != nil {
		return nil, fmt.Errorf("mailboxtest: fetch %s: %w", mailbox, err)
	}
	var msgs []Message
	for _, b := range bufs {
		m := Message{UID: b.UID, InternalDate: b.InternalDate, Flags: b.Flags}
		for _, body := range b.BodySection {
			m.Raw = body.Bytes
		}
		msgs = append(msgs, m)
	}
	slices.SortFunc(msgs, func(x, y Message) int { return int(x.UID) - int(y.UID) })
	return msgs, c.Logout().Wait()
}

// Mailboxes lists the names of all folders.
func (a Account) Mailboxes() ([]string, error) {
	c, err := a.Dial()
	if err != nil {
		return nil, err
	}
	defer c.Close()
	list, err := c.List("", "*", nil).Collect()
	if err != nil {
		return nil, fmt.Errorf("mailboxtest: list: %w", err)
	}
	var names []string
	for _, l := range list {
		names = append(names, l.Mailbox)
	}
	slices.Sort(names)
	return names, c.Logout().Wait()
}

// AppendIMAP appends raw to mailbox over IMAP with the given INTERNALDATE.
func (a Account) AppendIMAP(mailbox string, raw []byte, date time.Time) error {
	c, err := a.Dial()
	if err != nil {
		return err
	}
	defer c.Close()
	cmd := c.Append(mailbox, int64(len(raw)), &imap.AppendOptions{Time: date})
	if _, err := io.Copy(cmd, bytes.NewReader(raw)); err != nil {
		return fmt.Errorf("mailboxtest: append: %w", err)
	}
	if err := cmd.Close(); err != nil {
		return fmt.Errorf("mailboxtest: append: %w", err)
	}
	if _, err := cmd.Wait(); err != nil {
		return fmt.Errorf("mailboxtest: append: %w", err)
	}
	return c.Logout().Wait()
}
