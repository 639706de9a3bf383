package web

import (
	"io"
	"mime"
	"net/http"
	"net/mail"
	"slices"
	"strings"
	"unicode/utf8"
)

// entry is what the complainant typed, kept to show it again.
type entry struct {
	Name, Email, Phone, What, When, Department, Desired string
	Consent                                             bool
	errors                                              []fieldError
}

// fieldError is one error; Field "" is about the whole form.
type fieldError struct {
	Field, Msg string
}

// Err is the error of one field, "" when it has none (for the template).
func (e *entry) Err(field string) string {
	for _, fe := range e.errors {
		if fe.Field == field {
			return fe.Msg
		}
	}
	return ""
}

func (e *entry) add(field, msg string) {
	e.errors = append(e.errors, fieldError{Field: field, Msg: msg})
}

// field limits in characters.
const (
	maxShort = 200
	maxWhat  = 20000
	maxLong  = 2000
)

func readEntry(r *http.Request) *entry {
	v := func(k string, n int) string {
		s := strings.TrimSpace(strings.ToValidUTF8(r.PostFormValue(k), "\uFFFD"))
		s = strings.ReplaceAll(strings.ReplaceAll(s, "\x00", ""), "\r\n", "\n")
		if utf8.RuneCountInString(s) > n {
			s = string([]rune(s)[:n])
		}
		return s
	}
	return &entry{Name: v("name", maxShort), Email: v("email", maxShort), Phone: v("phone", 50), What: v("what", maxWhat+1),
		When: v("when", 100), Department: v("department", maxShort), Desired: v("desired", maxLong+1),
		Consent: r.PostFormValue("consent") == "yes"}
}

// attachment is one checked file.
type attachment struct {
	name, contentType string
	data              []byte
}

// validate checks e and the files and returns the files; problems are in e.errors.
func (f *form) validate(e *entry, r *http.Request, t texts) []attachment {
	if e.Name == "" {
		e.add("name", t.ErrName)
	}
	if a, err := mail.ParseAddress(e.Email); e.Email == "" {
		e.add("email", t.ErrEmailMissing)
	} else if err != nil || a.Address != e.Email || strings.ContainsAny(e.Email, ",; ") {
		e.add("email", t.ErrEmailBad)
	}
	if strings.Trim(e.Phone, "0123456789+-() ") != "" {
		e.add("phone", t.ErrPhone)
	}
	switch n := utf8.RuneCountInString(e.What); {
	case n == 0:
		e.add("what", t.ErrWhat)
	case n > maxWhat:
		e.add("what", t.ErrTooLong)
	}
	if utf8.RuneCountInString(e.Desired) > maxLong {
		e.add("desired", t.ErrTooLong)
	}
	if !e.Consent {
		e.add("consent", t.ErrConsent)
	}
	return f.attachments(e, r, t)
}

func (f *form) attachments(e *entry, r *http.Request, t texts) []attachment {
	var out []attachment
	files := r.MultipartForm.File["files"]
	var named int
	for _, fh := range files {
		if fh.Filename != "" || fh.Size > 0 {
			named++
		}
	}
	if named > f.o.Form.MaxAttachments {
		e.add("files", t.errTooMany(f.o.Form.MaxAttachments))
		return nil
	}
	for _, fh := range files {
		if fh.Filename == "" && fh.Size == 0 {
			continue // the empty file input
		}
		if fh.Size > f.o.Form.MaxAttachmentBytes {
			e.add("files", t.errFileTooBig(fh.Filename, f.o.Form.MaxAttachmentBytes>>20))
			continue
		}
		file, err := fh.Open()
		if err != nil {
			e.add("files", t.ErrBadRequest)
			continue
		}
		data, err := io.ReadAll(io.LimitReader(file, f.o.Form.MaxAttachmentBytes+1))
		file.Close()
		if err != nil {
			e.add("files", t.ErrBadRequest)
			continue
		}
		ct, _, _ := mime.ParseMediaType(http.DetectContentType(data))
		if !slices.Contains(f.o.Form.AttachmentTypes, ct) {
			e.add("files", t.errFileType(fh.Filename))
			continue
		}
		out = append(out, attachment{name: cleanFilename(fh.Filename), contentType: ct, data: data})
	}
	return out
}

// cleanFilename keeps the base name, printable, at most 100 characters.
func cleanFilename(s string) string {
	if i := strings.LastIndexAny(s, `/\`); i >= 0 {
		s = s[i+1:]
	}
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
	if utf8.RuneCountInString(s) > 100 {
		s = string([]rune(s)[:100])
	}
	if s == "" {
		s = "bijlage"
	}
	return s
}

// accept is the file input's accept attribute.
func accept(types []string) string { return strings.Join(types, ",") }
