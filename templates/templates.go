// Package templates holds the mails klachtd sends: for each mail a text and an
// HTML template per language (nl, en), embedded in the binary. An operator can
// override any of them by putting a file of the same path (nl/ack.txt) in the
// directory named by [templates] dir; what is not overridden comes from here.
//
// A .txt template defines "subject" and its body; the .html template is the
// alternative body. Both get the same data and these functions: date (a day in
// the mail's language, "25 november 2026"), datetime (with the time of day),
// and quote (prefixes every line with "> ").
package templates

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"os"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/klachtd/klachtd/internal/deadline"
)

//go:embed nl/* en/*
var embedded embed.FS

// Languages are the languages every template exists in.
var Languages = []string{"nl", "en"}

// Set is a loaded set of templates, parsed once at Load.
type Set struct {
	fsys   fs.FS
	loc    *time.Location
	parsed map[string]*parsed // "lang/name"
}

// Rendered is one mail's subject and bodies.
type Rendered struct {
	Subject, Text, HTML string
}

// Load returns the embedded templates, overridden file by file from dir when
// dir is not empty. It checks that every template parses, so a broken override
// is found at start-up and not when the first mail goes out.
func Load(dir string, loc *time.Location) (*Set, error) {
	var fsys fs.FS = embedded
	if dir != "" {
		if _, err := os.Stat(dir); err != nil {
			return nil, fmt.Errorf("templates: override dir: %w", err)
		}
		fsys = overlay{top: os.DirFS(dir), bottom: embedded}
	}
	s := &Set{fsys: fsys, loc: loc, parsed: map[string]*parsed{}}
	for _, name := range Names() {
		for _, lang := range Languages {
			p, err := s.parse(name, lang)
			if err != nil {
				return nil, err
			}
			s.parsed[lang+"/"+name] = p
		}
	}
	return s, nil
}

// Names lists the template names (ack, notify, …).
func Names() []string {
	names, _ := fs.Glob(embedded, "nl/*.txt")
	for i, n := range names {
		names[i] = strings.TrimSuffix(strings.TrimPrefix(n, "nl/"), ".txt")
	}
	return names
}

type parsed struct {
	text *texttemplate.Template
	html *htmltemplate.Template
}

func (s *Set) parse(name, lang string) (*parsed, error) {
	funcs := s.funcs(lang)
	txt, err := fs.ReadFile(s.fsys, lang+"/"+name+".txt")
	if err != nil {
		return nil, fmt.Errorf("templates: %s/%s.txt: %w", lang, name, err)
	}
	t, err := texttemplate.New(name).Funcs(funcs).Parse(string(txt))
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	if t.Lookup("subject") == nil {
		return nil, fmt.Errorf("templates: %s/%s.txt defines no \"subject\"", lang, name)
	}
	p := &parsed{text: t}
	h, err := fs.ReadFile(s.fsys, lang+"/"+name+".html")
	if errors.Is(err, fs.ErrNotExist) {
		return p, nil
	}
	if err != nil {
		return nil, fmt.Errorf("templates: %s/%s.html: %w", lang, name, err)
	}
	if p.html, err = htmltemplate.New(name).Funcs(funcs).Parse(string(h)); err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	return p, nil
}

// Render fills template name in lang (falling back to nl) with data.
func (s *Set) Render(name, lang string, data any) (Rendered, error) {
	if lang != "en" {
		lang = "nl"
	}
	p, ok := s.parsed[lang+"/"+name]
	if !ok {
		return Rendered{}, fmt.Errorf("templates: no template %q", name)
	}
	var r Rendered
	var b bytes.Buffer
	if err := p.text.ExecuteTemplate(&b, "subject", data); err != nil {
		return r, fmt.Errorf("templates: %s subject: %w", name, err)
	}
	r.Subject = strings.Join(strings.Fields(b.String()), " ")
	b.Reset()
	if err := p.text.Execute(&b, data); err != nil {
		return r, fmt.Errorf("templates: %s: %w", name, err)
	}
	r.Text = strings.TrimLeft(b.String(), "\n")
	if p.html != nil {
		b.Reset()
		if err := p.html.Execute(&b, data); err != nil {
			return r, fmt.Errorf("templates: %s html: %w", name, err)
		}
		r.HTML = b.String()
	}
	return r, nil
}

var months = map[string][]string{
	"nl": {"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"},
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
}

func (s *Set) funcs(lang string) map[string]any {
	// date takes an instant (shown in the organisation's time zone) or a
	// calendar day (deadline.Date, shown as it is).
	date := func(v any) string {
		var y, d int
		var m time.Month
		switch v := v.(type) {
		case time.Time:
			y, m, d = v.In(s.loc).Date()
		case deadline.Date:
			y, m, d = v.Year, v.Month, v.Day
		case *deadline.Date:
			if v == nil {
				return ""
			}
			y, m, d = v.Year, v.Month, v.Day
		default:
			return fmt.Sprint(v)
		}
		return fmt.Sprintf("%d %s %d", d, months[lang][m-1], y)
	}
	return map[string]any{
		"date": date,
		"datetime": func(t time.Time) string {
			at := " om "
			if lang == "en" {
				at = " at "
			}
			return date(t) + at + t.In(s.loc).Format("15:04")
		},
		"quote": func(s string) string {
			lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
			for i, l := range lines {
				lines[i] = "> " + l
			}
			return strings.Join(lines, "\n")
		},
	}
}

// overlay reads from top and falls back to bottom.
type overlay struct{ top, bottom fs.FS }

func (o overlay) Open(name string) (fs.File, error) {
	if f, err := o.top.Open(name); err == nil {
		return f, nil
	}
	return o.bottom.Open(name)
}
