package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/klachtd/klachtd/internal/config"
	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/records"
	"github.com/klachtd/klachtd/internal/store"
)

// recordsCommand is a database subcommand of the records room (purge,
// hold, subject-access, export, register, report): it also needs the
// policy, [retention] and the configured categories.
type recordsCommand struct {
	dbCommand
}

func newRecordsCommand(name string, stderr io.Writer) recordsCommand {
	return recordsCommand{newDBCommand(name, stderr)}
}

// recordsEnv is what a records subcommand works with.
type recordsEnv struct {
	cfg        *config.Config
	store      *store.Store
	rec        *records.Records
	categories []string
}

// run parses args, loads the config, opens the store and calls fn; exit
// codes as dbCommand.run.
func (c recordsCommand) run(ctx context.Context, args []string, stderr io.Writer, fn func(recordsEnv) error) int {
	cfg, code := c.load(args, stderr)
	if cfg == nil {
		return code
	}
	policy, err := deadline.FromConfig(cfg.Policy)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return withStore(ctx, cfg, stderr, func(s *store.Store) error {
		rec := records.New(records.Options{Store: s, Policy: policy, MachineMailDays: cfg.Retention.MachineMailDays})
		return fn(recordsEnv{cfg: cfg, store: s, rec: rec, categories: categories(cfg)})
	})
}

// arg is the positional argument: the one before the flags (first) or
// else the first after them.
func (c recordsCommand) arg(first string) string {
	if first != "" {
		return first
	}
	return c.Arg(0)
}

// categories is the configured list: every handler's and routing rule's.
func categories(cfg *config.Config) []string {
	seen := map[string]bool{}
	var out []string
	add := func(c string) {
		if c != "" && !seen[strings.ToLower(c)] {
			seen[strings.ToLower(c)] = true
			out = append(out, c)
		}
	}
	for _, h := range cfg.Handlers {
		for _, c := range h.Categories {
			add(c)
		}
	}
	for _, r := range cfg.Routing {
		add(r.Category)
	}
	return out
}

// splitArg takes a leading positional argument (a reference or address)
// off args, so that it may come before or after the flags.
func splitArg(args []string) (string, []string) {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		return args[0], args[1:]
	}
	return "", args
}

// writeOut writes an export to path ("-" is stdout) and closes the file.
func writeOut(path string, stdout io.Writer, write func(io.Writer) error) error {
	if path == "" {
		return fmt.Errorf("--out FILE is required")
	}
	if path == "-" {
		return write(stdout)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
