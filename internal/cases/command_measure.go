package cases

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/klachtd/klachtd/internal/store"
)

// measureCommands record improvement measures and whether they worked (ISO
// 9001 10.2). The scheduler reminds the handler on a measure's date.
func measureCommands() []spec {
	return []spec{
		{name: "maatregel", usage: "<tekst> [uiterlijk <datum>]", help: "verbetermaatregel; op de datum een herinnering om de werking te beoordelen",
			who: roleHandler, arg: argRequired, apply: addMeasure},
		{name: "effectief", usage: "[nummer] ja|nee|deels <toelichting>", help: "heeft de maatregel gewerkt",
			who: roleHandler, arg: argRequired, apply: measureResult},
	}
}

// addMeasure is "#maatregel <tekst> [uiterlijk <datum>]".
func addMeasure(e *cmdEnv, arg string) string {
	text, when, _ := cutWord(arg, "uiterlijk")
	text = strings.TrimSpace(text)
	if text == "" {
		return "beschrijf de maatregel"
	}
	m := store.Measure{Text: text, CreatedAt: e.now}
	summary := "maatregel: " + text
	if when != "" {
		d, n, err := parseDate(strings.Fields(when), e.today())
		if err != nil {
			return err.Error()
		}
		if n != len(strings.Fields(when)) {
			return "na \"uiterlijk\" hoort alleen een datum"
		}
		if d.Before(e.today()) {
			return "de datum van de maatregel ligt in het verleden"
		}
		m.Due = &d
		summary += " (uiterlijk " + d.String() + ")"
	}
	e.plan.add("measure_added", map[string]any{"text": text, "due": m.Due}, summary)
	e.plan.then(func(ctx context.Context, tx *store.Tx, c *store.Case, _ int64) error {
		m.CaseID = c.ID
		return tx.AddMeasure(ctx, &m)
	})
	return ""
}

// cutWord splits s at the word w (case-insensitive): the text before and
// after it.
func cutWord(s, w string) (before, after string, found bool) {
	fields := strings.Fields(s)
	for i, f := range fields {
		if strings.EqualFold(f, w) {
			return strings.Join(fields[:i], " "), strings.Join(fields[i+1:], " "), true
		}
	}
	return s, "", false
}

var measureResults = map[string]string{"ja": "ja", "nee": "nee", "deels": "deels", "yes": "ja", "no": "nee", "partly": "deels"}

// measureResult is "#effectief [nummer] ja|nee|deels <toelichting>". The
// number may be left out when the case has one open measure.
func measureResult(e *cmdEnv, arg string) string {
	words := strings.Fields(arg)
	n := 0
	if k, err := strconv.Atoi(words[0]); err == nil {
		n, words = k, words[1:]
	}
	if len(words) == 0 {
		return "schrijf ja, nee of deels, met een toelichting"
	}
	res, ok := measureResults[strings.ToLower(words[0])]
	if !ok {
		return fmt.Sprintf("%q: schrijf ja, nee of deels", words[0])
	}
	m, msg := e.pickMeasure(n)
	if msg != "" {
		return msg
	}
	note := strings.Join(words[1:], " ")
	e.plan.add("measure_checked", map[string]any{"n": m.N, "result": res, "note": note},
		fmt.Sprintf("maatregel %d (%s): effectief %s", m.N, m.Text, res))
	e.plan.then(func(ctx context.Context, tx *store.Tx, c *store.Case, _ int64) error {
		return tx.RecordMeasureResult(ctx, c.ID, m.N, res, note, e.now)
	})
	return ""
}

// pickMeasure finds measure n, or the one open measure when n is 0.
func (e *cmdEnv) pickMeasure(n int) (store.Measure, string) {
	if n == 0 {
		open := e.facts.openMeasures()
		switch len(open) {
		case 0:
			return store.Measure{}, "dit dossier heeft geen open maatregel (leg er een vast met #maatregel)"
		case 1:
			return open[0], ""
		}
		return store.Measure{}, fmt.Sprintf("dit dossier heeft %d open maatregelen: noem het nummer, bijvoorbeeld #effectief %d ja …", len(open), open[0].N)
	}
	for _, m := range e.facts.measures {
		if m.N == n {
			return m, ""
		}
	}
	return store.Measure{}, fmt.Sprintf("dit dossier heeft geen maatregel %d", n)
}
