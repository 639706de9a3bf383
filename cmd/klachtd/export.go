package main

import (
	"context"
	"fmt"
	"io"

	"github.com/klachtd/klachtd/internal/records"
)

// runExport writes the dossier of one case (for the ombudsman or a
// disputes body) as a zip: every mail as .eml, attachments, timeline.json
// and a printable dossier.html.
func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	ref, rest := splitArg(args)
	cmd := newRecordsCommand("export", stderr)
	out := cmd.String("out", "", "the zip file to write ('-' = stdout)")
	return cmd.run(ctx, rest, stderr, func(e recordsEnv) error {
		if ref = cmd.arg(ref); ref == "" {
			return fmt.Errorf("usage: klachtd export KL-… --out FILE.zip")
		}
		var f *records.CaseFile
		err := writeOut(*out, stdout, func(w io.Writer) (err error) {
			f, err = e.rec.Dossier(ctx, ref, e.cfg.Intake.Name, w)
			return err
		})
		if err != nil {
			return err
		}
		if *out != "-" {
			fmt.Fprintf(stdout, "%s: %d mails, %d events, written to %s\n", ref, len(f.Docs), len(f.Timeline), *out)
		}
		return nil
	})
}
