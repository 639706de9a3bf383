package main

import (
	"bytes"
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/klachtd/klachtd/internal/config"
	"github.com/klachtd/klachtd/internal/mailbox/mailboxtest"
	"github.com/klachtd/klachtd/internal/outbox/smtptest"
	"github.com/klachtd/klachtd/internal/pgtemp"
)

// Flags of BenchmarkIntake (make bench-intake N=2000 sets -intake-mails).
var (
	benchMails  = flag.Int("intake-mails", 10000, "BenchmarkIntake: mails waiting in the mailbox before the drain")
	benchSteady = flag.Int("intake-steady", 100, "BenchmarkIntake: mails delivered at intake-rate after the drain, for the latency figures")
	benchRate   = flag.Float64("intake-rate", 5, "BenchmarkIntake: mails per second in the latency phase")
	benchNotify = flag.Bool("intake-handler", false, "BenchmarkIntake: configure a default handler, so that every new case also notifies it")
	benchHeap   = flag.String("intake-heapprofile", "", "BenchmarkIntake: write a heap profile (after a GC) here when the backlog is drained")
)

// BenchmarkIntake is the whole intake path on real parts: a private Dovecot
// holding -intake-mails waiting complaints (a mix of plain, HTML and
// attachment mails of about 4 KB), a throwaway PostgreSQL with normal
// durability (fsync and synchronous_commit on), the SMTP capture server, and
// the daemon as `klachtd serve` wires it. From one run it reports:
//
//   - drain-mails/s: the backlog, from the daemon's start until every mail is
//     stored, moved out of INBOX and acknowledged (accepted by SMTP);
//   - intake-mails/s: the backlog, from the daemon's start until INBOX is
//     empty (every mail stored and moved; acknowledgements may still be on
//     their way), looked at every 20 ms;
//   - pg-commits/s: PostgreSQL's own single-row-commit rate on the same
//     cluster (one connection, INSERT in autocommit), and drain-%-of-commits;
//   - fetch-mails/s: Dovecot's bulk UID FETCH BODY.PEEK[] of the backlog;
//   - ack-p50-ms / ack-p99-ms: arrival (APPEND sent) → acknowledgement
//     accepted by SMTP, with -intake-steady mails at -intake-rate per second
//     while the daemon idles (IDLE);
//   - daemon-p50-ms / daemon-p99-ms: the daemon's share of that, from the
//     EXISTS that woke it from IDLE to the acknowledgement accepted;
//   - peak-RSS-MB: the process's peak resident set (VmHWM) from the daemon's
//     start: the set-up's garbage is given back to the OS and the peak reset
//     (/proc/self/clear_refs) just before; the SMTP sink keeps no mails and
//     the benchmark's own books are a bit per backlog mail, so the figure is
//     the daemon's (plus the Go runtime and the test binary);
//   - peak-heap-MB and peak-live-heap-MB: the Go heap's objects (live and
//     not yet swept) and its live bytes after the last GC, both sampled
//     every 10 ms from the daemon's start to its stop (runtime/metrics);
//   - dup-acks and left-in-INBOX, which must be 0.
//
// By default no handler is configured (each case is marked for review and
// only acknowledged); -intake-handler adds a default handler, so that every
// new case also sends the handler its notification with the complaint and
// its attachments.
//
// It runs once whatever b.N is. Run it with make bench-intake.
func BenchmarkIntake(b *testing.B) {
	if b.N > 1 {
		b.Skip("one run is the measurement")
	}
	n := *benchMails
	ctx := context.Background()
	pg, err := pgtemp.StartDurable(ctx)
	if err != nil {
		b.Skip(err)
	}
	defer pg.Stop()
	dc := mailboxtest.StartDovecot(b)
	sink := newAckSink(b, n, *benchSteady)

	if err := fillMaildir(dc, n); err != nil {
		b.Fatal(err)
	}
	fetchRate := bulkFetchRate(b, dc.Account, n)
	commitRate := singleCommitRate(b, pg.DSN)

	cfg := benchConfig(b, pg.DSN, dc, sink.srv.Addr)
	// From here on the memory figures are the daemon's: what the set-up
	// above allocated is given back to the OS and the peak RSS restarts.
	rssReset := resetPeakRSS()
	heap := sampleHeap()
	d := &Daemon{Config: cfg, Migrate: true}
	if err := d.Open(ctx); err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	seen := &stamps{}
	d.Watcher.SeenNewMail(seen.add)
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	b.ResetTimer()
	cpu0 := cpuNow(pg.PostmasterPID(), dc.PID())
	start := time.Now()
	emptied := watchInboxEmpty(b, dc.Account, start)
	go func() { done <- d.Run(runCtx) }()
	sink.waitFor(b, n, 30*time.Minute)
	waitInbox(b, dc.Account, 0, 5*time.Minute)
	drain := time.Since(start)
	cpu := cpuNow(pg.PostmasterPID(), dc.PID()).since(cpu0, n)
	b.StopTimer()
	intake := <-emptied
	writeHeapProfile(b, *benchHeap)

	lat, share := steadyLatency(b, dc, sink, n, seen)
	// An acknowledgement may be accepted before its mail's MOVE is through
	// (a stop then leaves the move to the next run): stop only once INBOX
	// is empty, or after a minute, so that left-in-INBOX counts mails the
	// daemon left, not a move the stop cut short.
	settleInbox(b, dc.Account, time.Minute)
	stop()
	if err := <-done; err != nil {
		b.Error(err)
	}
	peakHeap, peakLive := heap.stop()
	left := statusMessages(b, dc.Account, "INBOX")
	dups := sink.duplicates()

	drainRate := float64(n) / drain.Seconds()
	intakeRate := float64(n) / intake.Seconds()
	b.ReportMetric(drainRate, "drain-mails/s")
	b.ReportMetric(intakeRate, "intake-mails/s")
	b.ReportMetric(commitRate, "pg-commits/s")
	b.ReportMetric(100*drainRate/commitRate, "drain-%-of-commits")
	b.ReportMetric(fetchRate, "fetch-mails/s")
	b.ReportMetric(ms(percentile(lat, 50)), "ack-p50-ms")
	b.ReportMetric(ms(percentile(lat, 99)), "ack-p99-ms")
	b.ReportMetric(ms(percentile(share, 50)), "daemon-p50-ms")
	b.ReportMetric(ms(percentile(share, 99)), "daemon-p99-ms")
	b.ReportMetric(cpu.self, "cpu-us/mail-daemon+sink")
	b.ReportMetric(cpu.pg, "cpu-us/mail-postgres")
	b.ReportMetric(cpu.dovecot, "cpu-us/mail-dovecot")
	b.ReportMetric(peakRSSMB(), "peak-RSS-MB")
	b.ReportMetric(peakHeap, "peak-heap-MB")
	b.ReportMetric(peakLive, "peak-live-heap-MB")
	b.ReportMetric(float64(dups), "dup-acks")
	b.ReportMetric(float64(left), "left-in-INBOX")
	b.ReportMetric(0, "ns/op") // one run: the per-op time says nothing
	b.Logf("mails=%d drain=%s (%.0f mails/s) intake=%s (%.0f mails/s) pg single-row commits=%.0f/s (%.0f%%) dovecot bulk fetch=%.0f mails/s; "+
		"steady %d at %.1f/s: ack p50 %.0f ms p99 %.0f ms, daemon share p50 %.0f ms p99 %.0f ms; "+
		"CPU per mail: daemon+sink %.0f us, PostgreSQL %.0f us, Dovecot %.0f us; peak RSS %.0f MB (reset at the daemon's start: %v), peak heap %.1f MB, peak live heap %.1f MB; dup acks %d; left in INBOX %d",
		n, drain.Round(time.Millisecond), drainRate, intake.Round(time.Millisecond), intakeRate, commitRate, 100*drainRate/commitRate, fetchRate,
		*benchSteady, *benchRate, ms(percentile(lat, 50)), ms(percentile(lat, 99)),
		ms(percentile(share, 50)), ms(percentile(share, 99)), cpu.self, cpu.pg, cpu.dovecot, peakRSSMB(), rssReset, peakHeap, peakLive, dups, left)
	if dups != 0 || left != 0 {
		b.Errorf("%d duplicate acknowledgements, %d mails left in INBOX", dups, left)
	}
}

func benchConfig(b *testing.B, dsn string, dc *mailboxtest.Dovecot, smtpAddr string) *config.Config {
	b.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		b.Fatal(err)
	}
	u.Path = "/klachtd_bench"
	db := u.String()
	if err := benchExec(dsn, "CREATE DATABASE klachtd_bench"); err != nil {
		b.Fatal(err)
	}
	env := map[string]string{
		"KLACHTD_DATABASE_URL": db, "KLACHTD_IMAP_ADDRESS": dc.Addr, "KLACHTD_IMAP_TLS": "none",
		"KLACHTD_IMAP_USERNAME": dc.Username, "KLACHTD_IMAP_PASSWORD": dc.Password,
		"KLACHTD_IMAP_POLL_INTERVAL": "5m", "KLACHTD_SMTP_ADDRESS": smtpAddr, "KLACHTD_SMTP_TLS": "none",
		"KLACHTD_INTAKE_ADDRESS": "klachten@gemeente.example", "KLACHTD_INTAKE_NAME": "Klachtenmeldpunt",
		// A backlog of ten thousand different complainants: the loop guards
		// on acknowledgements must not be what the benchmark measures.
		"KLACHTD_INTAKE_ACKS_PER_HOUR": "10000000", "KLACHTD_INTAKE_ACKS_PER_DOMAIN_PER_HOUR": "10000000",
	}
	path := ""
	if *benchNotify {
		path = filepath.Join(b.TempDir(), "klachtd.toml")
		toml := "[[handlers]]\nname = \"Bea de Wit\"\naddress = \"b.dewit@gemeente.example\"\ndefault = true\n"
		if err := os.WriteFile(path, []byte(toml), 0o600); err != nil {
			b.Fatal(err)
		}
	}
	cfg, err := config.Load(path, func(k string) string { return env[k] })
	if err != nil {
		b.Fatal(err)
	}
	return cfg
}

func benchExec(dsn, stmt string) error {
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.Exec(stmt)
	return err
}

// benchMail is complaint i of the mix: half plain text, three in ten HTML
// (multipart/alternative), two in ten with a PDF attachment; about 4 KB each.
func benchMail(i int, date time.Time) []byte {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "From: Burger %d <burger%d@wijk%d.example>\r\nTo: klachten@gemeente.example\r\n", i, i, i%997)
	fmt.Fprintf(&buf, "Subject: Overlast in de straat, melding %d\r\nDate: %s\r\nMessage-ID: <bench-%d@wijk%d.example>\r\nMIME-Version: 1.0\r\n",
		i, date.Format(time.RFC1123Z), i, i%997)
	text := strings.Repeat(fmt.Sprintf("Sinds weken is er elke nacht overlast bij huisnummer %d; ik wil weten wat de gemeente gaat doen.\r\n", i), 20)
	switch {
	case i%10 < 5:
		buf.WriteString("Content-Type: text/plain; charset=utf-8\r\n\r\n")
		buf.WriteString(text)
		buf.WriteString(text[:len(text)/2])
	case i%10 < 8:
		buf.WriteString("Content-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n--alt\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
		buf.WriteString(text)
		buf.WriteString("--alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>")
		buf.WriteString(strings.ReplaceAll(text, "\r\n", "</p>\r\n<p>"))
		buf.WriteString("</p></body></html>\r\n--alt--\r\n")
	default:
		buf.WriteString("Content-Type: multipart/mixed; boundary=\"mix\"\r\n\r\n--mix\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
		buf.WriteString(text[:len(text)/2])
		buf.WriteString("--mix\r\nContent-Type: application/pdf; name=\"foto.pdf\"\r\nContent-Disposition: attachment; filename=\"foto.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
		for range 25 {
			buf.WriteString("JVBERi0xLjQKJcfsj6IKNSAwIG9iago8PC9MZW5ndGggNiAwIFIvRmlsdGVyIC9GbGF0ZURlY29kZT4+\r\n")
		}
		buf.WriteString("--mix--\r\n")
	}
	return buf.Bytes()
}

// fillMaildir writes n mails straight into the INBOX maildir, as a local
// delivery agent would (Dovecot indexes them at the first SELECT).
func fillMaildir(dc *mailboxtest.Dovecot, n int) error {
	root := filepath.Join(dc.Dir, "mail", dc.Username)
	owner, err := os.Stat(filepath.Join(dc.Dir, "mail"))
	if err != nil {
		return err
	}
	uid, gid := ownerOf(owner)
	for _, sub := range []string{"", "cur", "new", "tmp"} {
		p := filepath.Join(root, sub)
		if err := os.MkdirAll(p, 0o700); err != nil {
			return err
		}
		if err := os.Chown(p, uid, gid); err != nil {
			return err
		}
	}
	base := time.Now().Add(-time.Hour)
	for i := range n {
		date := base.Add(time.Duration(i) * time.Millisecond)
		raw := benchMail(i, date)
		p := filepath.Join(root, "new", fmt.Sprintf("%d.M%dP1.bench,S=%d", date.Unix(), i, len(raw)))
		if err := os.WriteFile(p, raw, 0o600); err != nil {
			return err
		}
		if err := errorsJoin(os.Chown(p, uid, gid), os.Chtimes(p, date, date)); err != nil {
			return err
		}
	}
	return nil
}

func errorsJoin(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// bulkFetchRate is Dovecot's rate for UID FETCH 1:* BODY.PEEK[] of the
// backlog on one connection (after a first SELECT has indexed it).
func bulkFetchRate(b *testing.B, a mailboxtest.Account, n int) float64 {
	b.Helper()
	c, err := a.Dial()
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	set := imap.UIDSet{imap.UIDRange{Start: 1, Stop: 0}}
	cmd := c.Fetch(set, &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{{Peek: true}}})
	got := 0
	for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
		for item := msg.Next(); item != nil; item = msg.Next() {
			if body, ok := item.(imapclient.FetchItemDataBodySection); ok && body.Literal != nil {
				io.Copy(io.Discard, body.Literal)
				got++
			}
		}
	}
	if err := cmd.Close(); err != nil {
		b.Fatal(err)
	}
	el := time.Since(start)
	if got != n {
		b.Fatalf("bulk fetch: %d mails, want %d", got, n)
	}
	return float64(got) / el.Seconds()
}

// singleCommitRate is PostgreSQL's rate of one-row transactions on one
// connection (INSERT in autocommit), over about two seconds.
func singleCommitRate(b *testing.B, dsn string) float64 {
	b.Helper()
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`CREATE TABLE bench_commit (id bigserial PRIMARY KEY, v text NOT NULL)`); err != nil {
		b.Fatal(err)
	}
	start, n := time.Now(), 0
	for time.Since(start) < 2*time.Second {
		if _, err := db.Exec(`INSERT INTO bench_commit (v) VALUES ($1)`, "klacht"); err != nil {
			b.Fatal(err)
		}
		n++
	}
	return float64(n) / time.Since(start).Seconds()
}

// steadyLatency delivers -intake-steady mails at -intake-rate per second
// while the daemon idles and returns, per mail, arrival → acknowledgement
// and EXISTS seen → acknowledgement.
func steadyLatency(b *testing.B, dc *mailboxtest.Dovecot, sink *ackSink, base int, seen *stamps) (lat, share []time.Duration) {
	b.Helper()
	m := *benchSteady
	c, err := dc.Account.Dial()
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	sent := make([]time.Time, m)
	tick := time.NewTicker(time.Duration(float64(time.Second) / *benchRate))
	defer tick.Stop()
	for i := range m {
		<-tick.C
		raw := benchMail(base+i, time.Now())
		sent[i] = time.Now()
		cmd := c.Append("INBOX", int64(len(raw)), nil)
		if _, err := cmd.Write(raw); err != nil {
			b.Fatal(err)
		}
		if err := cmd.Close(); err != nil {
			b.Fatal(err)
		}
		if _, err := cmd.Wait(); err != nil {
			b.Fatal(err)
		}
	}
	sink.waitFor(b, base+m, 2*time.Minute)
	for i := range m {
		acked, ok := sink.ackedAt(base + i)
		if !ok {
			b.Fatalf("mail %d not acknowledged", base+i)
		}
		lat = append(lat, acked.Sub(sent[i]))
		if e, ok := seen.firstAfter(sent[i]); ok && !e.After(acked) {
			share = append(share, acked.Sub(e))
		}
	}
	return lat, share
}

// stamps records when the watcher saw new mail.
type stamps struct {
	mu sync.Mutex
	ts []time.Time
}

func (s *stamps) add() {
	s.mu.Lock()
	s.ts = append(s.ts, time.Now())
	s.mu.Unlock()
}

func (s *stamps) firstAfter(t time.Time) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i, _ := slices.BinarySearchFunc(s.ts, t, func(a, t time.Time) int { return a.Compare(t) })
	if i == len(s.ts) {
		return time.Time{}, false
	}
	return s.ts[i], true
}

// ackSink is the SMTP capture server, counting the acknowledgements of
// the backlog (by In-Reply-To) in a bit per mail, and noting when each
// steady-phase mail's acknowledgement was accepted. It keeps no mail: its
// memory is not the daemon's, and must not grow with the backlog.
type ackSink struct {
	srv      *smtptest.Server
	backlog  int
	mu       sync.Mutex
	seen     []uint64    // a bit per mail, backlog and steady
	steadyAt []time.Time // by mail - backlog
	distinct int
	total    int
	more     chan struct{}
}

func newAckSink(b *testing.B, backlog, steady int) *ackSink {
	srv, err := smtptest.Start()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Close() })
	srv.CountOnly = true
	s := &ackSink{srv: srv, backlog: backlog, seen: make([]uint64, (backlog+steady+63)/64),
		steadyAt: make([]time.Time, steady), more: make(chan struct{}, 1)}
	srv.OnMail = s.record
	return s
}

func (s *ackSink) record(r smtptest.Received) {
	at := time.Now()
	i, ok := ackOf(r.Data)
	if !ok || i < 0 || i >= 64*len(s.seen) {
		return
	}
	s.mu.Lock()
	s.total++
	if s.seen[i/64]&(1<<(i%64)) == 0 {
		s.seen[i/64] |= 1 << (i % 64)
		s.distinct++
		if j := i - s.backlog; j >= 0 && j < len(s.steadyAt) {
			s.steadyAt[j] = at
		}
	}
	s.mu.Unlock()
	select {
	case s.more <- struct{}{}:
	default:
	}
}

// ackOf is the number of the bench mail that data acknowledges.
func ackOf(data []byte) (int, bool) {
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return 0, false
	}
	irt := msg.Header.Get("In-Reply-To")
	num, _, ok := strings.Cut(strings.TrimPrefix(strings.TrimSpace(irt), "<bench-"), "@")
	i, err := strconv.Atoi(num)
	return i, ok && err == nil
}

func (s *ackSink) acknowledged() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.distinct
}

// ackedAt is when steady-phase mail i was first acknowledged.
func (s *ackSink) ackedAt(i int) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j := i - s.backlog
	if j < 0 || j >= len(s.steadyAt) || s.steadyAt[j].IsZero() {
		return time.Time{}, false
	}
	return s.steadyAt[j], true
}

func (s *ackSink) duplicates() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.total - s.distinct
}

func (s *ackSink) waitFor(b *testing.B, n int, limit time.Duration) {
	b.Helper()
	deadline := time.NewTimer(limit)
	defer deadline.Stop()
	for s.acknowledged() < n {
		select {
		case <-s.more:
		case <-deadline.C:
			b.Fatalf("%d of %d mails acknowledged after %s", s.acknowledged(), n, limit)
		}
	}
}

// waitInbox waits until mailbox holds want mails, looking every 20 ms.
func waitInbox(b *testing.B, a mailboxtest.Account, want int, limit time.Duration) {
	b.Helper()
	c, err := a.Dial()
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	end := time.Now().Add(limit)
	for {
		data, err := c.Status("INBOX", &imap.StatusOptions{NumMessages: true}).Wait()
		if err != nil {
			b.Fatal(err)
		}
		if int(*data.NumMessages) == want {
			return
		}
		if time.Now().After(end) {
			b.Fatalf("INBOX holds %d mails after %s, want %d", *data.NumMessages, limit, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// settleInbox waits, looking every 20 ms, until INBOX is empty or limit
// has passed; what is left then is counted by the caller.
func settleInbox(b *testing.B, a mailboxtest.Account, limit time.Duration) {
	b.Helper()
	for end := time.Now().Add(limit); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if statusMessages(b, a, "INBOX") == 0 {
			return
		}
	}
}

func statusMessages(b *testing.B, a mailboxtest.Account, mailbox string) int {
	b.Helper()
	c, err := a.Dial()
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	data, err := c.Status(mailbox, &imap.StatusOptions{NumMessages: true}).Wait()
	if err != nil {
		b.Fatal(err)
	}
	return int(*data.NumMessages)
}

func percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100
	return s[max(0, min(len(s)-1, i-1))]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// watchInboxEmpty looks at INBOX every 20 ms on a connection of its own
// and sends how long after start it first held no mail (the intake rate's
// clock: every mail stored and moved).
func watchInboxEmpty(b *testing.B, a mailboxtest.Account, start time.Time) <-chan time.Duration {
	b.Helper()
	c, err := a.Dial()
	if err != nil {
		b.Fatal(err)
	}
	out := make(chan time.Duration, 1)
	go func() {
		defer c.Close()
		for {
			data, err := c.Status("INBOX", &imap.StatusOptions{NumMessages: true}).Wait()
			if err != nil {
				b.Error(err)
				out <- time.Since(start)
				return
			}
			if *data.NumMessages == 0 {
				out <- time.Since(start)
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	return out
}

// writeHeapProfile writes what the heap holds (after a GC) to path, when
// set: what is left of the drain, to see what grows with the backlog.
func writeHeapProfile(b *testing.B, path string) {
	b.Helper()
	if path == "" {
		return
	}
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	runtime.GC()
	if err := pprof.WriteHeapProfile(f); err != nil {
		b.Fatal(err)
	}
}

// resetPeakRSS gives the freed heap back to the OS and restarts VmHWM at
// the current resident set (Linux >= 4.0: "5" to /proc/self/clear_refs).
// It reports whether the reset worked; if not, peak-RSS-MB includes the
// set-up.
func resetPeakRSS() bool {
	debug.FreeOSMemory()
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// heapSampler records the Go heap's peaks, every 10 ms, until stop.
type heapSampler struct {
	quit chan struct{}
	done chan [2]float64
}

func sampleHeap() *heapSampler {
	h := &heapSampler{quit: make(chan struct{}), done: make(chan [2]float64, 1)}
	go h.run()
	return h
}

func (h *heapSampler) run() {
	samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/gc/heap/live:bytes"}}
	var peak [2]float64
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		metrics.Read(samples)
		for i, s := range samples {
			if s.Value.Kind() == metrics.KindUint64 {
				peak[i] = max(peak[i], float64(s.Value.Uint64())/(1<<20))
			}
		}
		select {
		case <-h.quit:
			h.done <- peak
			return
		case <-tick.C:
		}
	}
}

// stop ends the sampling and returns the peaks in MB: heap objects, live heap.
func (h *heapSampler) stop() (heap, live float64) {
	close(h.quit)
	p := <-h.done
	return p[0], p[1]
}

// peakRSSMB is this process's peak resident set (VmHWM) in MB.
func peakRSSMB() float64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return float64(kb) / 1024
		}
	}
	return 0
}

func ownerOf(fi os.FileInfo) (uid, gid int) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return int(st.Uid), int(st.Gid)
	}
	return os.Getuid(), os.Getgid()
}

// cpuTimes are CPU seconds (user and system) of this process (the daemon
// and the SMTP sink), of the PostgreSQL server with its backends, and of
// Dovecot with its imap processes.
type cpuTimes struct{ self, pg, dovecot float64 }

// cpuNow reads the CPU time of this process and of the process trees under
// the postmaster and the Dovecot master, reaped children included.
func cpuNow(postmaster, dovecot int) cpuTimes {
	type proc struct {
		ppid int
		cpu  float64
	}
	procs := map[int]proc{}
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		raw, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		f := strings.Fields(string(raw[bytes.LastIndexByte(raw, ')')+2:]))
		if len(f) < 15 {
			continue
		}
		ppid, _ := strconv.Atoi(f[1])
		var ticks float64
		for _, i := range []int{11, 12, 13, 14} { // utime, stime, cutime, cstime
			v, _ := strconv.ParseFloat(f[i], 64)
			ticks += v
		}
		procs[pid] = proc{ppid: ppid, cpu: ticks / 100} // USER_HZ
	}
	under := func(root int) float64 {
		var sum float64
		for pid, p := range procs {
			for q := pid; q > 1; q = procs[q].ppid {
				if q == root {
					sum += p.cpu
					break
				}
			}
		}
		return sum
	}
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	self := time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
	return cpuTimes{self: self, pg: under(postmaster), dovecot: under(dovecot)}
}

// since is the CPU time from c0 to c per mail, in microseconds.
func (c cpuTimes) since(c0 cpuTimes, mails int) cpuTimes {
	per := func(a, b float64) float64 { return (a - b) * 1e6 / float64(mails) }
	return cpuTimes{self: per(c.self, c0.self), pg: per(c.pg, c0.pg), dovecot: per(c.dovecot, c0.dovecot)}
}
