package outbox_test

import (
	"bufio"
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/outbox"
)

// The envelope addresses go in angle brackets (RFC 5321 4.1.2): strict
// relays refuse "MAIL FROM:klachten@…" without them. The relay here is a
// script that records the commands exactly as they arrive.
func TestEnvelopeAddressesAreBracketed(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	lines := make(chan []string, 1)
	go scriptedRelay(ln, lines, false)
	s, err := outbox.NewSMTP(outbox.SMTPOptions{Address: ln.Addr().String(), TLS: "none", HeloName: "gemeente.example"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(context.Background(), "klachten@gemeente.example", []string{"jan@example.nl"}, []byte("Subject: a\r\n\r\na\r\n")); err != nil {
		t.Fatal(err)
	}
	s.Close()
	got := strings.Join(<-lines, "\n")
	for _, want := range []string{"MAIL FROM:<klachten@gemeente.example>", "RCPT TO:<jan@example.nl>"} {
		if !strings.Contains(got, want) {
			t.Errorf("the relay got\n%s\nwant a line %q", got, want)
		}
	}
}

// A relay that offers PIPELINING gets MAIL, RCPT and DATA in one go: this
// one answers none of them before it has read all three (a client that
// waits for each answer would hang until its timeout).
func TestEnvelopeIsPipelined(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	lines := make(chan []string, 1)
	go scriptedRelay(ln, lines, true)
	s, err := outbox.NewSMTP(outbox.SMTPOptions{Address: ln.Addr().String(), TLS: "none", HeloName: "gemeente.example",
		Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	rcpt := []string{"jan@example.nl", "piet@example.nl"}
	if err := s.Send(context.Background(), "klachten@gemeente.example", rcpt, []byte("Subject: a\r\n\r\na\r\n")); err != nil {
		t.Fatalf("pipelined send: %v", err)
	}
	s.Close()
	got := strings.Join(<-lines, "\n")
	want := "MAIL FROM:<klachten@gemeente.example> BODY=8BITMIME\nRCPT TO:<jan@example.nl>\nRCPT TO:<piet@example.nl>\nDATA"
	if !strings.Contains(got, want) {
		t.Errorf("the relay got\n%s\nwant\n%s", got, want)
	}
}

// scriptedRelay answers one SMTP session on ln with fixed replies and sends
// the command lines it read (not the message) on lines. With pipelining it
// offers PIPELINING and holds the answers to MAIL and RCPT until DATA.
func scriptedRelay(ln net.Listener, lines chan<- []string, pipelining bool) {
	var got []string
	defer func() { lines <- got }()
	c, err := ln.Accept()
	if err != nil {
		return
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(c)
	c.Write([]byte("220 relay\r\n"))
	inData := false
	var held []byte // answers held back until DATA (pipelining)
	for {
		l, err := r.ReadString('\n')
		if err != nil {
			return
		}
		l = strings.TrimRight(l, "\r\n")
		switch {
		case inData && l == ".":
			inData = false
			c.Write([]byte("250 queued\r\n"))
		case inData:
		case strings.HasPrefix(l, "EHLO") && pipelining:
			got = append(got, l)
			c.Write([]byte("250-relay\r\n250-PIPELINING\r\n250 8BITMIME\r\n"))
		case strings.HasPrefix(l, "EHLO"):
			got = append(got, l)
			c.Write([]byte("250-relay\r\n250 8BITMIME\r\n"))
		case l == "DATA":
			got = append(got, l)
			inData = true
			c.Write(append(held, "354 go on\r\n"...))
			held = nil
		case pipelining && (strings.HasPrefix(l, "MAIL") || strings.HasPrefix(l, "RCPT")):
			got = append(got, l)
			held = append(held, "250 ok\r\n"...)
		case l == "QUIT":
			got = append(got, l)
			c.Write([]byte("221 bye\r\n"))
			return
		default:
			got = append(got, l)
			c.Write([]byte("250 ok\r\n"))
		}
	}
}
