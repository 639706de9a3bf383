package records

import (
	"archive/zip"
	"context"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/store"
)

// SubjectAccess writes to w, as a zip, everything kept that concerns addr
// (AVG/GDPR art. 15): for every case in which addr is the complainant or
// the respondent, or sent a mail, the case's facts, its events
// (timeline.json), and the mails that addr sent or that were sent to it
// (.eml, with their attachments) under KL-…/; the case-less mails addr sent
// under zonder-zaak/; and an index.html listing all of it. Mails of the
// case between other people (a notification to the handler, another
// party's mail) are left out: they are someone else's. A purged case shows
// only its stub in the index.
func (r *Records) SubjectAccess(ctx context.Context, addr string, w io.Writer) (SubjectIndex, error) {
	addr = strings.ToLower(strings.TrimSpace(addr))
	idx := SubjectIndex{Address: addr, Made: deadline.DateOf(r.o.Now()).String()}
	cs, err := r.o.Store.CasesConcerning(ctx, addr)
	if err != nil {
		return idx, fmt.Errorf("records: subject access: %w", err)
	}
	z := zip.NewWriter(w)
	for _, c := range cs {
		f, err := loadCaseFile(ctx, r.o.Store, c, concerns(addr))
		if err != nil {
			return idx, err
		}
		if err := writeCaseFile(z, c.Ref+"/", f); err != nil {
			return idx, err
		}
		idx.Cases = append(idx.Cases, f)
	}
	if idx.Caseless, err = r.caseless(ctx, z, addr); err != nil {
		return idx, err
	}
	var page strings.Builder
	if err := subjectPage.Execute(&page, idx); err != nil {
		return idx, fmt.Errorf("records: subject access index: %w", err)
	}
	if err := addFile(z, "index.html", []byte(page.String())); err != nil {
		return idx, err
	}
	if err := z.Close(); err != nil {
		return idx, fmt.Errorf("records: subject access zip: %w", err)
	}
	return idx, nil
}

// SubjectIndex is what a subject-access export holds.
type SubjectIndex struct {
	Address  string
	Made     string
	Cases    []*CaseFile
	Caseless []Doc
}

// concerns keeps a mail that addr sent or received.
func concerns(addr string) func(from string, to []string) bool {
	return func(from string, to []string) bool {
		if strings.EqualFold(from, addr) {
			return true
		}
		for _, t := range to {
			if strings.EqualFold(strings.TrimSpace(t), addr) {
				return true
			}
		}
		return false
	}
}

func (r *Records) caseless(ctx context.Context, z *zip.Writer, addr string) ([]Doc, error) {
	ms, err := r.o.Store.CaselessMailsFrom(ctx, addr)
	if err != nil {
		return nil, fmt.Errorf("records: subject access: %w", err)
	}
	var docs []Doc
	for i, m := range ms {
		raw, err := r.o.Store.MessageRaw(ctx, m.ID)
		if err != nil {
			return nil, fmt.Errorf("records: subject access: %w", err)
		}
		d := Doc{In: true, Kind: m.Kind, At: m.InternalDate, From: m.FromAddress, To: m.Recipients, Subject: m.Subject, Raw: raw}
		d.prepare(i + 1)
		if err := writeDoc(z, "zonder-zaak/", d); err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	return docs, nil
}

var subjectPage = template.Must(template.New("subject").Funcs(pageFuncs).Parse(`<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>Inzageverzoek {{.Address}}</title>
<style>body{font-family:sans-serif;max-width:800px;margin:2em auto;padding:0 1em}td,th{text-align:left;padding:.2em .6em .2em 0;vertical-align:top}</style>
</head><body>
<h1>Inzage: wat klachtd bewaart over {{.Address}}</h1>
<p>Samengesteld {{.Made}}. Per zaak de gegevens, de gebeurtenissen (timeline.json) en de e-mails van en aan dit adres (.eml).</p>
{{range .Cases}}{{$ref := .Case.Ref}}<h2>{{.Case.Ref}}</h2>
<table>
<tr><th>onderwerp</th><td>{{.Case.Subject}}</td></tr>
<tr><th>klager</th><td>{{.Case.ComplainantName}} {{.Case.ComplainantAddress}}</td></tr>
<tr><th>beklaagde</th><td>{{.Case.RespondentName}} {{.Case.RespondentAddress}}</td></tr>
<tr><th>ontvangen</th><td>{{at .Case.ReceivedAt}}</td></tr>
<tr><th>status</th><td>{{.Case.Status}} {{.Case.Outcome.String}}</td></tr>
<tr><th>gebeurtenissen</th><td>{{len .Timeline}} ({{.Case.Ref}}/timeline.json)</td></tr>
</table>
<ul>{{range .Docs}}<li>{{at .At}} {{.Title}}: <a href="{{$ref}}/{{.EMLName}}">{{.Subject}}</a>{{range .Files}}, bijlage {{.Orig}}{{end}}</li>{{end}}</ul>
{{end}}
{{with .Caseless}}<h2>Berichten zonder zaak</h2><ul>{{range .}}<li>{{at .At}} {{.Kind}}: <a href="zonder-zaak/{{.EMLName}}">{{.Subject}}</a></li>{{end}}</ul>{{end}}
{{if not .Cases}}{{if not .Caseless}}<p>Er is niets over dit adres bewaard.</p>{{end}}{{end}}
</body></html>`))

// ErasureResult says, per case, what an erasure request did and why not.
type ErasureResult struct {
	Erased   []string
	Refused  map[string]string // reference → why
	Caseless int
}

// Erase handles an erasure request (AVG/GDPR art. 17) for addr: the
// case-less mails addr sent are removed at once; a case concerning addr is
// purged only when the law no longer requires the file — it is closed, its
// retention term has ended and no hold is on it. Every other case is
// refused with the reason (open; on hold; under its term until a date).
func (r *Records) Erase(ctx context.Context, addr string) (ErasureResult, error) {
	res := ErasureResult{Refused: map[string]string{}}
	cs, err := r.o.Store.CasesConcerning(ctx, addr)
	if err != nil {
		return res, fmt.Errorf("records: erase: %w", err)
	}
	now := r.o.Now()
	for _, c := range cs {
		rc, err := r.o.Store.RetentionByRef(ctx, c.Ref)
		if err != nil {
			return res, fmt.Errorf("records: erase: %w", err)
		}
		if why := r.refusal(*rc, now); why != "" {
			res.Refused[c.Ref] = why
			continue
		}
		years := r.RetentionYears(rc.Policy)
		_, err = r.o.Store.PurgeCase(ctx, rc.ID, now.AddDate(-years, 0, 0), now, "erasure request (AVG art. 17), retention term over")
		if err != nil {
			return res, fmt.Errorf("records: erase %s: %w", c.Ref, err)
		}
		res.Erased = append(res.Erased, c.Ref)
	}
	if res.Caseless, err = r.o.Store.DeleteCaselessMailsFrom(ctx, addr); err != nil {
		return res, fmt.Errorf("records: erase: %w", err)
	}
	return res, nil
}

// refusal is why a case may not be erased now, "" when it may.
func (r *Records) refusal(c store.RetentionCase, now time.Time) string {
	switch {
	case c.PurgedAt.Valid:
		return "al verwijderd op " + deadline.DateOf(c.PurgedAt.Time).String() + " (alleen de registerregel is over)"
	case !c.ClosedAt.Valid:
		return "de klacht is nog in behandeling"
	case c.HoldReason != "":
		return "bewaren verplicht (juridische blokkade): " + c.HoldReason
	}
	if end := r.TermEnd(c); end.After(now) {
		return fmt.Sprintf("wettelijke bewaartermijn (%s, %d jaar na sluiting) loopt tot %s",
			c.Policy, r.RetentionYears(c.Policy), deadline.DateOf(end))
	}
	return ""
}
