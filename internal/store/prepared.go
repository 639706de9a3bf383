package store

import (
	"context"
	"database/sql"
	"sync"

	"github.com/jmoiron/sqlx"
)

// Statements with parameters run inside a Tx as prepared statements, each
// prepared once per connection and kept: lib/pq sends an unprepared
// statement with parameters in two round trips (parse, then bind and
// execute), a prepared one in one. Intake runs about fifteen such statements
// per mail, so this halves its round trips. Statements without parameters
// (several in one string, SAVEPOINT) go as they are. The cache holds at
// most maxPrepared statement texts (the SQL in this package is fixed text;
// past the bound a statement simply runs unprepared).
const maxPrepared = 512

// prepared is the Store's cache of prepared statements, shared by the
// Stores of ForAccount.
type prepared struct {
	mu    sync.Mutex
	stmts map[string]*sqlx.Stmt
}

func newPrepared() *prepared { return &prepared{stmts: make(map[string]*sqlx.Stmt)} }

// get returns query prepared on db, preparing it the first time; nil when
// it cannot be prepared (then it runs unprepared, and its error shows there).
func (p *prepared) get(ctx context.Context, db *sqlx.DB, query string) *sqlx.Stmt {
	p.mu.Lock()
	defer p.mu.Unlock()
	if st, ok := p.stmts[query]; ok {
		return st
	}
	if len(p.stmts) >= maxPrepared {
		return nil
	}
	st, err := db.PreparexContext(ctx, query)
	if err != nil {
		return nil
	}
	p.stmts[query] = st
	return st
}

// close releases every prepared statement.
func (p *prepared) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for q, st := range p.stmts {
		st.Close()
		delete(p.stmts, q)
	}
}

// stmt is query as a statement of tx, prepared, or nil to run it as it is.
func (tx *Tx) stmt(ctx context.Context, query string, args []any) *sqlx.Stmt {
	if len(args) == 0 || tx.prep == nil {
		return nil
	}
	st := tx.prep.get(ctx, tx.db, query)
	if st == nil {
		return nil
	}
	return tx.Tx.StmtxContext(ctx, st)
}

// ExecContext runs query in the transaction, prepared when it has parameters.
func (tx *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := tx.stmt(ctx, query, args); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return tx.Tx.ExecContext(ctx, query, args...)
}

// QueryContext is ExecContext for rows.
func (tx *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := tx.stmt(ctx, query, args); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return tx.Tx.QueryContext(ctx, query, args...)
}

// QueryxContext is ExecContext for sqlx rows.
func (tx *Tx) QueryxContext(ctx context.Context, query string, args ...any) (*sqlx.Rows, error) {
	if st := tx.stmt(ctx, query, args); st != nil {
		return st.QueryxContext(ctx, args...)
	}
	return tx.Tx.QueryxContext(ctx, query, args...)
}

// QueryRowxContext is ExecContext for one sqlx row.
func (tx *Tx) QueryRowxContext(ctx context.Context, query string, args ...any) *sqlx.Row {
	if st := tx.stmt(ctx, query, args); st != nil {
		return st.QueryRowxContext(ctx, args...)
	}
	return tx.Tx.QueryRowxContext(ctx, query, args...)
}

// GetContext is sqlx's Get through the prepared statements.
func (tx *Tx) GetContext(ctx context.Context, dest any, query string, args ...any) error {
	return sqlx.GetContext(ctx, tx, dest, query, args...)
}

// SelectContext is sqlx's Select through the prepared statements.
func (tx *Tx) SelectContext(ctx context.Context, dest any, query string, args ...any) error {
	return sqlx.SelectContext(ctx, tx, dest, query, args...)
}
