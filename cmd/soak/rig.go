package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/klachtd/klachtd/internal/mailbox/mailboxtest"
	"github.com/klachtd/klachtd/internal/outbox/smtptest"
	"github.com/klachtd/klachtd/internal/pgtemp"
	"github.com/klachtd/klachtd/internal/store"
)

// rig is everything the instances run against.
type rig struct {
	o     options
	pg    *pgtemp.Cluster
	store *store.Store // the soak's own connection, for the report
	imap  *mailboxtest.MemServer
	smtp  *smtptest.Server
	bin   string
	env   []string
	inst  [2]*instance

	mu       sync.Mutex
	captured []capture
}

// capture is one mail the SMTP server accepted, and when.
type capture struct {
	at   time.Time
	data []byte
}

func newRig(ctx context.Context, o options) (*rig, error) {
	r := &rig{o: o, bin: filepath.Join(o.dir, "klachtd")}
	log.Printf("soak: building %s", r.bin)
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", r.bin, "./cmd/klachtd").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build (run from the repository root): %w\n%s", err, out)
	}
	var err error
	if r.pg, err = pgtemp.Start(ctx); err != nil {
		return nil, err
	}
	if r.store, err = store.Open(ctx, r.pg.DSN); err != nil {
		r.close()
		return nil, err
	}
	if err := r.store.Migrate(ctx); err != nil {
		r.close()
		return nil, err
	}
	if r.imap, err = mailboxtest.NewMemServer(mailboxtest.MemOptions{}); err != nil {
		r.close()
		return nil, err
	}
	if r.smtp, err = smtptest.Start(); err != nil {
		r.close()
		return nil, err
	}
	r.smtp.OnMail = func(m smtptest.Received) {
		r.mu.Lock()
		r.captured = append(r.captured, capture{at: time.Now(), data: m.Data})
		r.mu.Unlock()
	}
	r.env = []string{
		"KLACHTD_DATABASE_URL=" + r.pg.DSN, "KLACHTD_IMAP_ADDRESS=" + r.imap.Addr, "KLACHTD_IMAP_TLS=none",
		"KLACHTD_IMAP_USERNAME=" + r.imap.Username, "KLACHTD_IMAP_PASSWORD=" + r.imap.Password,
		"KLACHTD_SMTP_ADDRESS=" + r.smtp.Addr, "KLACHTD_SMTP_TLS=none",
		"KLACHTD_INTAKE_ADDRESS=klachten@gemeente.example", "KLACHTD_INTAKE_NAME=Klachtenmeldpunt",
		"KLACHTD_POLICY_PRESET=awb", "KLACHTD_LOG_LEVEL=info", "KLACHTD_IMAP_POLL_INTERVAL=5s",
	}
	if o.smtpTimeout != "" {
		r.env = append(r.env, "KLACHTD_SMTP_TIMEOUT="+o.smtpTimeout)
	}
	for i := range r.inst {
		r.inst[i] = &instance{name: string(rune('a' + i)), rig: r}
		if err := r.inst[i].start(); err != nil {
			r.close()
			return nil, err
		}
	}
	return r, nil
}

func (r *rig) captures() []capture {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]capture(nil), r.captured...)
}

func (r *rig) close() {
	for _, in := range r.inst {
		if in != nil {
			in.stop()
		}
	}
	if r.smtp != nil {
		r.smtp.Close()
	}
	if r.imap != nil {
		r.imap.Close()
	}
	if r.store != nil {
		r.store.Close()
	}
	if r.pg != nil {
		r.pg.Stop()
	}
}

// instance is one `klachtd serve` process, started again after each kill.
type instance struct {
	name  string
	rig   *rig
	runs  int
	cmd   *exec.Cmd
	done  chan struct{}
	log   *os.File
	kills int
}

func (in *instance) start() error {
	in.runs++
	f, err := os.Create(filepath.Join(in.rig.o.dir, fmt.Sprintf("klachtd-%s-%02d.log", in.name, in.runs)))
	if err != nil {
		return err
	}
	cmd := exec.Command(in.rig.bin, "serve")
	cmd.Env = append(os.Environ(), in.rig.env...)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		f.Close()
		return err
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	in.cmd, in.done, in.log = cmd, done, f
	return nil
}

// kill SIGKILLs the instance and starts it again after restartDelay; it
// returns when the new process has been started.
func (in *instance) kill() error {
	in.kills++
	in.cmd.Process.Signal(syscall.SIGKILL)
	<-in.done
	in.log.Close()
	time.Sleep(in.rig.o.restartDelay)
	return in.start()
}

// stop ends the instance with SIGTERM (a drain), SIGKILL after 40 s.
func (in *instance) stop() {
	if in.cmd == nil {
		return
	}
	in.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-in.done:
	case <-time.After(40 * time.Second):
		in.cmd.Process.Kill()
		<-in.done
	}
	in.log.Close()
}
