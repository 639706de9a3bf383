package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/klachtd/klachtd/internal/config"
)

func runServe(ctx context.Context, args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "config file (TOML); without it, environment only")
	migrate := fs.Bool("migrate", false, "apply pending database migrations first")
	once := fs.Bool("once", false, "process what is in the mailbox, send what the schedule says is due, deliver, and exit")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg, err := config.Load(*path, os.Getenv)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	log := slog.New(config.ScrubHandler(newLogger(cfg.Log, stderr).Handler(), cfg.Scrubber()))
	for _, w := range cfg.Warnings() {
		if w.Text != "" {
			log.Warn("config_warning", slog.String("key", w.Key), slog.String("warning", w.Text))
			continue
		}
		log.Warn("secret_file_readable", slog.String("key", w.Key), slog.String("file", w.File),
			slog.String("mode", fmt.Sprintf("%04o", uint32(w.Mode))))
	}
	if *once {
		cfg.HTTP.Listen = "" // nothing to scrape in a run that ends at once
	}
	d := &Daemon{Config: cfg, Logger: log, Migrate: *migrate, SweepOnce: *once}
	defer d.Close()
	if err := d.Open(ctx); err != nil {
		log.Error("start_failed", slog.Any("error", err))
		return 1
	}
	log.Info("started", slog.String("mailbox", cfg.IMAP.Mailbox), slog.String("imap", cfg.IMAP.Address),
		slog.String("smtp", cfg.SMTP.Address), slog.String("policy", cfg.Policy.Preset))
	if *once {
		err = d.RunOnce(ctx)
	} else {
		stop := reloadOnHUP(ctx, d, *path, log)
		defer stop()
		err = d.Run(ctx)
	}
	if err != nil {
		log.Error("stopped", slog.Any("error", err))
		return 1
	}
	log.Info("stopped")
	return 0
}

func newLogger(c config.Log, w io.Writer) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.Level)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// reloadOnHUP re-reads the config on SIGHUP and swaps in the new handlers,
// managers and routing; mails in progress finish with the old ones. A bad
// config is logged and the running one kept. Connection settings (database,
// IMAP, SMTP) need a restart.
func reloadOnHUP(ctx context.Context, d *Daemon, path string, log *slog.Logger) (stop func()) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				if err := d.Reload(path, os.Getenv); err != nil {
					log.Error("reload_failed", slog.Any("error", err))
				} else {
					log.Info("reloaded", slog.Int("handlers", len(d.Config.Handlers)))
				}
			}
		}
	}()
	return func() { signal.Stop(hup) }
}
