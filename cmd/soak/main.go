// Command soak measures klachtd under injected faults: it takes in a number of
// complaints through two `klachtd serve` instances on one database while
// killing them (SIGKILL, in turn, at random moments) and restarting the
// PostgreSQL server, and reports what the promises are about: mails lost,
// cases doubled, acknowledgements missing five minutes after the last fault,
// acknowledgements sent twice (and how many of those fall in the window
// between the SMTP server's 250 and marking the row sent, the one window in
// which a second send is accepted), and the time from the end of each fault
// to the last acknowledgement it held back.
//
// It is not part of `make test` (it runs for minutes): `make soak`, or
//
//	go run ./cmd/soak -n 1000 -kills 20 -pg-restarts 2
//
// Everything runs on this machine: a throwaway PostgreSQL cluster (pgtemp),
// go-imap's in-memory IMAP server, a recording SMTP server, and the klachtd
// binary built from this tree. The exit code is 1 when a promise was broken
// (a mail lost, a case doubled, an acknowledgement missing, or a second send
// outside the 250 window).
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"time"
)

type options struct {
	n, kills, pgRestarts int
	feed, pgDown, grace  time.Duration
	restartDelay         time.Duration
	smtpTimeout          string
	seed                 int64
	dir                  string
}

func main() {
	var o options
	flag.IntVar(&o.n, "n", 1000, "complaints to take in")
	flag.IntVar(&o.kills, "kills", 20, "SIGKILLs, alternating between the two instances")
	flag.IntVar(&o.pgRestarts, "pg-restarts", 2, "PostgreSQL restarts")
	flag.DurationVar(&o.feed, "feed", 150*time.Second, "the complaints arrive, and the faults happen, within this time")
	flag.DurationVar(&o.pgDown, "pg-down", 5*time.Second, "how long PostgreSQL is down per restart")
	flag.DurationVar(&o.restartDelay, "restart-delay", time.Second, "how soon a killed instance is started again (systemd RestartSec)")
	flag.DurationVar(&o.grace, "grace", 5*time.Minute, "after the last fault, acknowledgements still missing after this long count as missing")
	flag.StringVar(&o.smtpTimeout, "smtp-timeout", "", "KLACHTD_SMTP_TIMEOUT for the instances (default: klachtd's, 2m)")
	flag.Int64Var(&o.seed, "seed", time.Now().UnixNano(), "random seed for the fault moments")
	flag.StringVar(&o.dir, "dir", "", "directory for the binary and the instances' logs (default: a new temp dir)")
	flag.Parse()
	log.SetFlags(log.Ltime)
	r, err := run(context.Background(), o)
	if err != nil {
		log.Fatal(err)
	}
	r.print(os.Stdout)
	if !r.ok() {
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) (*report, error) {
	if o.dir == "" {
		d, err := os.MkdirTemp("", "klachtd-soak")
		if err != nil {
			return nil, err
		}
		o.dir = d
	}
	log.Printf("soak: %d complaints, %d kills, %d PostgreSQL restarts, seed %d, logs in %s", o.n, o.kills, o.pgRestarts, o.seed, o.dir)
	rig, err := newRig(ctx, o)
	if err != nil {
		return nil, err
	}
	defer rig.close()
	start := time.Now()
	faults := rig.inject(ctx)
	r, err := rig.settle(ctx, faults)
	if err != nil {
		return nil, err
	}
	r.took = time.Since(start)
	r.opts = o
	return r, nil
}

func must(err error) {
	if err != nil {
		panic(fmt.Sprint("soak: ", err))
	}
}
