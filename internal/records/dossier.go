package records

import (
	"archive/zip"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/store"
)

// ErrPurged is returned for the dossier of a case whose personal data is gone.
var ErrPurged = fmt.Errorf("records: the case was purged; only its register stub is left")

// Dossier writes the file of one case as a zip to w, for the ombudsman or
// a disputes body: every mail in and out as .eml (mails/), their
// attachments (bijlagen/), the timeline (timeline.json) and one
// self-contained dossier.html that prints on A4 with the reference and page
// numbers on every page and each document on a page of its own. org names
// the organisation in the page header.
func (r *Records) Dossier(ctx context.Context, ref, org string, w io.Writer) (*CaseFile, error) {
	c, err := r.o.Store.CaseByRef(ctx, ref)
	if err != nil {
		return nil, fmt.Errorf("records: dossier: %w", err)
	}
	rc, err := r.o.Store.RetentionByRef(ctx, ref)
	if err != nil {
		return nil, fmt.Errorf("records: dossier: %w", err)
	}
	if rc.PurgedAt.Valid {
		return nil, ErrPurged
	}
	f, err := loadCaseFile(ctx, r.o.Store, *c, nil)
	if err != nil {
		return nil, err
	}
	z := zip.NewWriter(w)
	if err := writeCaseFile(z, "", f); err != nil {
		return nil, err
	}
	var html strings.Builder
	if err := writeDossierHTML(&html, f, org, r.o.Now()); err != nil {
		return nil, err
	}
	f.HTML = []byte(html.String())
	if err := addFile(z, "dossier.html", f.HTML); err != nil {
		return nil, err
	}
	if err := z.Close(); err != nil {
		return nil, fmt.Errorf("records: dossier zip: %w", err)
	}
	return f, nil
}

// writeCaseFile adds the mails, attachments and timeline of f under dir.
func writeCaseFile(z *zip.Writer, dir string, f *CaseFile) error {
	for _, d := range f.Docs {
		if err := writeDoc(z, dir, d); err != nil {
			return err
		}
	}
	tl, err := json.MarshalIndent(f.Timeline, "", "  ")
	if err != nil {
		return fmt.Errorf("records: timeline: %w", err)
	}
	if err := addFile(z, dir+"timeline.json", tl); err != nil {
		return err
	}
	proc, err := json.MarshalIndent(struct {
		Procedure store.Procedure `json:"procedure"`
		Measures  []store.Measure `json:"measures"`
	}{f.Procedure, f.Measures}, "", "  ")
	if err != nil {
		return fmt.Errorf("records: procedure: %w", err)
	}
	return addFile(z, dir+"procedure.json", proc)
}

// writeDoc adds a mail (.eml) and its attachments under dir.
func writeDoc(z *zip.Writer, dir string, d Doc) error {
	if err := addFile(z, dir+d.EMLName, d.Raw); err != nil {
		return err
	}
	for _, a := range d.Files {
		if err := addFile(z, dir+a.Name, a.data); err != nil {
			return err
		}
	}
	return nil
}

func addFile(z *zip.Writer, name string, data []byte) error {
	fw, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: time.Unix(0, 0).UTC()})
	if err != nil {
		return fmt.Errorf("records: zip %s: %w", name, err)
	}
	if _, err := fw.Write(data); err != nil {
		return fmt.Errorf("records: zip %s: %w", name, err)
	}
	return nil
}

var pageFuncs = template.FuncMap{
	"at":   func(t time.Time) string { return t.In(deadline.Location()).Format("2006-01-02 15:04") },
	"join": func(ss []string) string { return strings.Join(ss, ", ") },
}

func writeDossierHTML(w io.Writer, f *CaseFile, org string, now time.Time) error {
	t := template.Must(template.New("dossier.html").Funcs(pageFuncs).ParseFS(pages, "html/dossier.html"))
	err := t.Execute(w, struct {
		*CaseFile
		Org, Made string
	}{f, org, deadline.DateOf(now).String()})
	if err != nil {
		return fmt.Errorf("records: dossier page: %w", err)
	}
	return nil
}

// CaseByRef is the store's case, for callers that only have Records.
func (r *Records) CaseByRef(ctx context.Context, ref string) (*store.Case, error) {
	return r.o.Store.CaseByRef(ctx, ref)
}
