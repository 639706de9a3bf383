package web

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/mail"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/config"
)

// formServer serves the form with a fake intake that records what it got.
type formServer struct {
	t      *testing.T
	srv    *httptest.Server
	client *http.Client
	mu     sync.Mutex
	got    [][]byte
}

func newFormServer(t *testing.T, mod func(*config.Form)) *formServer {
	t.Helper()
	var fc config.Form
	fc.Enabled = true
	fc.Definition = "Een klacht is een uiting van ongenoegen over hoe wij u hebben behandeld."
	fc.RegulationURL = "https://www.gemeente.example/klachtenregeling"
	fc.PrivacyURL = "https://www.gemeente.example/privacy"
	if mod != nil {
		mod(&fc)
	}
	setFormDefaults(&fc)
	fs := &formServer{t: t}
	h, err := NewForm(FormOptions{Form: fc, Intake: "klachten@gemeente.example", Organisation: "Gemeente Voorbeeld",
		Key: []byte("test key"), Now: func() time.Time { return time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC) },
		Submit: func(ctx context.Context, raw []byte) (string, error) {
			fs.mu.Lock()
			defer fs.mu.Unlock()
			fs.got = append(fs.got, raw)
			return "KL-2026-000042", nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	fs.srv = httptest.NewServer(h)
	t.Cleanup(fs.srv.Close)
	jar, _ := cookiejar.New(nil)
	fs.client = &http.Client{Jar: jar}
	return fs
}

// setFormDefaults is config's defaults for a Form built in code.
func setFormDefaults(f *config.Form) {
	c := config.Config{Form: *f}
	c.SetFormDefaults()
	*f = c.Form
}

var tokenRE = regexp.MustCompile(`name="token" value="([^"]+)"`)

func (fs *formServer) get(path string) (int, string) {
	fs.t.Helper()
	resp, err := fs.client.Get(fs.srv.URL + path)
	if err != nil {
		fs.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// post loads the form (for the cookie and token, unless token is given)
// and posts fields and files.
func (fs *formServer) post(path string, fields map[string]string, files map[string][]byte) (int, string) {
	fs.t.Helper()
	_, page := fs.get(path)
	if _, ok := fields["token"]; !ok {
		m := tokenRE.FindStringSubmatch(page)
		if m == nil {
			fs.t.Fatalf("no token in the form")
		}
		fields["token"] = strings.ReplaceAll(m[1], "&#43;", "+")
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for name, data := range files {
		w, _ := mw.CreateFormFile("files", name)
		w.Write(data)
	}
	mw.Close()
	resp, err := fs.client.Post(fs.srv.URL+path, mw.FormDataContentType(), &body)
	if err != nil {
		fs.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func valid() map[string]string {
	return map[string]string{"name": "Jan de Vries", "email": "jan@example.nl", "phone": "06-12345678",
		"what": "De stoep ligt al weken open.\nIk kan er met mijn rollator niet langs.", "when": "2026-10-28",
		"department": "Openbare ruimte", "desired": "Dat de stoep wordt dichtgemaakt", "consent": "yes"}
}

func TestFormSubmitsAMessageAndShowsTheReference(t *testing.T) {
	fs := newFormServer(t, nil)
	code, page := fs.get("/klacht")
	for _, want := range []string{`<html lang="nl">`, `<label for="email">`, "Wat is een klacht?", "klachtenregeling", `name="website"`} {
		if code != 200 || !strings.Contains(page, want) {
			t.Errorf("form (%d) lacks %q", code, want)
		}
	}
	code, page = fs.post("/klacht", valid(), map[string][]byte{"foto.pdf": []byte("%PDF-1.4\n%âãÏÓ\n1 0 obj\n")})
	if code != 200 || !strings.Contains(page, "KL-2026-000042") || !strings.Contains(page, "jan@example.nl") {
		t.Fatalf("thank-you page (%d):\n%s", code, page)
	}
	if len(fs.got) != 1 {
		t.Fatalf("submitted %d messages", len(fs.got))
	}
	m, err := mail.ReadMessage(bytes.NewReader(fs.got[0]))
	if err != nil {
		t.Fatal(err)
	}
	if from, _ := mail.ParseAddress(m.Header.Get("From")); from == nil || from.Address != "jan@example.nl" || from.Name != "Jan de Vries" {
		t.Errorf("From = %q", m.Header.Get("From"))
	}
	raw := string(fs.got[0])
	for _, want := range []string{"To: klachten@gemeente.example", "Naam: Jan de Vries", "E-mailadres: jan@example.nl",
		"Afdeling: Openbare ruimte", "Wat wilt u bereiken: Dat de stoep wordt dichtgemaakt", "Datum voorval: 2026-10-28",
		"Omschrijving: De stoep ligt al weken open.", `filename=foto.pdf`, "Content-Type: application/pdf", "X-Klachtd-Form-Client: 127.0.0.1"} {
		if !strings.Contains(raw, want) {
			t.Errorf("message lacks %q", want)
		}
	}
}

func TestFormRefusesAMissingEmailKeepingTheText(t *testing.T) {
	fs := newFormServer(t, nil)
	f := valid()
	delete(f, "email")
	code, page := fs.post("/klacht", f, nil)
	if code != http.StatusUnprocessableEntity || len(fs.got) != 0 {
		t.Fatalf("status %d, %d submitted", code, len(fs.got))
	}
	for _, want := range []string{`<p class="error" id="email-error">Vul uw e-mailadres in`, `aria-describedby="email-hint email-error"`,
		`aria-invalid="true"`, `<a href="#email">`, "Ik kan er met mijn rollator niet langs.</textarea>", `value="Jan de Vries"`, "checked"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

func TestFormGuards(t *testing.T) {
	fs := newFormServer(t, func(f *config.Form) { f.MaxAttachmentBytes = 1000; f.MaxBodyBytes = 20000; f.SubmissionsPerHour = 6 })
	withToken := func(tok string) map[string]string { f := valid(); f["token"] = tok; return f }
	cases := []struct {
		name   string
		fields map[string]string
		files  map[string][]byte
		code   int
		want   string
	}{
		{"no token", withToken(""), nil, http.StatusForbidden, "te lang open"},
		{"forged token", withToken("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), nil, http.StatusForbidden, "te lang open"},
		{"honeypot", func() map[string]string { f := valid(); f["website"] = "http://spam.example"; return f }(), nil, http.StatusBadRequest, "kon niet worden gelezen"},
		{"file type", valid(), map[string][]byte{"factuur.pdf": []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00")}, http.StatusUnprocessableEntity, "factuur.pdf is geen PDF"},
		{"file size", valid(), map[string][]byte{"groot.txt": bytes.Repeat([]byte("a"), 1001)}, http.StatusUnprocessableEntity, "groot.txt is groter dan"},
		{"body size", valid(), map[string][]byte{"a.txt": bytes.Repeat([]byte("a"), 30000)}, http.StatusRequestEntityTooLarge, "te groot"},
		{"rate", valid(), nil, http.StatusTooManyRequests, "te veel klachten"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, page := fs.post("/klacht", tc.fields, tc.files)
			if code != tc.code || !strings.Contains(page, tc.want) {
				t.Errorf("status %d, want %d; page lacks %q", code, tc.code, tc.want)
			}
		})
	}
	if len(fs.got) != 0 {
		t.Errorf("%d refused submissions reached the intake", len(fs.got))
	}
}

func TestFormInEnglish(t *testing.T) {
	fs := newFormServer(t, nil)
	f := valid()
	f["email"] = "not an address"
	code, page := fs.post("/prefix/complaint", f, nil)
	if code != http.StatusUnprocessableEntity || !strings.Contains(page, `<html lang="en">`) || !strings.Contains(page, "Enter an e-mail address like") {
		t.Errorf("English form (%d):\n%s", code, page)
	}
	if code, _ := fs.get("/other"); code != http.StatusNotFound {
		t.Errorf("/other = %d, want 404", code)
	}
}
