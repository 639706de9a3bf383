package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/klachtd/klachtd/internal/config"
	"github.com/klachtd/klachtd/internal/store"
)

func runMigrate(ctx context.Context, args []string, stderr io.Writer) int {
	return newDBCommand("migrate", stderr).run(ctx, args, stderr, func(s *store.Store) error {
		if err := s.Migrate(ctx); err != nil {
			return err
		}
		fmt.Fprintln(stderr, "klachtd: schema is up to date")
		return nil
	})
}

func runConfigCheck(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("config check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "config file (TOML)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg, err := loadConfig(config.NeedAll, *path, stderr)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fmt.Fprint(stdout, cfg.Redacted())
	fmt.Fprintln(stderr, "klachtd: config is valid")
	return 0
}
