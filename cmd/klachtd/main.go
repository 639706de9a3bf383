// Command klachtd is the e-mail complaint intake daemon. This package only
// wires the internal packages together; see the README for the subcommands.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `klachtd — e-mail complaint intake

Usage:
  klachtd serve [--config FILE] [--migrate] [--once]   run the daemon
  klachtd migrate [--config FILE]                      bring the database schema up to date
  klachtd config check [--config FILE]                 validate the config, print it with secrets redacted
  klachtd cases list [--status S] [--overdue] [--review] [--limit N | --all] [--after REF] [--json]
                                                       list cases, most urgent first (100 unless --limit or --all)
  klachtd cases show KL-… [--json]                     a case and its timeline from the audit trail
  klachtd register [--year Y] [--csv | --html FILE]    the yearly register of complaints (Awb 9:12a), de-identified
  klachtd report [--quarter 2026Q4] [--html FILE]      a quarter for managers: trend, top categories
  klachtd purge [--dry-run] [--before DATE]            purge personal data past its retention term
  klachtd hold KL-… --reason TEXT | --release          a legal hold: the case is never purged
  klachtd subject-access ADDRESS --out FILE.zip [--erase]  everything kept about an address (AVG art. 15/17)
  klachtd export KL-… --out FILE.zip                   the dossier of a case: mails, attachments, timeline, dossier.html
  klachtd status [--json] [--stale 5m]                 health for an operator or a monitoring check (exit 1: act)
  klachtd demo [--out DIR]                             run the whole pipeline on sample mails, print a timeline
  klachtd inspect [--config FILE] [--json] FILE.eml…   show what klachtd understands of a mail ('-' = stdin)
  klachtd due --policy P --received TIME [--json]      compute the deadlines of a case received at TIME
  klachtd templates preview NAME [--lang en] [--html]  render a mail template with sample data

Every config key can also be set as KLACHTD_<SECTION>_<KEY>, e.g. KLACHTD_IMAP_ADDRESS;
passwords also from KLACHTD_IMAP_PASSWORD_FILE / KLACHTD_SMTP_PASSWORD_FILE /
KLACHTD_DATABASE_PASSWORD_FILE. The environment wins over the file, for every subcommand.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return runServe(ctx, rest, stderr)
	case "migrate":
		return runMigrate(ctx, rest, stderr)
	case "config":
		if len(rest) == 0 || rest[0] != "check" {
			fmt.Fprint(stderr, "usage: klachtd config check [--config FILE]\n")
			return 2
		}
		return runConfigCheck(rest[1:], stdout, stderr)
	case "cases":
		return runCases(ctx, rest, stdout, stderr)
	case "register":
		return runRegister(ctx, rest, stdout, stderr)
	case "report":
		return runReport(ctx, rest, stdout, stderr)
	case "purge":
		return runPurge(ctx, rest, stdout, stderr)
	case "hold":
		return runHold(ctx, rest, stdout, stderr)
	case "subject-access":
		return runSubjectAccess(ctx, rest, stdout, stderr)
	case "export":
		return runExport(ctx, rest, stdout, stderr)
	case "status":
		return runStatus(ctx, rest, stdout, stderr)
	case "demo":
		return runDemo(ctx, rest, stdout, stderr)
	case "inspect":
		return runInspect(rest, stdin, stdout, stderr)
	case "due":
		return runDue(rest, stdout, stderr)
	case "templates":
		return runTemplates(rest, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "klachtd: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
}
