package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/klachtd/klachtd/internal/deadline"
)

// runPurge removes the personal data of closed cases past their retention
// term (internal/records), and old case-less mails. --before DATE purges
// what is past its term on that day (default today; a later day for a
// trial with --dry-run). A dry run prints what would go and writes nothing.
func runPurge(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmd := newRecordsCommand("purge", stderr)
	dry := cmd.Bool("dry-run", false, "print what would be purged, change nothing")
	before := cmd.String("before", "", "purge what is past its term on this day (YYYY-MM-DD; default today)")
	return cmd.run(ctx, args, stderr, func(e recordsEnv) error {
		on := deadline.DateOf(time.Now())
		if *before != "" {
			d, err := deadline.ParseDate(*before)
			if err != nil {
				return fmt.Errorf("--before: %w", err)
			}
			on = d
		}
		res, err := e.rec.Purge(ctx, on, *dry, stdout)
		verb := "purged"
		if *dry {
			verb = "would purge"
		}
		fmt.Fprintf(stdout, "%s %d cases; %d kept by a legal hold; %d busy\n", verb, len(res.Purged), len(res.Held), len(res.Busy))
		return err
	})
}
