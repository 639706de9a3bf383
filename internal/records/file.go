package records

import (
	"context"
	"encoding/json"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/klachtd/klachtd/internal/parse"
	"github.com/klachtd/klachtd/internal/store"
)

// Doc is one mail of a case file, in or out, with its raw bytes and what
// parse made of it.
type Doc struct {
	N        int // 1-based position in the file
	In       bool
	Kind     string
	At       time.Time
	From     string
	To       []string
	Subject  string
	Raw      []byte
	Text     string
	Files    []DocFile // attachments, with their name in the zip
	EMLName  string    // the .eml's name in the zip
	Title    string    // what the document is, in words
	Warnings []string
}

// DocFile is one attachment of a Doc.
type DocFile struct {
	Name string // in the zip
	Orig string
	Size int
	data []byte
}

// Line is one event of the timeline.
type Line struct {
	At     time.Time       `json:"at"`
	Kind   string          `json:"kind"`
	Actor  string          `json:"actor"`
	Detail json.RawMessage `json:"detail,omitempty"`
}

// CaseFile is everything kept about one case.
type CaseFile struct {
	Case     store.Case
	Docs     []Doc
	Timeline []Line
	// Procedure and Measures are the hearing, committee and improvement
	// measures recorded by handlers' commands.
	Procedure store.Procedure
	Measures  []store.Measure
	HTML      []byte // dossier.html, once Dossier wrote it
}

// loadCaseFile reads a case's mails and events; keep decides which mails
// go in (nil: all).
func loadCaseFile(ctx context.Context, s *store.Store, c store.Case, keep func(from string, to []string) bool) (*CaseFile, error) {
	f := &CaseFile{Case: c}
	ins, err := s.MessagesOfCase(ctx, c.ID)
	if err != nil {
		return nil, fmt.Errorf("records: %w", err)
	}
	outs, err := s.OutboxForCase(ctx, c.ID)
	if err != nil {
		return nil, fmt.Errorf("records: %w", err)
	}
	for _, m := range ins {
		if keep != nil && !keep(m.FromAddress, m.Recipients) {
			continue
		}
		raw, err := s.MessageRaw(ctx, m.ID)
		if err != nil {
			return nil, fmt.Errorf("records: %w", err)
		}
		f.Docs = append(f.Docs, Doc{In: true, Kind: m.Kind, At: m.InternalDate, From: m.FromAddress, To: m.Recipients, Subject: m.Subject, Raw: raw})
	}
	for _, o := range outs {
		if keep != nil && !keep(o.MailFrom, o.Rcpt) {
			continue
		}
		full, err := s.OutboxMail(ctx, o.ID)
		if err != nil {
			return nil, fmt.Errorf("records: %w", err)
		}
		at := o.CreatedAt
		if o.SentAt.Valid {
			at = o.SentAt.Time
		}
		f.Docs = append(f.Docs, Doc{Kind: o.Kind, At: at, From: o.MailFrom, To: o.Rcpt, Subject: o.Subject, Raw: full.Raw})
	}
	sortDocs(f.Docs)
	for i := range f.Docs {
		f.Docs[i].prepare(i + 1)
	}
	err = s.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if f.Procedure, err = tx.ProcedureOf(ctx, c.ID); err != nil {
			return err
		}
		f.Measures, err = tx.MeasuresOf(ctx, c.ID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("records: %w", err)
	}
	evs, err := s.Events(ctx, c.ID)
	if err != nil {
		return nil, fmt.Errorf("records: %w", err)
	}
	for _, e := range evs {
		l := Line{At: e.At, Kind: e.Kind, Actor: e.Actor}
		if d := string(e.Detail); d != "{}" && d != "null" {
			l.Detail = e.Detail
		}
		f.Timeline = append(f.Timeline, l)
	}
	return f, nil
}

func sortDocs(ds []Doc) {
	for i := 1; i < len(ds); i++ { // insertion sort: stable, files are small
		for j := i; j > 0 && ds[j].At.Before(ds[j-1].At); j-- {
			ds[j], ds[j-1] = ds[j-1], ds[j]
		}
	}
}

// prepare parses the raw mail for its text and attachments and names the
// files it becomes in the zip.
func (d *Doc) prepare(n int) {
	d.N = n
	dir := "in"
	if !d.In {
		dir = "uit"
	}
	d.EMLName = fmt.Sprintf("mails/%03d-%s-%s.eml", n, dir, safeName(d.Kind))
	d.Title = docTitle(d.In, d.Kind)
	m, err := parse.Parse(d.Raw, parse.DefaultLimits())
	if err != nil || m == nil {
		d.Warnings = append(d.Warnings, "niet te lezen: zie het .eml-bestand")
		return
	}
	d.Text = m.Text
	if m.Malformed {
		d.Warnings = append(d.Warnings, "niet volledig te lezen: zie het .eml-bestand")
	}
	for i, a := range m.Attachments {
		if a.Data == nil {
			continue
		}
		name := a.Filename
		if name == "" {
			name = "bijlage"
		}
		d.Files = append(d.Files, DocFile{Name: fmt.Sprintf("bijlagen/%03d-%d-%s", n, i+1, safeName(name)),
			Orig: name, Size: len(a.Data), data: a.Data})
	}
}

var docTitles = map[string]string{
	"in:complaint": "De klacht", "in:reply": "Reactie van de klager", "in:handler_reply": "Bericht van de behandelaar",
	"uit:ack": "Ontvangstbevestiging", "uit:relay": "Antwoord aan de klager", "uit:extension": "Verdagingsbericht",
	"uit:notify": "Melding aan de behandelaar", "uit:respondent_copy": "Afschrift aan de beklaagde",
	"uit:decision": "Beslissing op de klacht", "uit:hearing": "Uitnodiging hoorzitting", "uit:report": "Verslag van het horen",
	"uit:forward": "Doorgestuurd aan de behandelaar", "uit:confirm": "Bevestiging aan de behandelaar",
	"uit:reminder": "Herinnering aan de behandelaar", "uit:escalation": "Escalatie", "uit:dossier": "Dossier aan de behandelaar",
	"uit:extension_respondent": "Verdagingsbericht aan de beklaagde", "uit:committee": "Bericht over de adviescommissie",
	"uit:followup": "Nabericht", "uit:hearing_reminder": "Herinnering hoorzitting", "uit:measure_check": "Controle van een maatregel",
}

func docTitle(in bool, kind string) string {
	key := "uit:" + kind
	if in {
		key = "in:" + kind
	}
	if t, ok := docTitles[key]; ok {
		return t
	}
	if in {
		return "Ontvangen bericht (" + kind + ")"
	}
	return "Verzonden bericht (" + kind + ")"
}

// safeName keeps a file name to letters, digits, dot, dash and underscore,
// without a directory part, at most 80 bytes.
func safeName(s string) string {
	s = path.Base(strings.ReplaceAll(s, `\`, "/"))
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
		if b.Len() >= 80 {
			break
		}
	}
	out := strings.TrimLeft(b.String(), ".")
	if out == "" {
		return "bestand"
	}
	return out
}
