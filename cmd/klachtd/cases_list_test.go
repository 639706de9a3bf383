package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"testing"

	_ "github.com/lib/pq"

	"github.com/klachtd/klachtd/internal/store/storetest"
)

// listCmd runs `klachtd cases list args…` and returns stdout and stderr.
func listCmd(t *testing.T, args ...string) (string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := run(context.Background(), append([]string{"cases", "list"}, args...), nil, &out, &errOut); code != 0 {
		t.Fatalf("cases list %v: exit %d\n%s", args, code, errOut.String())
	}
	return out.String(), errOut.String()
}

// `cases list` shows the 100 most urgent cases (open ones first, earliest
// due first) and says how to see more; --limit, --after and --all page
// through every case, --all in JSON as one array.
func TestCasesListPages(t *testing.T) {
	dsn := storetest.DSN(t)
	t.Setenv("KLACHTD_DATABASE_URL", dsn)
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// 2500 cases: the even ones closed, due dates spread over 100 days.
	if _, err := db.Exec(`INSERT INTO cases (ref, status, complainant_address, subject, language, received_at, policy,
			ack_due, decision_due, created_at, updated_at)
		SELECT 'KL-2026-' || lpad(g::text, 6, '0'), CASE WHEN g % 2 = 0 THEN 'gesloten' ELSE 'ontvangen' END,
			'burger' || g || '@example.nl', 'Overlast', 'nl', now(), 'awb',
			DATE '2026-11-01' + (g % 100), DATE '2026-11-01' + (g * 37 % 100), now(), now()
		FROM generate_series(1, 2500) g`); err != nil {
		t.Fatal(err)
	}
	refs := func(table string) []string {
		var rs []string
		for _, l := range strings.Split(strings.TrimSpace(table), "\n")[1:] {
			rs = append(rs, strings.Fields(l)[0])
		}
		return rs
	}

	out, hint := listCmd(t)
	first := refs(out)
	if len(first) != defaultListLimit {
		t.Fatalf("default list shows %d cases, want %d", len(first), defaultListLimit)
	}
	if !strings.Contains(out, "ontvangen") || strings.Contains(out, "gesloten") {
		t.Errorf("the first page is not the open cases:\n%s", out)
	}
	if want := "--after " + first[len(first)-1]; !strings.Contains(hint, want) {
		t.Errorf("stderr %q lacks %q", hint, want)
	}

	out, _ = listCmd(t, "--limit", "7", "--after", first[len(first)-1])
	second := refs(out)
	if len(second) != 7 || second[0] == first[len(first)-1] {
		t.Errorf("--after %s --limit 7 = %v", first[len(first)-1], second)
	}

	out, hint = listCmd(t, "--all")
	all := refs(out)
	if len(all) != 2500 || hint != "" {
		t.Fatalf("--all shows %d cases (stderr %q), want 2500", len(all), hint)
	}
	for i, r := range first {
		if all[i] != r {
			t.Fatalf("--all differs from the first page at %d: %s vs %s", i, all[i], r)
		}
	}
	if all[100] != second[0] {
		t.Errorf("--all has %s after the first page, --after has %s", all[100], second[0])
	}

	out, _ = listCmd(t, "--all", "--json")
	var rows []caseRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil || len(rows) != 2500 {
		t.Fatalf("--all --json: %d rows, %v", len(rows), err)
	}
	if rows[1249].Status != "ontvangen" || rows[1250].Status != "gesloten" {
		t.Errorf("--all --json: open cases are not first (%s, %s)", rows[1249].Status, rows[1250].Status)
	}
}
