package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/store"
	"github.com/klachtd/klachtd/internal/store/storetest"
)

// seedCases inserts n cases with one statement: due dates spread over two
// years, one in five closed, one in fifty marked for review.
func seedCases(t testing.TB, s *store.Store, n int) {
	t.Helper()
	_, err := s.DB().ExecContext(context.Background(), `
		INSERT INTO cases (ref, status, complainant_address, subject, language, received_at, policy,
			ack_due, decision_due, needs_review, created_at, updated_at)
		SELECT 'KL-2026-' || lpad(g::text, 7, '0'),
			CASE WHEN g % 5 = 0 THEN 'gesloten' WHEN g % 5 = 1 THEN 'in_behandeling' ELSE 'ontvangen' END,
			'burger' || g || '@example.nl', 'Overlast', 'nl', now(), 'awb',
			DATE '2026-01-01' + (g % 730), DATE '2026-01-01' + (g::bigint * 7919 % 730)::int, g % 50 = 0, now(), now()
		FROM generate_series(1, $1::int) g`, n)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().ExecContext(context.Background(), `ANALYZE cases`); err != nil {
		t.Fatal(err)
	}
}

// explain is PostgreSQL's plan of what ListCases sends for f.
func explain(t testing.TB, s *store.Store, f store.CaseFilter) string {
	t.Helper()
	q, args := store.ListCasesQuery(f)
	rows, err := s.DB().QueryContext(context.Background(), "EXPLAIN "+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var l string
		if err := rows.Scan(&l); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, l)
	}
	return strings.Join(plan, "\n")
}

// Every view of `cases list` reads a page through an index in list order:
// no scan of the whole table, no sort of it.
func TestListCasesUsesAnIndex(t *testing.T) {
	s := storetest.New(t)
	seedCases(t, s, 50_000)
	after := store.CaseCursor{Due: deadline.Date{Year: 2026, Month: 6, Day: 1}, ID: 1000}
	views := []struct {
		name string
		f    store.CaseFilter
	}{
		{"default", store.CaseFilter{Limit: 100}},
		{"next page", store.CaseFilter{Limit: 100, After: after}},
		{"status", store.CaseFilter{Status: "in_behandeling", Limit: 100}},
		{"status next page", store.CaseFilter{Status: "in_behandeling", Limit: 100, After: after}},
		{"review", store.CaseFilter{Review: true, Limit: 100}},
		{"overdue", store.CaseFilter{Overdue: deadline.Date{Year: 2026, Month: 12, Day: 1}, Limit: 100}},
	}
	for _, v := range views {
		t.Run(v.name, func(t *testing.T) {
			plan := explain(t, s, v.f)
			t.Log(plan)
			if !strings.Contains(plan, "Index Scan using cases_") || strings.Contains(plan, "Seq Scan") || strings.Contains(plan, "Sort") {
				t.Errorf("plan is not an index walk in list order:\n%s", plan)
			}
		})
	}
}

// Pages follow each other in list order (open cases first, by due date),
// without gap or overlap.
func TestListCasesPages(t *testing.T) {
	s := storetest.New(t)
	seedCases(t, s, 1000)
	ctx := context.Background()
	all, err := s.ListCases(ctx, store.CaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 1000 {
		t.Fatalf("%d cases, want 1000", len(all))
	}
	var paged []store.Case
	f := store.CaseFilter{Limit: 70}
	for {
		page, err := s.ListCases(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		paged = append(paged, page...)
		if len(page) < f.Limit {
			break
		}
		f.After = store.CursorOf(page[len(page)-1])
	}
	for i := range all {
		if i >= len(paged) || paged[i].ID != all[i].ID {
			t.Fatalf("page walk differs from the whole list at %d (%d vs %d cases)", i, len(paged), len(all))
		}
		if i > 0 && all[i-1].Status == store.StatusClosed && all[i].Status != store.StatusClosed {
			t.Fatalf("open case %s after a closed one", all[i].Ref)
		}
		if i > 0 && (all[i-1].Status == store.StatusClosed) == (all[i].Status == store.StatusClosed) && all[i].DecisionDue.Before(all[i-1].DecisionDue) {
			t.Fatalf("%s due %s after %s due %s", all[i].Ref, all[i].DecisionDue, all[i-1].Ref, all[i-1].DecisionDue)
		}
	}
	if len(paged) != len(all) {
		t.Errorf("%d cases in pages, want %d", len(paged), len(all))
	}
}

// BenchmarkListCases1M is the default `cases list` page (100 cases) over a
// million cases.
func BenchmarkListCases1M(b *testing.B) {
	s := storetest.New(b)
	seedCases(b, s, 1_000_000)
	b.Log(explain(b, s, store.CaseFilter{Limit: 100}))
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		cs, err := s.ListCases(ctx, store.CaseFilter{Limit: 100})
		if err != nil || len(cs) != 100 {
			b.Fatal(len(cs), err)
		}
	}
	b.ReportMetric(1_000_000, "cases")
}
