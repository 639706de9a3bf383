package mailbox_test

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/mailbox"
	"github.com/klachtd/klachtd/internal/mailbox/mailboxtest"
)

func TestOptionsValidation(t *testing.T) {
	h := newStore()
	tests := []struct {
		name    string
		o       mailbox.Options
		wantErr string
	}{
		{"ok implicit", mailbox.Options{Address: "imap.example.org:993", Username: "u", Handler: h}, ""},
		{"ok starttls", mailbox.Options{Address: "imap.example.org:143", TLS: "STARTTLS", Username: "u", Handler: h}, ""},
		{"none on loopback", mailbox.Options{Address: "127.0.0.1:143", TLS: "none", Username: "u", Handler: h}, ""},
		{"none on ::1", mailbox.Options{Address: "[::1]:143", TLS: "none", Username: "u", Handler: h}, ""},
		{"none on localhost", mailbox.Options{Address: "localhost:143", TLS: "none", Username: "u", Handler: h}, ""},
		{"none elsewhere", mailbox.Options{Address: "imap.example.org:143", TLS: "none", Username: "u", Handler: h}, "loopback"},
		{"none on a LAN address", mailbox.Options{Address: "10.0.0.5:143", TLS: "none", Username: "u", Handler: h}, "loopback"},
		{"unknown tls", mailbox.Options{Address: "imap.example.org:993", TLS: "ssl", Username: "u", Handler: h}, "want implicit"},
		{"no port", mailbox.Options{Address: "imap.example.org", Username: "u", Handler: h}, "host:port"},
		{"no user", mailbox.Options{Address: "imap.example.org:993", Handler: h}, "username"},
		{"watch processed", mailbox.Options{Address: "imap.example.org:993", Username: "u", Handler: h, ProcessedMailbox: "INBOX"}, "cannot be"},
		{"no handler", mailbox.Options{Address: "imap.example.org:993", Username: "u"}, "handler"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.o.Password = "s3cret-password"
			_, err := mailbox.New(tt.o)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("New: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("New = %v, want an error about %q", err, tt.wantErr)
			case err != nil && strings.Contains(err.Error(), "s3cret"):
				t.Fatalf("error shows the password: %v", err)
			}
		})
	}
}

func TestTLS(t *testing.T) {
	for _, mode := range []string{"implicit", "starttls"} {
		t.Run(mode, func(t *testing.T) {
			f := newFixture(t, mailboxtest.MemOptions{TLS: mode})
			f.append(t, rawMail(1, ""))
			if n := f.once(t); n != 1 {
				t.Fatalf("Once handled %d, want 1", n)
			}
			f.wantCounts(t, 0, 1, 0)

			f.opts.TLSConfig = nil // the system roots do not know the test certificate
			_, err := f.watcher(t).Once(context.Background())
			if err == nil || !strings.Contains(err.Error(), "certificate") {
				t.Fatalf("Once with an untrusted certificate = %v, want a certificate error", err)
			}
		})
	}
}

// hungServer accepts connections and then says greeting (maybe) and
// nothing more, like a server that hangs.
func hungServer(t *testing.T, greeting string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	mustNoErr(t, err)
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				io.WriteString(c, greeting)
				io.Copy(io.Discard, c) // until the client gives up
			}()
		}
	}()
	return ln.Addr().String()
}

func TestHungServerTimesOut(t *testing.T) {
	for name, greeting := range map[string]string{
		"no greeting":  "",
		"no login":     "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hello\r\n",
		"no tls hello": "",
	} {
		t.Run(name, func(t *testing.T) {
			o := mailbox.Options{
				Address: hungServer(t, greeting), TLS: "none", Username: "u", Password: "p",
				Handler: newStore(), CommandTimeout: 200 * time.Millisecond,
			}
			if name == "no tls hello" {
				o.TLS = "implicit"
			}
			w, err := mailbox.New(o)
			mustNoErr(t, err)
			done := make(chan error, 1)
			go func() { _, err := w.Once(context.Background()); done <- err }()
			select {
			case err := <-done:
				if !errors.Is(err, os.ErrDeadlineExceeded) && !strings.Contains(err.Error(), "timeout") {
					t.Fatalf("Once = %v, want a timeout", err)
				}
				t.Log(err)
			case <-time.After(guard):
				t.Fatal("Once waited on a hung server")
			}
		})
	}
}

// TestRunBacksOff: Run reconnects with growing, jittered waits.
func TestRunBacksOff(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	mustNoErr(t, err)
	addr := ln.Addr().String()
	ln.Close() // nothing listens: every dial fails at once
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var waits []time.Duration
	w, err := mailbox.New(mailbox.Options{
		Address: addr, TLS: "none", Username: "u", Handler: newStore(),
		Logger: testLogger(t),
		Sleep: func(ctx context.Context, d time.Duration) error {
			if waits = append(waits, d); len(waits) == 10 {
				cancel()
			}
			return ctx.Err()
		},
	})
	mustNoErr(t, err)
	mustNoErr(t, w.Run(ctx))
	for i, d := range waits {
		hi := min(time.Second<<i, 2*time.Minute)
		if d <= hi/2 || d > hi {
			t.Errorf("wait %d = %v, want in (%v, %v]", i, d, hi/2, hi)
		}
	}
}
