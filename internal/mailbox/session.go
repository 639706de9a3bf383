package mailbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// session is a connection with the watched mailbox selected.
type session struct {
	*conn
	w                     *Watcher
	processed, quarantine string
	uidValidity           uint32
	stop                  func() bool // ends the context.AfterFunc that closes the conn
	// needExpunge is set when a mail was copied and flagged \Deleted on a
	// server without UIDPLUS: see expungeDeleted.
	needExpunge bool
	lastMoved   imap.UID
	// moving is the outcome of a MOVE still in progress (moveLater), nil
	// when none is; waiting are the committed mails for the next MOVE.
	moving  chan error
	waiting batchMoves
}

// open dials, logs in, makes sure the folders exist and selects the mailbox.
func (w *Watcher) open(ctx context.Context) (*session, error) {
	cn, err := w.dial(ctx)
	if err != nil {
		return nil, err
	}
	s := &session{conn: cn, w: w}
	// Cancelling ctx drops the connection, so that no command outlives it.
	s.stop = context.AfterFunc(ctx, func() { cn.close() })
	if err := s.prepare(); err != nil {
		s.close()
		return nil, err
	}
	w.log.Info("mailbox_connected", slog.Uint64("uid_validity", uint64(s.uidValidity)),
		slog.String("processed_mailbox", s.processed), slog.String("quarantine_mailbox", s.quarantine))
	return s, nil
}

func (s *session) close() {
	s.stop()
	s.conn.close()
}

func (s *session) logout() error {
	err := s.do(func() error { return s.c.Logout().Wait() })
	if err != nil {
		return fmt.Errorf("mailbox: logout: %w", err)
	}
	return nil
}

func (s *session) prepare() error {
	prefix, err := s.personalPrefix()
	if err != nil {
		return err
	}
	s.processed = folderName(s.w.o.ProcessedMailbox, prefix, DefaultProcessedMailbox)
	s.quarantine = folderName(s.w.o.QuarantineMailbox, prefix, DefaultQuarantineMailbox)
	for _, name := range []string{s.processed, s.quarantine} {
		if err := s.ensureFolder(name); err != nil {
			return err
		}
	}
	var data *imap.SelectData
	err = s.do(func() (err error) {
		data, err = s.c.Select(s.w.o.Mailbox, nil).Wait()
		return err
	})
	if err != nil {
		return fmt.Errorf("mailbox: select %s: %w", s.w.o.Mailbox, err)
	}
	s.uidValidity = data.UIDValidity
	return nil
}

func folderName(configured, prefix, def string) string {
	if configured != "" {
		return configured
	}
	return prefix + def
}

// personalPrefix is the server's personal namespace prefix ("" or e.g.
// "INBOX."), so that default folder names can be created on any server.
func (s *session) personalPrefix() (string, error) {
	if !s.c.Caps().Has(imap.CapNamespace) {
		return "", nil
	}
	var data *imap.NamespaceData
	err := s.do(func() (err error) {
		data, err = s.c.Namespace().Wait()
		return err
	})
	if err != nil {
		return "", fmt.Errorf("mailbox: namespace: %w", err)
	}
	if len(data.Personal) == 0 {
		return "", nil
	}
	return data.Personal[0].Prefix, nil
}

// ensureFolder creates name when it does not exist, and subscribes to it so
// that people see it in their mail client.
func (s *session) ensureFolder(name string) error {
	var list []*imap.ListData
	err := s.do(func() (err error) {
		list, err = s.c.List("", name, nil).Collect()
		return err
	})
	if err != nil {
		return fmt.Errorf("mailbox: list %s: %w", name, err)
	}
	for _, l := range list {
		if l.Mailbox == name {
			return nil
		}
	}
	err = s.do(func() error { return s.c.Create(name, nil).Wait() })
	var imapErr *imap.Error
	if errors.As(err, &imapErr) && imapErr.Code == imap.ResponseCodeAlreadyExists {
		err = nil
	}
	if err != nil {
		return fmt.Errorf("mailbox: create %s: %w", name, err)
	}
	s.w.log.Info("mailbox_folder_created", slog.String("folder", name))
	if err := s.do(func() error { return s.c.Subscribe(name).Wait() }); err != nil {
		s.w.log.Warn("mailbox_subscribe_failed", slog.String("folder", name), slog.Any("error", err))
	}
	return nil
}

// wait returns when there may be new mail: on an IDLE notification, a
// Trigger, after PollInterval (the safety net, also while IDLE), or when ctx
// is done. Without IDLE it only waits.
func (s *session) wait(ctx context.Context) error {
	timer := time.NewTimer(min(s.w.o.PollInterval, maxIdle))
	defer timer.Stop()
	if !s.c.Caps().Has(imap.CapIdle) {
		select {
		case <-ctx.Done():
		case <-s.w.trigger:
		case <-timer.C:
		}
		return nil
	}
	var idle *imapclient.IdleCommand
	err := s.do(func() (err error) {
		idle, err = s.c.Idle()
		return err
	})
	if err != nil {
		return fmt.Errorf("mailbox: idle: %w", err)
	}
	select {
	case <-ctx.Done():
		return nil // the connection is closing: no DONE needed
	case <-s.Closed():
		return errors.New("mailbox: connection closed while idle")
	case <-s.newMail:
		if s.w.seen != nil {
			s.w.seen()
		}
	case <-s.w.trigger:
	case <-timer.C:
	}
	err = s.do(func() error {
		if err := idle.Close(); err != nil {
			return err
		}
		return idle.Wait()
	})
	if err != nil {
		return fmt.Errorf("mailbox: stop idle: %w", err)
	}
	return nil
}

// Closed is closed when the connection has gone.
func (cn *conn) Closed() <-chan struct{} { return cn.c.Closed() }
