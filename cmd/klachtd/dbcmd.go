package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/klachtd/klachtd/internal/config"
	"github.com/klachtd/klachtd/internal/store"
)

// dbCommand is a subcommand that only needs the database. It loads the
// config like every other subcommand (file, then environment, which wins)
// but requires and validates only database.url.
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
// 2 for bad flags, 1 for any error (printed without secrets), 0 otherwise.
func (c dbCommand) run(ctx context.Context, args []string, stderr io.Writer, fn func(*store.Store) error) int {
	cfg, code := c.load(args, stderr)
	if cfg == nil {
		return code
	}
	return withStore(ctx, cfg, stderr, fn)
}

// load parses args and loads the config; on failure it returns a nil config
// and the exit code (2 for bad flags, 1 for a bad config, printed).
func (c dbCommand) load(args []string, stderr io.Writer) (*config.Config, int) {
	if err := c.Parse(args); err != nil {
		return nil, 2
	}
	cfg, err := loadConfig(config.NeedDatabase, *c.config, stderr)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return nil, 1
	}
	return cfg, 0
}

// withStore opens the store, calls fn and closes it; it returns the exit
// code, 1 for any error (printed without secrets).
func withStore(ctx context.Context, cfg *config.Config, stderr io.Writer, fn func(*store.Store) error) int {
	s, err := store.Open(ctx, cfg.Database.URL)
	if err == nil {
		err = fn(s)
		s.Close()
	}
	if err != nil {
		fmt.Fprintln(stderr, cfg.Scrubber().Error(err))
		return 1
	}
	return 0
}

// loadConfig is how every subcommand reads its configuration: the file (if
// any), the environment over it, secret files; warnings (a secret file that
// others may read) go to stderr. Its errors carry no secret.
func loadConfig(need config.Need, path string, stderr io.Writer) (*config.Config, error) {
	cfg, err := config.LoadFor(need, path, os.Getenv)
	if err != nil {
		return nil, err
	}
	for _, w := range cfg.Warnings() {
		fmt.Fprintf(stderr, "klachtd: warning: %s\n", w)
	}
	return cfg, nil
}
