package main

import (
	"context"
	"fmt"
	"log"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"
)

// fault is one injected failure and when it began and ended.
type fault struct {
	kind       string // "kill a", "kill b", "postgres"
	start, end time.Time
}

// complaintMail is complaint i, from its own sender (the per-sender cap on
// automatic mails must not withhold acknowledgements).
func complaintMail(i int) []byte {
	return fmt.Appendf(nil, "From: Klager %d <klager%d@example.nl>\r\nTo: klachten@gemeente.example\r\n"+
		"Subject: Overlast bouwplaats %d\r\nDate: Mon, 2 Nov 2026 08:12:31 +0100\r\nMessage-ID: <soak-%d@example.nl>\r\n"+
		"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"+
		"Sinds drie weken begint de bouwplaats elke ochtend om half zes met heien.\r\n"+
		"Ik vind dat de gemeente moet optreden en wil graag weten wat u gaat doen.\r\n", i, i, i, i)
}

// inject feeds the complaints evenly over o.feed and, meanwhile, kills the
// instances in turn and restarts PostgreSQL at random moments. It returns
// when every complaint is in the mailbox and every fault is over.
func (r *rig) inject(ctx context.Context) []fault {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		r.feed()
	}()
	rng := rand.New(rand.NewPCG(uint64(r.o.seed), 0))
	type event struct {
		at   time.Duration
		kind string
	}
	var events []event
	for i := range r.o.kills {
		events = append(events, event{at: randIn(rng, r.o.feed/50, r.o.feed), kind: fmt.Sprintf("kill %c", 'a'+i%2)})
	}
	for range r.o.pgRestarts {
		events = append(events, event{at: randIn(rng, r.o.feed/5, r.o.feed*9/10), kind: "postgres"})
	}
	slices.SortFunc(events, func(a, b event) int { return int(a.at - b.at) })
	// Kills alternate between the instances in time order.
	k := 0
	for i := range events {
		if events[i].kind != "postgres" {
			events[i].kind = fmt.Sprintf("kill %c", 'a'+k%2)
			k++
		}
	}
	begin := time.Now()
	var faults []fault
	for _, e := range events {
		if d := time.Until(begin.Add(e.at)); d > 0 {
			time.Sleep(d)
		}
		f := fault{kind: e.kind, start: time.Now()}
		if err := r.doFault(ctx, e.kind); err != nil {
			log.Printf("soak: %s: %v", e.kind, err)
		}
		f.end = time.Now()
		log.Printf("soak: %-8s at %5.1fs, over after %v", f.kind, f.start.Sub(begin).Seconds(), f.end.Sub(f.start).Round(time.Millisecond))
		faults = append(faults, f)
	}
	wg.Wait()
	return faults
}

func (r *rig) doFault(ctx context.Context, kind string) error {
	if name, ok := strings.CutPrefix(kind, "kill "); ok {
		return r.inst[name[0]-'a'].kill()
	}
	if err := r.pg.Down(ctx); err != nil {
		return err
	}
	time.Sleep(r.o.pgDown)
	return r.pg.Up(ctx)
}

func (r *rig) feed() {
	begin := time.Now()
	for i := range r.o.n {
		if d := time.Until(begin.Add(r.o.feed * time.Duration(i) / time.Duration(r.o.n))); d > 0 {
			time.Sleep(d)
		}
		if _, err := r.imap.Append("INBOX", complaintMail(i+1), time.Now()); err != nil {
			log.Printf("soak: append %d: %v", i+1, err)
		}
	}
	log.Printf("soak: %d complaints delivered to INBOX", r.o.n)
}

func randIn(rng *rand.Rand, lo, hi time.Duration) time.Duration {
	return lo + time.Duration(rng.Int64N(int64(hi-lo)))
}
