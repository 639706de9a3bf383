package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/klachtd/klachtd/internal/config"
)

func runMigrate(ctx context.Context, args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "config file (TOML); only database.url is needed")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	s, err := openStore(ctx, *path)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fmt.Fprintln(stderr, "klachtd: schema is up to date")
	return 0
}

func runConfigCheck(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("config check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "config file (TOML)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg, err := config.Load(*path, os.Getenv)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fmt.Fprint(stdout, cfg.Redacted())
	fmt.Fprintln(stderr, "klachtd: config is valid")
	return 0
}
