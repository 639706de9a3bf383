package main

import (
	"database/sql"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/klachtd/klachtd/internal/cases"
	"github.com/klachtd/klachtd/internal/config"
	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/schedule"
	"github.com/klachtd/klachtd/internal/store"
	"github.com/klachtd/klachtd/templates"
)

const templatesUsage = `usage: klachtd templates preview NAME [--lang nl|en] [--html] [--dir DIR]

Renders a mail template with sample data: the subject, the text body and,
with --html, the HTML body. --dir (default $KLACHTD_TEMPLATES_DIR) is an
override directory as in [templates] dir. Templates: %s
`

// runTemplates is `klachtd templates preview NAME [--lang en]`.
func runTemplates(args []string, stdout, stderr io.Writer) int {
	names := strings.Join(templates.Names(), ", ")
	if len(args) == 0 || args[0] != "preview" {
		fmt.Fprintf(stderr, templatesUsage, names)
		return 2
	}
	fs := flag.NewFlagSet("templates preview", flag.ContinueOnError)
	fs.SetOutput(stderr)
	lang := fs.String("lang", "nl", "language: nl or en")
	html := fs.Bool("html", false, "also print the HTML body")
	dir := fs.String("dir", os.Getenv("KLACHTD_TEMPLATES_DIR"), "template override directory")
	// Flags may come before or after NAME.
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	rest := fs.Args()
	if len(rest) == 0 {
		fmt.Fprintf(stderr, templatesUsage, names)
		return 2
	}
	name := rest[0]
	if err := fs.Parse(rest[1:]); err != nil || fs.NArg() > 0 {
		fmt.Fprintf(stderr, templatesUsage, names)
		return 2
	}
	if *lang != "nl" && *lang != "en" {
		fmt.Fprintf(stderr, "klachtd templates: --lang must be nl or en, not %q\n", *lang)
		return 2
	}
	if !slices.Contains(templates.Names(), name) {
		fmt.Fprintf(stderr, "klachtd templates: no template %q (have %s)\n", name, names)
		return 2
	}
	set, err := templates.Load(*dir, deadline.Location())
	if err != nil {
		fmt.Fprintln(stderr, "klachtd templates:", err)
		return 1
	}
	r, err := set.Render(name, *lang, previewData(name))
	if err != nil {
		fmt.Fprintln(stderr, "klachtd templates:", err)
		return 1
	}
	fmt.Fprintf(stdout, "Subject: %s\n\n%s", r.Subject, r.Text)
	if *html && r.HTML != "" {
		fmt.Fprintf(stdout, "\n----- text/html -----\n%s", r.HTML)
	}
	return 0
}

// previewData is the sample data of a template, as its sender would fill
// it; templates without an entry get the generic sample.
func previewData(name string) any {
	if f, ok := previewSamples[name]; ok {
		return f()
	}
	return sampleGeneric()
}

// previewSamples holds one sample per template name. A new template gets an
// entry here, with the same data type its sender passes (TestPreviewEveryTemplate
// renders every name in both languages and fails on "<no value>").
var previewSamples = map[string]func() any{
	"ack": func() any {
		d := sampleMail()
		d.Contact = cases.Contact{Name: "Petra Smit", Role: "klachtencoördinator", Phone: "14 020", Support: "de Ombudsman Metropool helpt u gratis, 020 625 9999"}
		d.HandlerName, d.MayHear, d.MayExtend = "Anna de Boer", true, true
		return d
	},
	"notify": func() any {
		d := sampleMail()
		d.Handler = &config.Handler{Name: "Anna de Boer", Address: "anna@gemeente-voorbeeld.nl"}
		d.From, d.Text, d.Attachments = `Jan de Vries <jan@example.nl>`, sampleText, []string{"foto-bouwplaats.jpg"}
		d.Fields = &store.Fields{Channel: store.ChannelPhone, Registrar: "balie@gemeente-voorbeeld.nl", Phone: "06-12345678",
			IncidentDate: "28 oktober 2026", Department: "Bouw en toezicht", DesiredOutcome: "dat er pas om zeven uur wordt begonnen"}
		return d
	},
	"forward": func() any {
		d := sampleMail()
		d.From, d.Text = `Jan de Vries <jan@example.nl>`, "Vanochtend begonnen ze weer om kwart over vijf."
		d.FromComplainant = true
		return d
	},
	"relay": func() any {
		d := sampleMail()
		d.Text = "Wij hebben de aannemer gevraagd pas om zeven uur te beginnen en controleren dat volgende week."
		return d
	},
	"confirm": func() any {
		d := sampleMail()
		d.Case.Extensions, d.Case.DecisionDue = 1, deadline.NewDate(2027, 1, 11)
		d.Changes = []string{"termijn verlengd van 2026-12-14 tot 2027-01-11 (wij wachten op het verslag van de aannemer)"}
		return d
	},
	"extension": func() any { return sampleExtension() },
	// The procedure's mails (templates_procedure.go).
	"respondent_copy": sampleRespondentCopy,
	"hearing":         sampleHearing,
	"committee":       sampleCommittee,
	"decision":        func() any { return sampleDecision() },
	"hearing_reminder": func() any {
		return schedule.HearingReminderData{IntakeName: sampleIntakeName, HandlerName: "Anna de Boer", Ref: "KL-2026-000123",
			Subject: "Overlast bouwplaats", At: time.Date(2026, 12, 8, 10, 30, 0, 0, deadline.Location()), Place: "Stadhuis, kamer 2.14"}
	},
	"measure_check": func() any {
		return schedule.MeasureCheckData{IntakeName: sampleIntakeName, HandlerName: "Anna de Boer", Ref: "KL-2026-000123",
			Subject: "Overlast bouwplaats", N: 1, Text: "Toezichthouder controleert de werktijden twee weken lang", Due: deadline.NewDate(2027, 1, 15)}
	},
	"followup": func() any {
		return schedule.FollowupData{IntakeName: sampleIntakeName, Case: sampleCase(), Subject: "Overlast bouwplaats"}
	},
	"extension_respondent": func() any {
		d := sampleExtension()
		d.Case.RespondentName, d.Case.RespondentAddress = "Afdeling Vergunningen", "vergunningen@gemeente-voorbeeld.nl"
		return d
	},
	schedule.KindReminder: func() any {
		return schedule.ReminderData{IntakeName: sampleIntakeName, HandlerName: "Anna de Boer",
			Case: sampleLine(7), Point: "due-5wd", WorkingDaysLeft: 5}
	},
	schedule.KindEscalation: func() any {
		return schedule.EscalationData{IntakeName: sampleIntakeName, Case: sampleLine(-1), Point: "overdue", Level: 1}
	},
	schedule.KindDigest: func() any {
		day := deadline.NewDate(2026, 12, 17)
		late, soon, fresh := sampleLine(-3), sampleLine(2), sampleLine(40)
		for _, l := range []*schedule.CaseLine{&late, &soon, &fresh} {
			l.Due = day.AddDays(l.DaysLeft)
		}
		late.Overdue = true
		soon.Ref, soon.Subject, soon.DueSoon, soon.Handler = "KL-2026-000131", "Parkeervergunning niet verlengd", true, ""
		fresh.Ref, fresh.Subject, fresh.New, fresh.AckBounced = "KL-2026-000187", "Wachttijd loket", true, true
		return schedule.DigestData{IntakeName: sampleIntakeName, ManagerName: "Mark Visser",
			Date: day, DueSoonDays: 5, Cases: []schedule.CaseLine{late, soon, fresh},
			Overdue: 1, DueSoon: 1, AckProblems: 1, New: 1,
			Quarantined: []schedule.QuarantineLine{{From: "scanner@example.nl", Subject: "Scan 0042",
				Reason: "quarantined: parse: malformed MIME", At: time.Date(2026, 12, 16, 14, 3, 0, 0, deadline.Location())}},
			IntakeProblems: []string{"INBOX: not reached since 2026-12-16T22:14:03+01:00; last error: mailbox: login: authentication failed"}}
	},
}

const sampleIntakeName = "Klachtenmeldpunt Gemeente Voorbeeld"

const sampleText = `Sinds drie weken begint de bouwplaats elke ochtend om half zes met heien.
Ik vind dat de gemeente moet optreden en wil graag weten wat u gaat doen.`

// sampleMail is the data klachtd's own case mails get (internal/cases).
func sampleMail() cases.MailData {
	c := sampleCase()
	return cases.MailData{Case: c, Subject: c.Subject, IntakeName: sampleIntakeName,
		Intake: "klachten@gemeente-voorbeeld.nl", Commands: cases.CommandHelp()}
}

func sampleExtension() cases.MailData {
	d := sampleMail()
	d.Case.Extensions, d.Case.DecisionDue = 1, deadline.NewDate(2027, 1, 11)
	d.Reason = "wij wachten op het verslag van de aannemer"
	return d
}

func sampleCase() *store.Case {
	received := time.Date(2026, 11, 2, 8, 12, 0, 0, deadline.Location())
	return &store.Case{
		ID: 123, Ref: "KL-2026-000123", Status: store.StatusInProgress, Category: "bouw",
		HandlerAddress: "anna@gemeente-voorbeeld.nl", ComplainantName: "Jan de Vries",
		ComplainantAddress: "jan@example.nl", Subject: "Overlast bouwplaats", Language: "nl",
		ReceivedAt: received, Policy: deadline.PresetAwb, AckDue: deadline.NewDate(2026, 11, 9),
		DecisionDue: deadline.NewDate(2026, 12, 14), CreatedAt: received, UpdatedAt: received,
		Outcome: sql.NullString{},
	}
}

// sampleLine is the sample case as the scheduler shows it, daysLeft days
// before (negative: after) its due date.
func sampleLine(daysLeft int) schedule.CaseLine {
	c := sampleCase()
	return schedule.CaseLine{Ref: c.Ref, Subject: c.Subject, Handler: "Anna de Boer", Received: c.ReceivedAt,
		Due: c.DecisionDue, DaysLeft: daysLeft}
}

func sampleGeneric() any {
	d := sampleMail()
	d.Text = sampleText
	return d
}
