package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/user"
	"strings"
	"time"
)

// runHold puts a legal hold on a case (it is then never purged) or, with
// --release, lifts it. The reason is required for a hold and recorded in
// the audit trail with the operator's login name.
func runHold(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	ref, rest := splitArg(args)
	cmd := newRecordsCommand("hold", stderr)
	release := cmd.Bool("release", false, "lift the hold")
	reason := cmd.String("reason", "", "why the case must be kept (required for a hold)")
	return cmd.run(ctx, rest, stderr, func(e recordsEnv) error {
		if ref = cmd.arg(ref); ref == "" {
			return fmt.Errorf("usage: klachtd hold KL-… --reason TEXT | --release")
		}
		r := strings.TrimSpace(*reason)
		if !*release && r == "" {
			return fmt.Errorf("hold: --reason is required")
		}
		if *release {
			r = ""
		}
		changed, err := e.store.SetHold(ctx, ref, r, operator(), time.Now())
		if err != nil {
			return err
		}
		switch {
		case !changed:
			fmt.Fprintf(stdout, "%s: unchanged\n", ref)
		case *release:
			fmt.Fprintf(stdout, "%s: hold released\n", ref)
		default:
			fmt.Fprintf(stdout, "%s: on hold (%s)\n", ref, r)
		}
		return nil
	})
}

// operator names who ran a command, for the audit trail.
func operator() string {
	name := "operator"
	if u, err := user.Current(); err == nil && u.Username != "" {
		name = u.Username
	}
	if h, err := os.Hostname(); err == nil {
		name += "@" + h
	}
	return "cli:" + name
}
