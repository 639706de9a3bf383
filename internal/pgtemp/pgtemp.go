// Package pgtemp starts a throwaway PostgreSQL cluster for tests and the demo.
//
// The cluster lives in a fresh directory under the system temp dir, listens only
// on a unix socket in that directory (no TCP port), trusts local connections, and
// is removed by Stop. PostgreSQL refuses to run as root, so when the process is
// root the server binaries run as the "postgres" OS user and the directory is
// handed to that user.
package pgtemp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
)

// Cluster is a running throwaway PostgreSQL server.
type Cluster struct {
	dir  string
	bin  string
	cred *syscall.Credential
	// durable: fsync on (StartDurable); tests run with fsync off.
	durable bool
	// DSN connects to the "postgres" database as the "postgres" superuser.
	DSN string
}

// ErrNoBinaries means no PostgreSQL server binaries were found on this machine.
var ErrNoBinaries = errors.New("pgtemp: no PostgreSQL server binaries (initdb, pg_ctl) found; install the Debian package postgresql")

// Start creates and starts a cluster. It takes under a second on a normal
// machine. It runs with fsync off: data survive a crash of the server but not
// of the machine, which is all a test needs.
func Start(ctx context.Context) (*Cluster, error) { return start(ctx, false) }

// StartDurable is Start with PostgreSQL's normal durability (fsync and
// synchronous_commit on), for benchmarks whose figures must hold in
// production.
func StartDurable(ctx context.Context) (*Cluster, error) { return start(ctx, true) }

func start(ctx context.Context, durable bool) (*Cluster, error) {
	bin, err := findBin()
	if err != nil {
		return nil, err
	}
	// Unix socket paths are limited to ~107 bytes: keep the directory short.
	dir, err := os.MkdirTemp("/tmp", "klpg")
	if err != nil {
		return nil, fmt.Errorf("pgtemp: %w", err)
	}
	c := &Cluster{dir: dir, bin: bin, durable: durable}
	if err := c.prepareOwner(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	data := filepath.Join(dir, "data")
	if err := c.run(ctx, "initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := c.Up(ctx); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	c.DSN = DSN(dir, "postgres")
	return c, nil
}

// DSN is the lib/pq connection string for database name on the cluster in dir.
func DSN(dir, name string) string {
	q := url.Values{"host": {dir}, "sslmode": {"disable"}}
	return (&url.URL{Scheme: "postgres", User: url.User("postgres"), Path: "/" + name, RawQuery: q.Encode()}).String()
}

// Up starts the server of a cluster that was taken Down, and waits until it
// accepts connections.
func (c *Cluster) Up(ctx context.Context) error {
	opts := fmt.Sprintf("-k %s -c listen_addresses='' -c max_connections=200", c.dir)
	if c.durable {
		opts += " -c fsync=on -c synchronous_commit=on"
	} else {
		opts += " -F"
	}
	return c.run(ctx, "pg_ctl", "-D", filepath.Join(c.dir, "data"), "-l", filepath.Join(c.dir, "log"), "-w", "-o", opts, "start")
}

// Down stops the server the way a crash or a failover would (immediate
// mode: every connection is cut), keeping its data for Up. Tests use it to
// take the database away for a moment.
func (c *Cluster) Down(ctx context.Context) error {
	return c.run(ctx, "pg_ctl", "-D", filepath.Join(c.dir, "data"), "-m", "immediate", "-w", "stop")
}

// Stop shuts the server down and removes its directory.
func (c *Cluster) Stop() error {
	err := c.Down(context.Background())
	if rmErr := os.RemoveAll(c.dir); err == nil {
		err = rmErr
	}
	return err
}

// Log returns the server log, for a failing test to print.
func (c *Cluster) Log() string {
	b, _ := os.ReadFile(filepath.Join(c.dir, "log"))
	return string(b)
}

func (c *Cluster) prepareOwner() error {
	if os.Geteuid() != 0 {
		return os.Chmod(c.dir, 0o755)
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return fmt.Errorf("pgtemp: running as root needs the postgres OS user: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	c.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	if err := os.Chown(c.dir, uid, gid); err != nil {
		return fmt.Errorf("pgtemp: %w", err)
	}
	return os.Chmod(c.dir, 0o755)
}

func (c *Cluster) run(ctx context.Context, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, filepath.Join(c.bin, name), args...)
	cmd.Dir = c.dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if c.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	}
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("pgtemp: %s: %w: %s", name, err, out.String())
	}
	return nil
}

// findBin looks for initdb in PG_BIN, in Debian's /usr/lib/postgresql/*/bin
// (newest first), then on PATH.
func findBin() (string, error) {
	if d := os.Getenv("PG_BIN"); d != "" {
		return d, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", ErrNoBinaries
}

func versionOf(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

// PostmasterPID is the server's process id (0 while it is down), for a
// benchmark that counts the CPU time of the server and its backends.
func (c *Cluster) PostmasterPID() int {
	b, err := os.ReadFile(filepath.Join(c.dir, "data", "postmaster.pid"))
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	pid, _ := strconv.Atoi(strings.TrimSpace(line))
	return pid
}
