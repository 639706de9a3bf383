package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/rivermigrate"
)

//go:embed migrations/*.sql
var migrations embed.FS

// ErrSchemaOutdated means the database lacks migrations this binary needs.
var ErrSchemaOutdated = errors.New("store: database schema is older than this klachtd; run `klachtd migrate` (or serve --migrate)")

func (s *Store) goose() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(goose.DialectPostgres, s.db.DB, sub, goose.WithSessionLocker(locker))
}

func (s *Store) river() (*rivermigrate.Migrator[*sql.Tx], error) {
	return rivermigrate.New(riverdatabasesql.New(s.db.DB), nil)
}

// Migrate brings klachtd's own schema and the job queue's schema up to date.
// It is safe to run from several instances at once (a session lock).
func (s *Store) Migrate(ctx context.Context) error {
	p, err := s.goose()
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	m, err := s.river()
	if err != nil {
		return fmt.Errorf("store: migrate queue: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("store: migrate queue: %w", err)
	}
	return nil
}

// CheckSchema returns ErrSchemaOutdated when a migration is pending.
func (s *Store) CheckSchema(ctx context.Context) error {
	p, err := s.goose()
	if err != nil {
		return fmt.Errorf("store: check schema: %w", err)
	}
	pending, err := p.HasPending(ctx)
	if err != nil {
		return fmt.Errorf("store: check schema: %w", err)
	}
	if pending {
		return ErrSchemaOutdated
	}
	m, err := s.river()
	if err != nil {
		return fmt.Errorf("store: check schema: %w", err)
	}
	res, err := m.Validate(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: check schema: %w", err)
	}
	if !res.OK {
		return ErrSchemaOutdated
	}
	return nil
}
