package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

// report is what the soak measured.
type report struct {
	opts   options
	took   time.Duration
	faults []fault

	stored, inboxLeft, cases, doubled int
	missingAtDeadline                 int
	deadline                          time.Time
	sentTwice, inWindow               int
	dupRefs                           []string
	recovery                          []time.Duration // per fault; -1: an acknowledgement never came
	logCounts                         map[string]int
}

var refRE = regexp.MustCompile(`\[(KL-\d{4}-\d{6})\]`)

// settle waits until every complaint has a case, every case an
// acknowledgement and the outbox nothing queued, or until grace after the
// last fault; then it measures.
func (r *rig) settle(ctx context.Context, faults []fault) (*report, error) {
	last := time.Now()
	if len(faults) > 0 {
		last = faults[len(faults)-1].end
	}
	rep := &report{faults: faults, deadline: last.Add(r.o.grace)}
	for {
		done, err := r.finished(ctx)
		if err != nil {
			log.Printf("soak: checking: %v", err)
		}
		if done || time.Now().After(rep.deadline) {
			break
		}
		time.Sleep(2 * time.Second)
	}
	for _, in := range r.inst {
		in.stop()
	}
	return rep, r.measure(ctx, rep)
}

func (r *rig) finished(ctx context.Context) (bool, error) {
	var cases, queued int
	err := r.store.DB().QueryRowContext(ctx, `
		SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM outbox WHERE status = 'queued')`).Scan(&cases, &queued)
	if err != nil {
		return false, err
	}
	acks := len(firstAcks(r.captures(), time.Now()))
	log.Printf("soak: %d cases, %d acknowledged, %d queued", cases, acks, queued)
	return cases >= r.o.n && acks >= cases && queued == 0, nil
}

// firstAcks maps a case reference to the first acknowledgement captured for
// it before until.
func firstAcks(cs []capture, until time.Time) map[string]time.Time {
	first := map[string]time.Time{}
	for _, c := range cs {
		m := refRE.FindSubmatch(c.data)
		if m == nil || c.at.After(until) {
			continue
		}
		ref := string(m[1])
		if t, ok := first[ref]; !ok || c.at.Before(t) {
			first[ref] = c.at
		}
	}
	return first
}

func (r *rig) measure(ctx context.Context, rep *report) error {
	db := r.store.DB()
	err := db.QueryRowContext(ctx, `
		SELECT (SELECT count(DISTINCT message_id) FROM messages WHERE message_id LIKE 'soak-%'),
			(SELECT count(*) FROM cases),
			(SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM cases GROUP BY complainant_address) x)`).
		Scan(&rep.stored, &rep.cases, &rep.doubled)
	if err != nil {
		return err
	}
	inbox, err := r.imap.List("INBOX")
	if err != nil {
		return err
	}
	rep.inboxLeft = len(inbox)
	cs := r.captures()
	acked := firstAcks(cs, rep.deadline)
	rep.missingAtDeadline = rep.cases - len(acked)
	r.countDuplicates(rep, cs)
	if err := r.recoveryTimes(ctx, rep, firstAcks(cs, time.Now())); err != nil {
		return err
	}
	rep.logCounts = r.countLogs()
	return nil
}

// countDuplicates counts cases acknowledged more than once; a second send
// is in the 250 window when an instance was killed within two seconds after
// the server accepted the first copy (before the row could be marked sent).
func (r *rig) countDuplicates(rep *report, cs []capture) {
	byRef := map[string][]time.Time{}
	for _, c := range cs {
		if m := refRE.FindSubmatch(c.data); m != nil {
			byRef[string(m[1])] = append(byRef[string(m[1])], c.at)
		}
	}
	for ref, ts := range byRef {
		if len(ts) < 2 {
			continue
		}
		rep.sentTwice++
		rep.dupRefs = append(rep.dupRefs, ref)
		slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
		for _, f := range rep.faults {
			if strings.HasPrefix(f.kind, "kill") && !f.start.Before(ts[0].Add(-100*time.Millisecond)) && f.start.Before(ts[0].Add(2*time.Second)) {
				rep.inWindow++
				break
			}
		}
	}
	slices.Sort(rep.dupRefs)
}

// recoveryTimes: for each fault, the time from its end until every case
// opened before that end had its acknowledgement.
func (r *rig) recoveryTimes(ctx context.Context, rep *report, acked map[string]time.Time) error {
	rows, err := r.store.DB().QueryContext(ctx, `SELECT ref, created_at FROM cases`)
	if err != nil {
		return err
	}
	defer rows.Close()
	type c struct {
		ref     string
		created time.Time
	}
	var cases []c
	for rows.Next() {
		var x c
		if err := rows.Scan(&x.ref, &x.created); err != nil {
			return err
		}
		cases = append(cases, x)
	}
	for _, f := range rep.faults {
		var worst time.Duration
		for _, x := range cases {
			if x.created.After(f.end) {
				continue
			}
			t, ok := acked[x.ref]
			if !ok {
				worst = -1
				break
			}
			worst = max(worst, t.Sub(f.end))
		}
		rep.recovery = append(rep.recovery, worst)
	}
	return rows.Err()
}

// countLogs counts the lines that matter in the instances' logs.
func (r *rig) countLogs() map[string]int {
	counts := map[string]int{}
	files, _ := filepath.Glob(filepath.Join(r.o.dir, "klachtd-*.log"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, key := range []string{"level=ERROR", "msg=mail_retry_after_interrupted_delivery", "msg=database_unavailable",
			"msg=database_recovered", "msg=mail_sent_record_retrying", "msg=mail_sent_not_recorded", "msg=mail_sent "} {
			counts[strings.TrimSpace(key)] += bytes.Count(b, []byte(key))
		}
	}
	return counts
}

func (rep *report) ok() bool {
	return rep.stored == rep.opts.n && rep.doubled == 0 && rep.missingAtDeadline == 0 && rep.sentTwice == rep.inWindow
}

func (rep *report) print(w io.Writer) {
	o := rep.opts
	fmt.Fprintf(w, "\nklachtd soak: %d complaints over %v, %d SIGKILLs (two instances in turn), %d PostgreSQL restarts (%v down each), seed %d, run %v\n",
		o.n, o.feed, o.kills, o.pgRestarts, o.pgDown, o.seed, rep.took.Round(time.Second))
	fmt.Fprintf(w, "mails lost                              %d (%d of %d stored; %d left in INBOX)\n", o.n-rep.stored, rep.stored, o.n, rep.inboxLeft)
	fmt.Fprintf(w, "cases doubled                           %d (%d cases)\n", rep.doubled, rep.cases)
	fmt.Fprintf(w, "acknowledgements missing %v after the last fault   %d\n", o.grace, rep.missingAtDeadline)
	fmt.Fprintf(w, "acknowledgements sent twice             %d, of which %d in the 250 window %v\n", rep.sentTwice, rep.inWindow, rep.dupRefs)
	var worst time.Duration
	for i, f := range rep.faults {
		d := "never"
		if rep.recovery[i] >= 0 {
			d = rep.recovery[i].Round(100 * time.Millisecond).String()
			worst = max(worst, rep.recovery[i])
		}
		fmt.Fprintf(w, "  %-9s ended %s   last acknowledgement it held back after %s\n", f.kind, f.end.Format("15:04:05.0"), d)
	}
	fmt.Fprintf(w, "time from the end of a fault to the last acknowledgement: at most %v\n", worst.Round(100*time.Millisecond))
	keys := make([]string, 0, len(rep.logCounts))
	for k := range rep.logCounts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	fmt.Fprint(w, "log lines:")
	for _, k := range keys {
		fmt.Fprintf(w, " %s=%d", k, rep.logCounts[k])
	}
	fmt.Fprintf(w, "\nlogs: %s\n", o.dir)
}
