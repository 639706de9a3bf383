package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/klachtd/klachtd/internal/store"
)

// dbCommand is a subcommand that only needs the database: its flags take
// --config (only database.url is read) besides KLACHTD_DATABASE_URL.
type dbCommand struct {
	*flag.FlagSet
	config *string
}

func newDBCommand(name string, stderr io.Writer) dbCommand {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return dbCommand{FlagSet: fs, config: fs.String("config", "", "config file (TOML); only database.url is needed")}
}

// run parses args, opens the store and calls fn; it returns the exit code:
// 2 for bad flags, 1 for any error (printed), 0 otherwise.
func (c dbCommand) run(ctx context.Context, args []string, stderr io.Writer, fn func(*store.Store) error) int {
	if err := c.Parse(args); err != nil {
		return 2
	}
	s, err := openStore(ctx, *c.config)
	if err == nil {
		err = fn(s)
		s.Close()
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}

// openStore connects with KLACHTD_DATABASE_URL, or the config file's database.url.
func openStore(ctx context.Context, path string) (*store.Store, error) {
	url := os.Getenv("KLACHTD_DATABASE_URL")
	if path != "" {
		cfg, err := loadDatabaseOnly(path)
		if err != nil {
			return nil, err
		}
		url = cfg
	}
	if url == "" {
		return nil, fmt.Errorf("klachtd: set KLACHTD_DATABASE_URL or pass --config")
	}
	return store.Open(ctx, url)
}
