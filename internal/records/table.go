package records

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/klachtd/klachtd/internal/store"
)

// CSVHeader is the first line of WriteCSV.
var csvHeader = []string{"nr", "month_received", "category", "channel", "policy", "status", "outcome",
	"month_closed", "days_to_close", "on_time", "extended", "delays_with_consent", "measures", "measures_effective"}

// WriteCSV writes one de-identified line per complaint: a serial number
// instead of the reference, months instead of dates, categories from the
// configured list. Every cell is escaped against formula injection
// (SafeCell), so a spreadsheet never runs one.
func WriteCSV(w io.Writer, rows []store.RecordRow, categories []string) error {
	cw := csv.NewWriter(w)
	cw.Write(csvHeader)
	for i, rr := range rows {
		r := rr.RegisterRow
		closed, days, ontime := "", "", ""
		if r.ClosedAt.Valid {
			closed, days, ontime = monthKey(r.ClosedAt.Time), strconv.Itoa(DaysToClose(r)), strconv.FormatBool(OnTime(r))
		}
		line := []string{strconv.Itoa(i + 1), monthKey(r.ReceivedAt), PublicCategory(r.Category, categories), ChannelLabel(r.Channel),
			r.Policy, r.Status, r.Outcome.String, closed, days, ontime, strconv.FormatBool(r.Extensions > 0), strconv.Itoa(r.Delays),
			strconv.Itoa(rr.Measures), strconv.Itoa(rr.Effective)}
		for j := range line {
			line[j] = SafeCell(line[j])
		}
		cw.Write(line)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("records: csv: %w", err)
	}
	return nil
}

// SafeCell keeps a spreadsheet from reading a cell as a formula (OWASP
// "CSV injection"): a value that starts with =, +, -, @, a tab or a carriage
// return gets a leading apostrophe. Plain negative numbers are left alone.
func SafeCell(s string) string {
	if s == "" || !strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return s
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return s
	}
	return "'" + s
}

// WriteSummary writes the register's numbers as text, the same numbers the
// HTML page shows.
func WriteSummary(w io.Writer, st Stats) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "%s\n\n", st.Title)
	fmt.Fprintf(tw, "ontvangen\t%d\n", st.Received)
	fmt.Fprintf(tw, "afgehandeld\t%d\n", st.Closed)
	fmt.Fprintf(tw, "binnen de termijn\t%d\t%s\n", st.OnTime, paren(Percent(st.OnTime, st.Closed)))
	fmt.Fprintf(tw, "verlengd\t%d\n", st.Extended)
	fmt.Fprintf(tw, "nog open\t%d\n", st.Open)
	fmt.Fprintf(tw, "mediane behandelduur\t%s dagen\n", days(st.MedianDays))
	fmt.Fprintf(tw, "maatregelen\t%d\n", st.Measures)
	fmt.Fprintf(tw, "waarvan effectief\t%d\t%s\n", st.Effective, paren(Percent(st.Effective, st.Measures)))
	section := func(title string, cs []Count) {
		fmt.Fprintf(tw, "\n%s\n", title)
		for _, c := range cs {
			fmt.Fprintf(tw, "  %s\t%d\n", c.Label, c.N)
		}
	}
	section("per maand", st.PerMonth)
	section("uitkomst", st.Outcomes)
	section("categorie", st.Categories)
	section("kanaal", st.Channels)
	return tw.Flush()
}

func paren(s string) string {
	if s == "" {
		return ""
	}
	return "(" + s + ")"
}

func days(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// WriteReport writes a period's summary followed by the comparison with
// the previous period and the top recurring categories.
func WriteReport(w io.Writer, cur, prev Stats) error {
	if err := WriteSummary(w, cur); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "\nvergeleken met %s\n", prev.Title)
	fmt.Fprintf(tw, "  ontvangen\t%d\t%s\n", prev.Received, trend(cur.Received, prev.Received).Text)
	fmt.Fprintf(tw, "  binnen de termijn\t%s\n", Percent(prev.OnTime, prev.Closed))
	fmt.Fprintf(tw, "  mediane behandelduur\t%s dagen\n", days(prev.MedianDays))
	fmt.Fprintf(tw, "\nterugkerende categorieën (deze / vorige periode)\n")
	for _, t := range top(cur.Categories, prev.Categories, 5) {
		fmt.Fprintf(tw, "  %s\t%d\t%d\n", t.Label, t.N, t.Prev)
	}
	return tw.Flush()
}
