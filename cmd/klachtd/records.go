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
	if err := c.Parse(args); err != nil {
		return 2
	}
	cfg, err := loadConfig(config.NeedDatabase, *c.config, stderr)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	policy, err := deadline.FromConfig(cfg.Policy)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	s, err := store.Open(ctx, cfg.Database.URL)
	if err == nil {
		rec := records.New(records.Options{Store: s, Policy: policy, MachineMailDays: cfg.Retention.MachineMailDays})
		err = fn(recordsEnv{cfg: cfg, store: s, rec: rec, categories: categories(cfg)})
		s.Close()
	}
	if err != nil {
		fmt.Fprintln(stderr, cfg.Scrubber().Error(err))
		return 1
	}
	return 0
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

// createOut opens the output file of an export; "-" is stdout.
func createOut(path string, stdout io.Writer) (io.Writer, func() error, error) {
	if path == "" {
		return nil, nil, fmt.Errorf("--out FILE is required")
	}
	if path == "-" {
		return stdout, func() error { return nil }, nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, nil, err
	}
	return f, f.Close, nil
}
