package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// ScrapeTimeout bounds the database queries of one scrape.
const ScrapeTimeout = 5 * time.Second

// DatabaseGauges are the numbers read from the database at scrape time.
type DatabaseGauges struct {
	OutboxQueued, OutboxRetrying, OutboxStuck int
	OutboxFailed                              int // given up, in the last 7 days
	OpenCases, OverdueCases, ReviewCases      int
}

// DatabaseFunc reads DatabaseGauges (cmd/klachtd: from store.Health).
type DatabaseFunc func(ctx context.Context) (DatabaseGauges, error)

// WatchDatabase adds a collector that calls read at every scrape.
func (m *Metrics) WatchDatabase(read DatabaseFunc) {
	m.reg.MustRegister(&dbCollector{read: read})
}

var (
	dbUp = prometheus.NewDesc("klachtd_database_up",
		"1 when the database answered this scrape's queries, else 0.", nil, nil)
	dbOutbox = prometheus.NewDesc("klachtd_outbox_mails",
		"Outgoing mails by state: queued (all waiting), retrying (queued after a failed attempt), stuck (in flight past their timeout), failed (given up in the last 7 days).",
		[]string{"state"}, nil)
	dbCases = prometheus.NewDesc("klachtd_cases",
		"Cases by state: open (not closed), overdue (open past the decision term), review (open and flagged for review).",
		[]string{"state"}, nil)
)

type dbCollector struct{ read DatabaseFunc }

func (c *dbCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- dbUp
	ch <- dbOutbox
	ch <- dbCases
}

func (c *dbCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), ScrapeTimeout)
	defer cancel()
	g, err := c.read(ctx)
	if err != nil {
		ch <- prometheus.MustNewConstMetric(dbUp, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(dbUp, prometheus.GaugeValue, 1)
	gauge := func(d *prometheus.Desc, v int, label string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, float64(v), label)
	}
	gauge(dbOutbox, g.OutboxQueued, "queued")
	gauge(dbOutbox, g.OutboxRetrying, "retrying")
	gauge(dbOutbox, g.OutboxStuck, "stuck")
	gauge(dbOutbox, g.OutboxFailed, "failed")
	gauge(dbCases, g.OpenCases, "open")
	gauge(dbCases, g.OverdueCases, "overdue")
	gauge(dbCases, g.ReviewCases, "review")
}
