package records

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/klachtd/klachtd/internal/deadline"
)

// Period is a span of calendar days in Europe/Amsterdam, To exclusive.
type Period struct {
	Title    string
	From, To deadline.Date
}

// Year is one calendar year.
func Year(y int) Period {
	return Period{fmt.Sprintf("Klachtenregister %d", y), deadline.NewDate(y, 1, 1), deadline.NewDate(y+1, 1, 1)}
}

// Quarter parses "2026Q4" (or "2026-Q4").
func Quarter(s string) (Period, error) {
	s = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), "-", ""))
	y, q, ok := strings.Cut(s, "Q")
	year, err1 := strconv.Atoi(y)
	n, err2 := strconv.Atoi(q)
	if !ok || err1 != nil || err2 != nil || n < 1 || n > 4 || year < 1900 {
		return Period{}, fmt.Errorf("records: not a quarter like 2026Q4: %q", s)
	}
	return quarter(year, n), nil
}

func quarter(year, n int) Period {
	from := deadline.NewDate(year, time.Month(3*(n-1)+1), 1)
	return Period{fmt.Sprintf("Klachten %dQ%d", year, n), from, deadline.NewDate(year, time.Month(3*n+1), 1)}
}

// Previous is the quarter before a quarter p.
func (p Period) Previous() Period {
	q := (int(p.From.Month)-1)/3 + 1
	if q == 1 {
		return quarter(p.From.Year-1, 4)
	}
	return quarter(p.From.Year, q-1)
}

// Stats counts the complaints received in p. categories is the configured list.
func (r *Records) Stats(ctx context.Context, p Period, categories []string) (Stats, error) {
	rows, err := r.o.Store.RegisterBetween(ctx, p.From.Start(), p.To.Start())
	if err != nil {
		return Stats{}, fmt.Errorf("records: %w", err)
	}
	return Compute(p.Title, p.From, p.To, rows, categories), nil
}

// QuarterOf names the quarter t falls in, like "2026Q4".
func QuarterOf(t time.Time) string {
	d := deadline.DateOf(t)
	return fmt.Sprintf("%dQ%d", d.Year, (int(d.Month)-1)/3+1)
}
