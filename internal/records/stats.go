package records

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/store"
)

// NoCategory and OtherCategory are the publishable names of a complaint
// without a category and of one whose category is not in the configured
// list (a handler's free text never reaches a published page).
const (
	NoCategory    = "(geen categorie)"
	OtherCategory = "overig"
	// Channel is the label of complaints that came in by e-mail; other
	// channels (telefoon, balie, brief, formulier, sociale-media) are shown
	// as recorded (ChannelLabel).
	Channel = "e-mail"
)

// ChannelLabel is the publishable name of a register row's channel.
func ChannelLabel(ch string) string {
	if ch == "" || ch == "email" {
		return Channel
	}
	return ch
}

// Count is one labelled number of a chart or table.
type Count struct {
	Label string
	N     int
}

// Stats are the numbers of the register and the report, from de-identified
// register rows only: the same numbers before and after a purge.
type Stats struct {
	Title        string
	From, To     deadline.Date // the period, To exclusive
	Received     int
	Closed       int
	OnTime       int // of Closed
	Extended     int
	Delays       int // cases with a delay beyond the extension, with consent
	Open         int
	MedianDays   float64 // calendar days from receipt to closing, closed cases; 0 when none
	PerMonth     []Count // received per month of the period
	ClosedMonth  []Count // closed (of those received in the period) per month
	Categories   []Count // most first
	Channels     []Count
	Outcomes     []Count // of Closed
	ExtendedOnly int     // extended, of Closed
	Measures     int     // improvement measures taken on these complaints
	Effective    int     // of Measures, found effective ("ja")
}

// OnTime says whether a closed complaint was decided by the end of its
// (possibly extended) due date.
func OnTime(r store.RegisterRow) bool {
	return r.ClosedAt.Valid && !r.ClosedAt.Time.After(r.DecisionDue.End())
}

// DaysToClose is the number of calendar days from receipt to closing.
func DaysToClose(r store.RegisterRow) int {
	return deadline.DateOf(r.ClosedAt.Time).Sub(deadline.DateOf(r.ReceivedAt))
}

// PublicCategory maps a stored category onto the configured list.
func PublicCategory(cat string, allowed []string) string {
	if cat == "" {
		return NoCategory
	}
	for _, a := range allowed {
		if strings.EqualFold(a, cat) {
			return a
		}
	}
	return OtherCategory
}

// Compute counts rows received in [from, to).
func Compute(title string, from, to deadline.Date, rows []store.RecordRow, categories []string) Stats {
	st := Stats{Title: title, From: from, To: to, Received: len(rows)}
	months := monthsOf(from, to)
	per, closedPer := map[string]int{}, map[string]int{}
	cats, outs, chans := map[string]int{}, map[string]int{}, map[string]int{}
	var days []int
	for _, rr := range rows {
		r := rr.RegisterRow
		st.Measures += rr.Measures
		st.Effective += rr.Effective
		per[monthKey(r.ReceivedAt)]++
		cats[PublicCategory(r.Category, categories)]++
		chans[ChannelLabel(r.Channel)]++
		if r.Extensions > 0 {
			st.Extended++
		}
		if r.Delays > 0 {
			st.Delays++
		}
		if !r.ClosedAt.Valid {
			continue
		}
		st.Closed++
		closedPer[monthKey(r.ClosedAt.Time)]++
		outs[outcomeLabel(r.Outcome.String)]++
		days = append(days, DaysToClose(r))
		if OnTime(r) {
			st.OnTime++
		}
		if r.Extensions > 0 {
			st.ExtendedOnly++
		}
	}
	st.Open = st.Received - st.Closed
	st.MedianDays = median(days)
	for _, m := range months {
		st.PerMonth = append(st.PerMonth, Count{m, per[m]})
		st.ClosedMonth = append(st.ClosedMonth, Count{m, closedPer[m]})
	}
	st.Categories, st.Outcomes, st.Channels = sorted(cats), sorted(outs), sorted(chans)
	return st
}

func outcomeLabel(o string) string {
	if o == "" {
		return "(geen uitkomst)"
	}
	return o
}

func monthKey(t time.Time) string { return t.In(deadline.Location()).Format("2006-01") }

// monthsOf lists the months "YYYY-MM" from from up to to (exclusive).
func monthsOf(from, to deadline.Date) []string {
	var ms []string
	for d := deadline.NewDate(from.Year, from.Month, 1); d.Before(to); d = deadline.NewDate(d.Year, d.Month+1, 1) {
		ms = append(ms, fmt.Sprintf("%04d-%02d", d.Year, int(d.Month)))
	}
	return ms
}

func median(xs []int) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]int(nil), xs...)
	sort.Ints(s)
	n := len(s)
	if n%2 == 1 {
		return float64(s[n/2])
	}
	return float64(s[n/2-1]+s[n/2]) / 2
}

// sorted returns m's counts, most first, then by label.
func sorted(m map[string]int) []Count {
	cs := make([]Count, 0, len(m))
	for k, v := range m {
		cs = append(cs, Count{k, v})
	}
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].N != cs[j].N {
			return cs[i].N > cs[j].N
		}
		return cs[i].Label < cs[j].Label
	})
	return cs
}

// Percent is n of total as a whole percentage, "" when total is 0.
func Percent(n, total int) string {
	if total == 0 {
		return ""
	}
	return fmt.Sprintf("%d%%", n*100/total)
}
