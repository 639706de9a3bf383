package main

import (
	"context"
	"fmt"
	"io"
	"sort"

	"github.com/klachtd/klachtd/internal/records"
)

// runSubjectAccess answers an access request (AVG art. 15) for one address
// with a zip of everything kept about it; --erase instead handles an
// erasure request, refusing what the law still requires and saying why.
func runSubjectAccess(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	addr, rest := splitArg(args)
	cmd := newRecordsCommand("subject-access", stderr)
	out := cmd.String("out", "", "the zip file to write ('-' = stdout)")
	erase := cmd.Bool("erase", false, "erase what the law allows instead of exporting")
	return cmd.run(ctx, rest, stderr, func(e recordsEnv) error {
		if addr = cmd.arg(addr); addr == "" {
			return fmt.Errorf("usage: klachtd subject-access ADDRESS --out FILE.zip | --erase")
		}
		if *erase {
			return eraseSubject(ctx, e, addr, stdout)
		}
		var idx records.SubjectIndex
		err := writeOut(*out, stdout, func(w io.Writer) (err error) {
			idx, err = e.rec.SubjectAccess(ctx, addr, w)
			return err
		})
		if err != nil {
			return err
		}
		if *out != "-" {
			fmt.Fprintf(stdout, "%s: %d cases, %d mails without a case, written to %s\n", addr, len(idx.Cases), len(idx.Caseless), *out)
		}
		return nil
	})
}

func eraseSubject(ctx context.Context, e recordsEnv, addr string, stdout io.Writer) error {
	res, err := e.rec.Erase(ctx, addr)
	for _, ref := range res.Erased {
		fmt.Fprintf(stdout, "%s  erased\n", ref)
	}
	refs := make([]string, 0, len(res.Refused))
	for ref := range res.Refused {
		refs = append(refs, ref)
	}
	sort.Strings(refs)
	for _, ref := range refs {
		fmt.Fprintf(stdout, "%s  refused: %s\n", ref, res.Refused[ref])
	}
	fmt.Fprintf(stdout, "mails without a case erased: %d\n", res.Caseless)
	return err
}
