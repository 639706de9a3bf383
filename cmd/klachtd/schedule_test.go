package main

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/store/storetest"
	"github.com/klachtd/klachtd/templates"
)

// The demo runs the whole daemon across two months of clock and shows the
// timed work in its timeline: reminders, one escalation, one digest a day,
// and a repeated sweep that sends nothing twice.
func TestDemoShowsRemindersEscalationAndDigests(t *testing.T) {
	t.Setenv("KLACHTD_DATABASE_URL", storetest.DSN(t)) // the demo makes its own database on that server
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := demoMain(ctx, &out, filepath.Join(t.TempDir(), "out"), slog.New(slog.DiscardHandler)); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	s := out.String()
	tests := []struct {
		what string
		want string
		n    int
	}{
		{"reminder two weeks after receipt (the two open cases)", "→ reminder received+2w, sent to b.dewit@", 2},
		{"reminder before the extended due date", "→ reminder due-10wd, sent to b.dewit@", 1},
		{"one escalation", "→ escalation overdue, sent to m.visser@", 1},
		{"a digest on each of two days", "→ daily digest, sent to m.visser@", 2},
		{"the repeated sweep sends nothing", "→ nothing new", 1},
		// The procedure (issue 13): a hearing, a decision letter with the
		// recourse, a measure checked later.
		{"hearing invitations to both parties", "→ invitation to the hearing, sent to", 2},
		{"the hearing reminder the day before", "→ hearing reminder (the day before), sent to b.dewit@", 1},
		{"the decision letter", "→ decision letter (reasoning, measures, hearing report, recourse) to the complainant, sent to j.devries@", 1},
		{"the measure's check on its date", "→ measure check (did it work? #effectief), sent to b.dewit@", 1},
		{"the measure's result", "→ #effectief: measure 1 worked: ja", 1},
		// Intake that holds (issue 9): a web form with machine headers is a
		// case for review, a bounce without multipart/report is not answered,
		// a forged handler mail is refused.
		{"the web form opens a case for review", "→ marked for review: a person looks at it first", 1},
		{"the web form is not acknowledged", "→ no acknowledgement (Precedence: bulk", 1},
		{"the Exim bounce is machine mail", "→ bounce: stored, no case, not answered (bounce (exim)", 1},
		// Other channels (issue 14): a phone complaint registered by the
		// handler, acknowledged to the caller, closed informally.
		{"a phone complaint registered", "→ #namens: case KL-2026-000004 registered on behalf of Henk Bakker by b.dewit@gemeente-voorbeeld.nl, channel telefoon, received Tue 3 Nov 09:15", 1},
		{"the caller is acknowledged", "→ acknowledgement, sent to h.bakker@example.org", 1},
		{"the forged handler mail is refused", "→ refused whole: no command applied, nothing relayed (mx.gemeente-voorbeeld.nl says dmarc=fail)", 1},
	}
	for _, tt := range tests {
		if n := strings.Count(s, tt.want); n != tt.n {
			t.Errorf("%s: %q appears %d times, want %d", tt.what, tt.want, n, tt.n)
		}
	}
	if strings.Contains(s, "(not delivered)") {
		t.Errorf("a mail was not delivered:\n%s", s)
	}
	if t.Failed() {
		t.Log(s)
	}
}

// Every template renders in both languages with its preview sample, and no
// field of the sample is missing ("<no value>"). A template added without a
// sample in previewSamples fails here.
func TestPreviewEveryTemplate(t *testing.T) {
	for _, name := range templates.Names() {
		if _, ok := previewSamples[name]; !ok {
			t.Errorf("template %s has no sample in previewSamples (cmd/klachtd/templates.go)", name)
		}
		for _, lang := range templates.Languages {
			t.Run(name+"/"+lang, func(t *testing.T) {
				var out, errOut bytes.Buffer
				if code := runTemplates([]string{"preview", name, "--lang", lang, "--html"}, &out, &errOut); code != 0 {
					t.Fatalf("exit %d: %s", code, errOut.String())
				}
				s := out.String()
				if !strings.HasPrefix(s, "Subject: ") || strings.HasPrefix(s, "Subject: \n") {
					t.Errorf("no subject:\n%s", s)
				}
				if strings.Contains(s, "<no value>") {
					t.Errorf("the sample lacks a field the template uses:\n%s", s)
				}
			})
		}
	}
}

func TestPreviewUsage(t *testing.T) {
	tests := []struct {
		args []string
		code int
	}{
		{nil, 2},
		{[]string{"preview"}, 2},
		{[]string{"preview", "nosuch"}, 2},
		{[]string{"preview", "digest", "--lang", "de"}, 2},
		{[]string{"preview", "--lang", "en", "digest"}, 0},
		{[]string{"preview", "reminder", "--lang", "en"}, 0},
	}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		if code := runTemplates(tt.args, &out, &errOut); code != tt.code {
			t.Errorf("templates %v: exit %d, want %d (%s)", tt.args, code, tt.code, errOut.String())
		}
	}
}
