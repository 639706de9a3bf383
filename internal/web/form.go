package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/klachtd/klachtd/internal/config"
)

// The complaint form (issue 14), served by NewForm at /klacht (Dutch) and
// /complaint (English) under whatever prefix it is mounted. Its promises:
//   - GET shows the form; POST checks it and either shows it again with
//     every error next to its field (and listed at the top, linked), keeping
//     what was typed (attachments must be chosen again: a browser cannot
//     be given a file back), or opens the case and shows its reference.
//   - A submission becomes an RFC 5322 message (form_mail.go: "Label:
//     value" lines, the attachments as MIME parts, the client's address and
//     user agent in X-Klachtd-Form-* fields) handed to Submit, which is the
//     cases intake: the same path as a mail from the mailbox, so it is
//     stored raw, deduplicated, acknowledged by mail within the caps, routed
//     and notified like any complaint, with its structured fields.
//   - Guards, each answered with a page, never a crash: a CSRF token (an
//     HMAC-signed nonce in a hidden field that must match a SameSite=Strict
//     cookie, valid for FormTokenTTL), a honeypot field people do not see,
//     at most [form] submissions_per_hour POSTs per client address (the
//     connection's address: put the proxy's own limit in front when behind
//     one), a body limit (max_body_bytes, 413), at most max_attachments
//     files of max_attachment_bytes each, of a type in attachment_types
//     checked on the content.
//   - Plain HTML without JavaScript, WCAG 2.1 AA: every field has a label,
//     hints and errors are tied to it with aria-describedby and
//     aria-invalid, the error summary comes first, focus is visible, the
//     colours have at least 4.5:1 contrast.

// FormTokenTTL is how long a form may stay open before it must be loaded again.
const FormTokenTTL = 4 * time.Hour

//go:embed formtmpl/*.html
var formFiles embed.FS

// FormOptions wire the complaint form.
type FormOptions struct {
	Form config.Form
	// Submit opens the case from the message built of a submission and
	// returns its reference (cases.Intake.Submit).
	Submit func(ctx context.Context, raw []byte) (string, error)
	// Intake is the intake address the message is addressed to;
	// Organisation names the organisation on the page.
	Intake, Organisation string
	// Key signs the CSRF tokens; random when empty (tokens then do not
	// survive a restart).
	Key    []byte
	Now    func() time.Time
	Logger *slog.Logger
}

type form struct {
	o     FormOptions
	tmpl  *template.Template
	csrf  *csrf
	limit *rateLimit
}

// NewForm returns the form's handler (see above).
func NewForm(o FormOptions) (http.Handler, error) {
	if o.Submit == nil || o.Intake == "" {
		return nil, errors.New("web: form: Submit and Intake are required")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	tmpl, err := template.New("form").ParseFS(formFiles, "formtmpl/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: form templates: %w", err)
	}
	c, err := newCSRF(o.Key, o.Now)
	if err != nil {
		return nil, err
	}
	return &form{o: o, tmpl: tmpl, csrf: c, limit: newRateLimit(o.Form.SubmissionsPerHour, o.Now)}, nil
}

func (f *form) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var lang string
	switch path.Base(r.URL.Path) {
	case "klacht":
		lang = "nl"
	case "complaint":
		lang = "en"
	default:
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "same-origin")
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		f.show(w, r, lang, &entry{}, http.StatusOK)
	case http.MethodPost:
		f.post(w, r, lang)
	default:
		w.Header().Set("Allow", "GET, HEAD, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// page is what the templates get.
type page struct {
	T         texts
	Lang      string
	Action    string
	Other     string // the same form in the other language
	Token     string
	E         *entry
	Errors    []fieldError
	Ref       string
	Form      config.Form
	Org       string
	MaxMB     int64
	Accept    string
	FilesHint string
	Fields    []fieldView
}

// fieldView is one text field as the template shows it.
type fieldView struct {
	ID, Label, Hint, Error, Value, Type, Autocomplete, Described string
	Required, Multiline                                          bool
	Rows                                                         int
}

// show renders the form with what e holds, and a fresh CSRF token.
func (f *form) show(w http.ResponseWriter, r *http.Request, lang string, e *entry, status int) {
	token := f.csrf.issue(w, r)
	p := f.page(r, lang, e)
	p.Token = token
	f.render(w, "form.html", p, status)
}

func (f *form) page(r *http.Request, lang string, e *entry) *page {
	other := "complaint"
	if lang == "en" {
		other = "klacht"
	}
	t := textsFor(lang)
	return &page{T: t, Lang: lang, Action: path.Base(r.URL.Path), Other: other, E: e, Errors: e.errors,
		Form: f.o.Form, Org: f.o.Organisation, MaxMB: f.o.Form.MaxAttachmentBytes >> 20, Accept: accept(f.o.Form.AttachmentTypes),
		FilesHint: fmt.Sprintf(t.FilesHint, f.o.Form.MaxAttachments, f.o.Form.MaxAttachmentBytes>>20), Fields: fieldViews(t, e)}
}

// fieldViews are the text fields in their order on the page.
func fieldViews(t texts, e *entry) []fieldView {
	fs := []fieldView{
		{ID: "name", Label: t.Name, Value: e.Name, Type: "text", Autocomplete: "name", Required: true},
		{ID: "email", Label: t.Email, Hint: t.EmailHint, Value: e.Email, Type: "email", Autocomplete: "email", Required: true},
		{ID: "phone", Label: t.Phone, Value: e.Phone, Type: "tel", Autocomplete: "tel"},
		{ID: "what", Label: t.What, Hint: t.WhatHint, Value: e.What, Multiline: true, Rows: 8, Required: true},
		{ID: "when", Label: t.When, Hint: t.WhenHint, Value: e.When, Type: "text", Autocomplete: "off"},
		{ID: "department", Label: t.Department, Value: e.Department, Type: "text", Autocomplete: "off"},
		{ID: "desired", Label: t.Desired, Hint: t.DesiredHint, Value: e.Desired, Multiline: true, Rows: 3},
	}
	for i := range fs {
		f := &fs[i]
		f.Error = e.Err(f.ID)
		var ids []string
		if f.Hint != "" {
			ids = append(ids, f.ID+"-hint")
		}
		if f.Error != "" {
			ids = append(ids, f.ID+"-error")
		}
		f.Described = strings.Join(ids, " ")
	}
	return fs
}

func (f *form) render(w http.ResponseWriter, name string, p *page, status int) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if err := f.tmpl.ExecuteTemplate(w, name, p); err != nil {
		f.o.Logger.Error("form_render_failed", slog.Any("error", err))
	}
}

// post checks a submission and opens the case.
func (f *form) post(w http.ResponseWriter, r *http.Request, lang string) {
	t := textsFor(lang)
	if !f.limit.allow(clientAddr(r)) {
		f.o.Logger.Warn("form_rate_limited", slog.String("client", clientAddr(r)))
		f.fail(w, r, lang, &entry{}, t.ErrRate, http.StatusTooManyRequests)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, f.o.Form.MaxBodyBytes)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			f.fail(w, r, lang, &entry{}, t.ErrTooBig, http.StatusRequestEntityTooLarge)
			return
		}
		f.fail(w, r, lang, &entry{}, t.ErrBadRequest, http.StatusBadRequest)
		return
	}
	defer r.MultipartForm.RemoveAll()
	e := readEntry(r)
	if !f.csrf.check(r) {
		f.fail(w, r, lang, e, t.ErrToken, http.StatusForbidden)
		return
	}
	if r.PostFormValue("website") != "" {
		f.o.Logger.Warn("form_honeypot", slog.String("client", clientAddr(r)))
		f.fail(w, r, lang, e, t.ErrBadRequest, http.StatusBadRequest)
		return
	}
	atts := f.validate(e, r, t)
	if len(e.errors) > 0 {
		f.show(w, r, lang, e, http.StatusUnprocessableEntity)
		return
	}
	raw, err := buildMail(e, atts, mailMeta{lang: lang, intake: f.o.Intake, now: f.o.Now(), client: clientAddr(r), agent: r.UserAgent()})
	if err != nil {
		f.fail(w, r, lang, e, t.ErrFailed, http.StatusInternalServerError)
		return
	}
	ref, err := f.o.Submit(r.Context(), raw)
	if err != nil {
		f.o.Logger.Error("form_submit_failed", slog.Any("error", err))
		f.fail(w, r, lang, e, t.ErrFailed, http.StatusServiceUnavailable)
		return
	}
	f.o.Logger.Info("form_submitted", slog.String("case_ref", ref))
	p := f.page(r, lang, e)
	p.Ref = ref
	f.render(w, "thanks.html", p, http.StatusOK)
}

// fail shows the form again with one error for the whole form.
func (f *form) fail(w http.ResponseWriter, r *http.Request, lang string, e *entry, msg string, status int) {
	e.errors = append(e.errors, fieldError{Field: "", Msg: msg})
	f.show(w, r, lang, e, status)
}
