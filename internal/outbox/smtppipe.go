package outbox

import (
	"errors"
	"fmt"
	"io"
	"net/textproto"

	gosmtp "github.com/wneessen/go-mail/smtp"
)

// pipelined is message for a relay that offers PIPELINING (RFC 2920): MAIL,
// every RCPT and DATA go out in one write and their answers are read in
// order, one round trip instead of two plus one per recipient. The first
// refusal is the mail's failure, as if the commands had gone one by one.
// go-mail's client has no pipelining: this writes on its connection
// directly, with the same MAIL parameters as its Mail.
func pipelined(sc *gosmtp.Client, from string, rcpt []string, raw []byte) (io.WriteCloser, error) {
	w := sc.Text.W
	fmt.Fprintf(w, "MAIL FROM:<%s>%s\r\n", from, mailParams(sc))
	for _, r := range rcpt {
		fmt.Fprintf(w, "RCPT TO:<%s>\r\n", r)
	}
	w.WriteString("DATA\r\n")
	if err := w.Flush(); err != nil {
		return nil, err
	}
	refused, err := answers(sc.Text, len(rcpt))
	if err != nil {
		return nil, err
	}
	if _, _, err := sc.Text.ReadResponse(354); err != nil {
		if refused != nil {
			return nil, refused // DATA refused as a consequence: the session is sane
		}
		return nil, err
	}
	if refused != nil {
		// DATA was taken although MAIL or a RCPT was refused: ending the
		// session without the final dot is the only way not to send.
		return nil, &abortedData{refused}
	}
	dw := &dataWriter{WriteCloser: sc.Text.DotWriter(), text: sc.Text}
	if _, err := dw.Write(raw); err != nil {
		return nil, err
	}
	return dw, nil
}

// answers reads the answers to MAIL and n RCPTs: refused is the first
// refusal; err is set when the connection failed (no answer at all).
func answers(text *textproto.Conn, n int) (refused, err error) {
	for i := range n + 1 {
		want := 25 // 250 or 251 to RCPT
		if i == 0 {
			want = 250
		}
		if _, _, err := text.ReadResponse(want); err != nil {
			var te *textproto.Error
			if !errors.As(err, &te) {
				return nil, err
			}
			if refused == nil {
				refused = err
			}
		}
	}
	return refused, nil
}

// mailParams are the MAIL parameters go-mail's Mail would add.
func mailParams(sc *gosmtp.Client) string {
	p := ""
	if ok, _ := sc.Extension("8BITMIME"); ok {
		p += " BODY=8BITMIME"
	}
	if ok, _ := sc.Extension("SMTPUTF8"); ok {
		p += " SMTPUTF8"
	}
	return p
}

// dataWriter writes the message and, on Close, the final dot, and reads
// the relay's answer.
type dataWriter struct {
	io.WriteCloser
	text *textproto.Conn
}

func (d *dataWriter) Close() error {
	if err := d.WriteCloser.Close(); err != nil {
		return err
	}
	_, _, err := d.text.ReadResponse(250)
	return err
}

// abortedData is a refusal that left the relay waiting for message data:
// the connection must be closed, not ended with QUIT.
type abortedData struct{ err error }

func (e *abortedData) Error() string { return e.err.Error() }
func (e *abortedData) Unwrap() error { return e.err }
