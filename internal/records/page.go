package records

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"time"

	"github.com/klachtd/klachtd/internal/deadline"
)

//go:embed html/*.html
var pages embed.FS

var funcs = template.FuncMap{"percent": Percent, "days": days}

func page(name string) *template.Template {
	return template.Must(template.New(name).Funcs(funcs).ParseFS(pages, "html/"+name))
}

// Trend is the change in received complaints against the previous period.
type Trend struct {
	Text  string
	Class string
}

// TopCategory is a category of this period with its count in the previous one.
type TopCategory struct {
	Label string
	N     int
	Prev  int
}

type registerPage struct {
	Stats    Stats
	Previous *Stats
	Trend    *Trend
	Top      []TopCategory
	Charts   struct{ Months, OnTime, Extended, Categories, Outcomes, Channels, Measures template.HTML }
	Made     string
}

// WriteHTML writes the one-page register or report: the numbers of st
// (the same as WriteSummary's) with inline SVG charts; with prev, the trend
// against the previous period and the top recurring categories.
func WriteHTML(w io.Writer, st Stats, prev *Stats, now time.Time) error {
	p := registerPage{Stats: st, Previous: prev, Made: deadline.DateOf(now).String()}
	p.Charts.Months = ColumnChart("chart-months", st.PerMonth, st.ClosedMonth, [2]string{"ontvangen", "afgehandeld"})
	p.Charts.OnTime = ShareBar("chart-ontime", st.OnTime, st.Closed, "binnen de termijn", "te laat")
	p.Charts.Extended = ShareBar("chart-extended", st.ExtendedOnly, st.Closed, "verlengd", "niet verlengd")
	p.Charts.Categories = BarChart("chart-categories", st.Categories, st.Received)
	p.Charts.Outcomes = BarChart("chart-outcomes", st.Outcomes, st.Closed)
	p.Charts.Channels = BarChart("chart-channels", st.Channels, st.Received)
	p.Charts.Measures = ShareBar("chart-measures", st.Effective, st.Measures, "effectief", "niet (of nog niet) effectief")
	if prev != nil {
		p.Trend = trend(st.Received, prev.Received)
		p.Top = top(st.Categories, prev.Categories, 5)
	}
	if err := page("register.html").ExecuteTemplate(w, "register.html", p); err != nil {
		return fmt.Errorf("records: register page: %w", err)
	}
	return nil
}

func trend(now, before int) *Trend {
	switch {
	case before == 0 && now == 0:
		return &Trend{Text: "gelijk aan vorige periode"}
	case before == 0:
		return &Trend{Text: fmt.Sprintf("+%d t.o.v. vorige periode (0)", now), Class: "trend-up"}
	}
	pct := (now - before) * 100 / before
	t := &Trend{Text: fmt.Sprintf("%+d%% t.o.v. vorige periode (%d)", pct, before)}
	if now > before {
		t.Class = "trend-up"
	} else if now < before {
		t.Class = "trend-down"
	}
	return t
}

// top lists the n largest categories of cur with their count in prev.
func top(cur, prev []Count, n int) []TopCategory {
	before := map[string]int{}
	for _, c := range prev {
		before[c.Label] = c.N
	}
	var ts []TopCategory
	for _, c := range cur {
		if len(ts) == n {
			break
		}
		ts = append(ts, TopCategory{c.Label, c.N, before[c.Label]})
	}
	return ts
}
