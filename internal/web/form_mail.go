package web

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"
)

// mailMeta is what the message says besides the complainant's entry.
type mailMeta struct {
	lang, intake, client, agent string
	now                         time.Time
}

// formLabels are the labels of the message body, which the cases package
// reads back as a form (cases/formmail.go): the description comes last
// because it may span lines.
var formLabels = map[string][7]string{
	"nl": {"Naam", "E-mailadres", "Telefoonnummer", "Datum voorval", "Afdeling", "Wat wilt u bereiken", "Omschrijving"},
	"en": {"Name", "Email address", "Phone number", "Date of incident", "Department", "Desired outcome", "Description"},
}

// buildMail writes a submission as an RFC 5322 message from the
// complainant to the intake address: the fields as "Label: value" lines,
// then the attachments.
func buildMail(e *entry, atts []attachment, m mailMeta) ([]byte, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	id := make([]byte, 12)
	rand.Read(id)
	_, domain, _ := strings.Cut(m.intake, "@")
	subject := "Klacht via het klachtenformulier"
	if m.lang == "en" {
		subject = "Complaint via the complaint form"
	}
	h := []string{
		"From: " + (&mail.Address{Name: e.Name, Address: e.Email}).String(),
		"To: " + m.intake,
		"Subject: " + mime.QEncoding.Encode("utf-8", subject),
		"Date: " + m.now.Format(time.RFC1123Z),
		"Message-ID: <form-" + hex.EncodeToString(id) + "@" + domain + ">",
		"MIME-Version: 1.0",
		"X-Klachtd-Form: " + m.lang,
		"X-Klachtd-Form-Client: " + headerSafe(m.client),
		"X-Klachtd-Form-User-Agent: " + mime.QEncoding.Encode("utf-8", headerSafe(m.agent)),
		"Content-Type: multipart/mixed; boundary=" + mw.Boundary(),
	}
	var out bytes.Buffer
	out.WriteString(strings.Join(h, "\r\n") + "\r\n\r\n")
	if err := writeText(mw, formBody(e, m)); err != nil {
		return nil, fmt.Errorf("web: form mail: %w", err)
	}
	for _, a := range atts {
		if err := writeAttachment(mw, a); err != nil {
			return nil, fmt.Errorf("web: form mail: %w", err)
		}
	}
	if err := mw.Close(); err != nil {
		return nil, fmt.Errorf("web: form mail: %w", err)
	}
	out.Write(buf.Bytes())
	return out.Bytes(), nil
}

func formBody(e *entry, m mailMeta) string {
	l := formLabels[m.lang]
	var b strings.Builder
	if m.lang == "en" {
		fmt.Fprintf(&b, "Submitted through the complaint form on %s; the complainant agreed to the privacy statement.\n\n", m.now.Format("2 January 2006 15:04"))
	} else {
		fmt.Fprintf(&b, "Ingediend via het klachtenformulier op %s; de klager ging akkoord met de privacyverklaring.\n\n", m.now.Format("2-1-2006 15:04"))
	}
	for i, v := range []string{e.Name, e.Email, e.Phone, e.When, e.Department, e.Desired} {
		if v != "" {
			fmt.Fprintf(&b, "%s: %s\n", l[i], strings.ReplaceAll(v, "\n", " "))
		}
	}
	fmt.Fprintf(&b, "%s: %s\n", l[6], e.What)
	return strings.ReplaceAll(b.String(), "\n", "\r\n")
}

func writeText(mw *multipart.Writer, text string) error {
	hdr := textproto.MIMEHeader{}
	hdr.Set("Content-Type", "text/plain; charset=utf-8")
	hdr.Set("Content-Transfer-Encoding", "quoted-printable")
	pw, err := mw.CreatePart(hdr)
	if err != nil {
		return err
	}
	qw := quotedprintable.NewWriter(pw)
	if _, err := qw.Write([]byte(text)); err != nil {
		return err
	}
	return qw.Close()
}

func writeAttachment(mw *multipart.Writer, a attachment) error {
	hdr := textproto.MIMEHeader{}
	hdr.Set("Content-Type", a.contentType)
	hdr.Set("Content-Transfer-Encoding", "base64")
	hdr.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": a.name}))
	pw, err := mw.CreatePart(hdr)
	if err != nil {
		return err
	}
	enc := base64.StdEncoding.EncodeToString(a.data)
	for len(enc) > 76 {
		if _, err := pw.Write([]byte(enc[:76] + "\r\n")); err != nil {
			return err
		}
		enc = enc[76:]
	}
	_, err = pw.Write([]byte(enc + "\r\n"))
	return err
}

// headerSafe removes line breaks and control characters and bounds s.
func headerSafe(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}
