package outbox_test

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/outbox"
	"github.com/klachtd/klachtd/internal/outbox/smtptest"
	"github.com/klachtd/klachtd/internal/pgtemp"
	"github.com/klachtd/klachtd/internal/store"
	"github.com/klachtd/klachtd/templates"
)

var (
	deliverMails      = flag.Int("deliver-mails", 3000, "BenchmarkDeliver: queued acknowledgements to deliver")
	deliverFillfactor = flag.Int("deliver-fillfactor", 0, "BenchmarkDeliver: set the outbox table's fillfactor first (100: as before migration 0019)")
)

// sinkEnv makes the test binary an SMTP sink in a process of its own (see
// TestMain), so that BenchmarkDeliver's CPU figures are the sender's alone.
const sinkEnv = "KLACHTD_BENCH_SMTP_SINK"

// BenchmarkDeliver drains a backlog of -deliver-mails queued
// acknowledgements, each an outbox row with its River job inserted as the
// intake does (Queue.Enqueue, 50 to a transaction), through the River
// workers as `klachtd serve` wires them, to an SMTP sink in a child process,
// on a throwaway PostgreSQL with normal durability (fsync and
// synchronous_commit on). It reports:
//
//   - mails/s: from the workers' start until River has completed every job;
//   - cpu-us/mail: this process's CPU (user+system) over the drain: River,
//     the worker, the SMTP client;
//   - pg-cpu-us/mail: the PostgreSQL cluster's CPU (postmaster and backends);
//   - sink-cpu-us/mail: the SMTP sink's CPU over its whole life;
//   - smtp-conns: connections the sink accepted.
//
// It checks that every row is sent and the sink got each mail once. It runs
// once whatever b.N is: go test -run '^$' -bench BenchmarkDeliver -benchtime 1x ./internal/outbox.
func BenchmarkDeliver(b *testing.B) {
	if b.N > 1 {
		b.Skip("one run is the measurement")
	}
	n := *deliverMails
	ctx := context.Background()
	pg, err := pgtemp.StartDurable(ctx)
	if err != nil {
		b.Skip(err)
	}
	defer pg.Stop()
	s, err := store.Open(ctx, pg.DSN)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	if ff := *deliverFillfactor; ff > 0 {
		if _, err := s.DB().ExecContext(ctx, fmt.Sprintf(`ALTER TABLE outbox SET (fillfactor = %d)`, ff)); err != nil {
			b.Fatal(err)
		}
	}
	sink := startSink(b)
	fillOutbox(b, s, n)

	sender, err := outbox.NewSMTP(outbox.SMTPOptions{Address: sink.addr, TLS: "none", HeloName: "gemeente.example"})
	if err != nil {
		b.Fatal(err)
	}
	w := &outbox.Worker{Store: s, Sender: sender, Now: time.Now, Logger: slog.New(slog.DiscardHandler)}
	rc, err := outbox.NewRiver(s.DB(), w, 0, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	events, cancel := rc.SubscribeConfig(&river.SubscribeConfig{ChanSize: n + 100,
		Kinds: []river.EventKind{river.EventKindJobCompleted, river.EventKindJobFailed, river.EventKindJobCancelled}})
	defer cancel()

	db0 := dbStats(b, s)
	pgCPU0, self0 := clusterCPU(b, pg.DSN), selfCPU()
	start := time.Now()
	if err := rc.Start(ctx); err != nil {
		b.Fatal(err)
	}
	waitDone(b, events, n)
	elapsed := time.Since(start)
	self, pgCPU := selfCPU()-self0, clusterCPU(b, pg.DSN)-pgCPU0
	db1 := dbStats(b, s)
	if err := rc.Stop(ctx); err != nil {
		b.Error(err)
	}
	if c, ok := any(sender).(interface{ Close() error }); ok {
		c.Close()
	}
	var sent int
	if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM outbox WHERE status = 'sent'`).Scan(&sent); err != nil || sent != n {
		b.Errorf("%d rows sent (%v), want %d", sent, err, n)
	}
	hot := hotUpdates(b, s)
	got, conns, sinkCPU := sink.stop(b)
	if got != n {
		b.Errorf("the sink accepted %d mails, want %d", got, n)
	}
	per := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(n) }
	b.ReportMetric(float64(n)/elapsed.Seconds(), "mails/s")
	b.ReportMetric(per(self), "cpu-us/mail")
	b.ReportMetric(per(pgCPU), "pg-cpu-us/mail")
	b.ReportMetric(per(sinkCPU), "sink-cpu-us/mail")
	b.ReportMetric(float64(conns), "smtp-conns")
	b.ReportMetric(float64(db1.commits-db0.commits)/float64(n), "write-tx/mail")
	b.ReportMetric(float64(db1.wal-db0.wal)/float64(n), "wal-B/mail")
	b.ReportMetric(hot["outbox"], "outbox-hot-%")
	b.ReportMetric(hot["river_job"], "river-hot-%")
	b.ReportMetric(hot["wal_sync"]/float64(n), "wal-syncs/mail")
	b.ReportMetric(0, "ns/op")
}

// fillOutbox queues n acknowledgements, 50 to a transaction.
func fillOutbox(b *testing.B, s *store.Store, n int) {
	b.Helper()
	ctx := context.Background()
	rc, err := outbox.NewRiver(s.DB(), nil, 0, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	tpl, err := templates.Load("", deadline.Location())
	if err != nil {
		b.Fatal(err)
	}
	q := outbox.NewQueue(outbox.QueueOptions{From: outbox.Address{Name: "Klachten", Address: "klachten@gemeente.example"},
		Templates: tpl, River: rc, Now: func() time.Time { return now }})
	for done := 0; done < n; {
		err := s.InTx(ctx, func(tx *store.Tx) error {
			for i := 0; i < 50 && done+i < n; i++ {
				c := &store.Case{Ref: fmt.Sprintf("KL-2026-%06d", done+i+1), Subject: "Overlast", Language: "nl",
					ReceivedAt: now, AckDue: deadline.DateOf(now), DecisionDue: deadline.NewDate(2026, 12, 14)}
				if _, err := q.Enqueue(ctx, tx, outbox.Mail{Kind: "ack", To: []outbox.Address{{Address: fmt.Sprintf("burger%d@example.nl", done+i)}},
					Auto: outbox.AutoReplied, Template: "ack", Data: map[string]any{"Case": c, "Subject": c.Subject, "IntakeName": "Klachten"}}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		done += 50
	}
}

// waitDone waits for n finished jobs; any that did not complete fails b.
func waitDone(b *testing.B, events <-chan *river.Event, n int) {
	b.Helper()
	timeout := time.After(10 * time.Minute)
	for i := 0; i < n; i++ {
		select {
		case ev := <-events:
			if ev.Kind != river.EventKindJobCompleted {
				b.Fatalf("job %d: %s (%v)", ev.Job.ID, ev.Kind, ev.Job.Errors)
			}
		case <-timeout:
			b.Fatalf("%d of %d deliveries done after 10 minutes", i, n)
		}
	}
}

type pgStats struct{ commits, wal int64 }

// dbStats reads the next transaction id (how many transactions wrote, each
// a commit to flush) and the WAL position, without taking an id.
func dbStats(b *testing.B, s *store.Store) pgStats {
	b.Helper()
	var st pgStats
	err := s.DB().QueryRow(`SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint, pg_current_wal_lsn() - '0/0'`).
		Scan(&st.commits, &st.wal)
	if err != nil {
		b.Fatal(err)
	}
	return st
}

// hotUpdates is the share of updates of outbox and river_job rows that were
// HOT (no index entries written), and (as "wal_sync") the WAL flushes since
// the cluster started. The statistics are flushed when a backend
// ends: the pool's connections are closed first, and the figures read once
// PostgreSQL has let them go.
func hotUpdates(b *testing.B, s *store.Store) map[string]float64 {
	b.Helper()
	db := s.DB()
	db.SetMaxIdleConns(0)
	defer db.SetMaxIdleConns(20)
	conn, err := db.Conn(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	for range 100 {
		var others int
		if err := conn.QueryRowContext(context.Background(), `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid()`).Scan(&others); err != nil || others == 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	var syncs float64
	if err := conn.QueryRowContext(context.Background(), `SELECT wal_sync FROM pg_stat_wal`).Scan(&syncs); err != nil {
		b.Fatal(err)
	}
	rows, err := conn.QueryContext(context.Background(), `SELECT pg_stat_clear_snapshot() IS NULL, relname,
		100.0 * n_tup_hot_upd / greatest(n_tup_upd, 1) FROM pg_stat_user_tables WHERE relname IN ('outbox', 'river_job')`)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	hot := map[string]float64{"wal_sync": syncs}
	for rows.Next() {
		var ok bool
		var name string
		var pct float64
		if err := rows.Scan(&ok, &name, &pct); err != nil {
			b.Fatal(err)
		}
		hot[name] = pct
	}
	return hot
}

// selfCPU is this process's user and system CPU time so far.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// clusterCPU is the CPU time of the cluster's postmaster, its running
// children, and its children that ended, from /proc (clock ticks of 10 ms).
func clusterCPU(b *testing.B, dsn string) time.Duration {
	b.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		b.Fatal(err)
	}
	pidFile, err := os.ReadFile(filepath.Join(u.Query().Get("host"), "data", "postmaster.pid"))
	if err != nil {
		b.Fatal(err)
	}
	pm, _, _ := strings.Cut(string(pidFile), "\n")
	dirs, _ := filepath.Glob("/proc/[0-9]*/stat")
	var ticks int64
	for _, d := range dirs {
		raw, err := os.ReadFile(d)
		if err != nil {
			continue // ended meanwhile
		}
		_, rest, _ := strings.Cut(string(raw), ") ") // the command may hold spaces
		f := strings.Fields(rest)                    // f[0] is field 3 (state)
		if len(f) < 15 {
			continue
		}
		pid := strings.TrimSuffix(filepath.Base(filepath.Dir(d)), "/")
		if pid != pm && f[1] != pm {
			continue
		}
		last := 12 // utime, stime
		if pid == pm {
			last = 14 // and cutime, cstime
		}
		for _, v := range f[11 : last+1] {
			t, _ := strconv.ParseInt(v, 10, 64)
			ticks += t
		}
	}
	return time.Duration(ticks) * 10 * time.Millisecond
}

// sink is the SMTP sink in a child process.
type sink struct {
	addr  string
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *bufio.Reader
}

func startSink(b *testing.B) *sink {
	b.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), sinkEnv+"=1")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	s := &sink{cmd: cmd, stdin: stdin, out: bufio.NewReader(stdout)}
	line, err := s.out.ReadString('\n')
	if err != nil {
		b.Fatal(err)
	}
	s.addr = strings.TrimSpace(line)
	return s
}

// stop ends the sink and returns the mails and connections it accepted and
// its CPU time.
func (s *sink) stop(b *testing.B) (mails, conns int, cpu time.Duration) {
	b.Helper()
	s.stdin.Close()
	line, err := s.out.ReadString('\n')
	if err != nil {
		b.Fatal(err)
	}
	if _, err := fmt.Sscan(line, &mails, &conns); err != nil {
		b.Fatal(err)
	}
	if err := s.cmd.Wait(); err != nil {
		b.Fatal(err)
	}
	return mails, conns, s.cmd.ProcessState.UserTime() + s.cmd.ProcessState.SystemTime()
}

// runSink serves as the benchmark's SMTP sink: it prints its address,
// counts mails until stdin closes, then prints "mails connections".
func runSink() int {
	srv, err := smtptest.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	srv.CountOnly = true
	fmt.Println(srv.Addr)
	io.Copy(io.Discard, os.Stdin)
	srv.Close()
	fmt.Println(srv.Count(), srv.Conns())
	return 0
}
