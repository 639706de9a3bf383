package main

import (
	"context"
	"fmt"
	"io"
)

// runExport writes the dossier of one case (for the ombudsman or a
// disputes body) as a zip: every mail as .eml, attachments, timeline.json
// and a printable dossier.html.
func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	ref, rest := splitArg(args)
	cmd := newRecordsCommand("export", stderr)
	out := cmd.String("out", "", "the zip file to write ('-' = stdout)")
	return cmd.run(ctx, rest, stderr, func(e recordsEnv) error {
		if ref == "" {
			ref = cmd.Arg(0)
		}
		if ref == "" {
			return fmt.Errorf("usage: klachtd export KL-… --out FILE.zip")
		}
		w, done, err := createOut(*out, stdout)
		if err != nil {
			return err
		}
		f, err := e.rec.Dossier(ctx, ref, e.cfg.Intake.Name, w)
		if err = joinClose(err, done); err != nil {
			return err
		}
		if *out != "-" {
			fmt.Fprintf(stdout, "%s: %d mails, %d events, written to %s\n", ref, len(f.Docs), len(f.Timeline), *out)
		}
		return nil
	})
}
