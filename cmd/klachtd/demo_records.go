package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/klachtd/klachtd/internal/records"
)

// records ends the demo with what an ombudsman and the public get: the
// dossier of the closed case (zip, and its dossier.html beside it to open
// in a browser) and the register page of the year.
func (x *demo) records(ctx context.Context) error {
	rec := x.d.Records
	const ref = "KL-2026-000001"
	var zip bytes.Buffer
	f, err := rec.Dossier(ctx, ref, x.d.Config.Intake.Name, &zip)
	if err != nil {
		return err
	}
	zipPath := filepath.Join(x.dir, "dossier-"+ref+".zip")
	if err := os.WriteFile(zipPath, zip.Bytes(), 0o644); err != nil {
		return err
	}
	htmlPath := filepath.Join(x.dir, "dossier-"+ref+".html")
	if err := os.WriteFile(htmlPath, f.HTML, 0o644); err != nil {
		return err
	}
	st, err := rec.Stats(ctx, records.Year(2026), categories(x.d.Config))
	if err != nil {
		return err
	}
	var page bytes.Buffer
	if err := records.WriteHTML(&page, st, nil, x.clock); err != nil {
		return err
	}
	regPath := filepath.Join(x.dir, "register-2026.html")
	if err := os.WriteFile(regPath, page.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(x.out, "\nklachtd export %s: %d mails, %d events → %s (open %s in a browser; print for a PDF)\n",
		ref, len(f.Docs), len(f.Timeline), zipPath, htmlPath)
	fmt.Fprintf(x.out, "klachtd register --year 2026 --html → %s\n", regPath)
	return records.WriteSummary(x.out, st)
}
