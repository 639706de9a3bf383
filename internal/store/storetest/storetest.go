// Package storetest gives tests a real PostgreSQL database.
//
// A package that needs one calls Main from its TestMain. Main uses the server
// named by KLACHTD_TEST_DATABASE_URL, or starts a throwaway cluster (pgtemp) and
// removes it afterwards. It migrates a template database once; New then hands
// each test a fresh database copied from it. Without a server a test skips —
// except under CI=true, where it fails, so that CI can never pass by skipping.
package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"sync/atomic"
	"testing"

	_ "github.com/lib/pq"

	"github.com/klachtd/klachtd/internal/pgtemp"
	"github.com/klachtd/klachtd/internal/store"
)

var (
	serverDSN string // connects to the maintenance database
	template  string
	setupErr  error
	counter   atomic.Int64
)

// Main sets the server up, runs the tests and tears it down.
func Main(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	ctx := context.Background()
	serverDSN = os.Getenv("KLACHTD_TEST_DATABASE_URL")
	if serverDSN == "" {
		c, err := pgtemp.Start(ctx)
		if err != nil {
			setupErr = err
			return m.Run()
		}
		defer c.Stop()
		serverDSN = c.DSN
	}
	template = fmt.Sprintf("klachtd_tpl_%d", os.Getpid())
	if setupErr = createTemplate(ctx); setupErr != nil {
		return m.Run()
	}
	defer exec(ctx, serverDSN, `DROP DATABASE IF EXISTS `+template)
	return m.Run()
}

func createTemplate(ctx context.Context) error {
	if err := exec(ctx, serverDSN, `CREATE DATABASE `+template); err != nil {
		return err
	}
	s, err := store.Open(ctx, withDB(serverDSN, template))
	if err != nil {
		return err
	}
	defer s.Close()
	return s.Migrate(ctx)
}

// DSN returns the connection string of a fresh, migrated database that is
// dropped when the test ends.
func DSN(t testing.TB) string {
	t.Helper()
	if serverDSN == "" || setupErr != nil {
		msg := fmt.Sprintf("no PostgreSQL for tests (set KLACHTD_TEST_DATABASE_URL or install postgresql): %v", setupErr)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	name := fmt.Sprintf("%s_%d", template, counter.Add(1))
	ctx := context.Background()
	if err := exec(ctx, serverDSN, `CREATE DATABASE `+name+` TEMPLATE `+template); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { exec(context.Background(), serverDSN, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`) })
	return withDB(serverDSN, name)
}

// EmptyDSN returns the connection string of a fresh database without any
// schema, dropped when the test ends.
func EmptyDSN(t testing.TB) string {
	t.Helper()
	DSN(t) // skips or fails the test without a server
	name := fmt.Sprintf("%s_empty_%d", template, counter.Add(1))
	if err := exec(context.Background(), serverDSN, `CREATE DATABASE `+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { exec(context.Background(), serverDSN, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`) })
	return withDB(serverDSN, name)
}

// New returns a Store on a fresh, migrated database.
func New(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func withDB(dsn, name string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	u.Path = "/" + name
	return u.String()
}

func exec(ctx context.Context, dsn, stmt string) error {
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("storetest: %s: %w", stmt, err)
	}
	return nil
}

// Run is Main without the exit, for a TestMain that tears down more after
// the tests (a browser): os.Exit(storetest.Run(m)).
func Run(m *testing.M) int { return run(m) }
