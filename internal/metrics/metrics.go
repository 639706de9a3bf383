// Package metrics is klachtd's Prometheus registry: counters the running
// daemon moves, and gauges read at scrape time from the database and the
// OAuth2 token source. It uses a registry of its own, never the global one,
// so two daemons in one test process do not share counters.
//
// Promises:
//
//   - Counters only go up while the process runs; they start at zero at
//     each start (Prometheus' rate() and increase() handle the reset).
//   - Gauges from the database are read by a collector at scrape time with
//     bounded queries (counts over indexed columns, within ScrapeTimeout).
//     When the database does not answer, klachtd_database_up is 0 and those
//     gauges are left out of that scrape rather than reported as zero.
//   - Labels are bounded: disposition, kind and result take the few values
//     klachtd itself produces; mailbox is the configured folder.
//
// Other packages do not import this one: they take a func or a small
// interface in their Options, and cmd/klachtd connects them here.
package metrics

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds the registry and the collectors the daemon moves.
type Metrics struct {
	reg        *prometheus.Registry
	mails      *prometheus.CounterVec
	handle     prometheus.Histogram
	lastPass   *prometheus.GaugeVec
	errors     *prometheus.GaugeVec
	deliveries *prometheus.CounterVec
}

// New registers klachtd's metrics, and the Go runtime's and the process's,
// on a new registry.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		mails: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "klachtd_mails_handled_total",
			Help: "Mails taken from the mailbox, by disposition (processed, quarantine) and kind (complaint, reply, bounce, auto_reply, …; duplicate for a mail stored before).",
		}, []string{"disposition", "kind"}),
		handle: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "klachtd_mail_handle_duration_seconds",
			Help:    "Time to parse, classify and store one mail (one transaction).",
			Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}),
		lastPass: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "klachtd_mailbox_last_success_timestamp_seconds",
			Help: "When intake last completed a pass over the mailbox (Unix time).",
		}, []string{"mailbox"}),
		errors: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "klachtd_mailbox_consecutive_errors",
			Help: "Failed looks at the mailbox (connect, login, pass) since the last success.",
		}, []string{"mailbox"}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "klachtd_deliveries_total",
			Help: "Delivery attempts of outgoing mail, by kind (ack, reminder, escalation, digest, …) and result (sent, retry, failed).",
		}, []string{"kind", "result"}),
	}
	m.reg.MustRegister(m.mails, m.handle, m.lastPass, m.errors, m.deliveries,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Registry is where more collectors go (tests gather from it).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// MailHandled counts one mail taken from the mailbox.
func (m *Metrics) MailHandled(disposition, kind string, took time.Duration) {
	m.mails.WithLabelValues(disposition, kind).Inc()
	m.handle.Observe(took.Seconds())
}

// MailboxChecked records the outcome of one look at the mailbox (see
// mailbox.Options.OnCheck).
func (m *Metrics) MailboxChecked(mailbox string, at time.Time, err error) {
	if err != nil {
		m.errors.WithLabelValues(mailbox).Inc()
		return
	}
	m.errors.WithLabelValues(mailbox).Set(0)
	m.lastPass.WithLabelValues(mailbox).Set(float64(at.UnixNano()) / 1e9)
}

// Delivered counts one delivery attempt (see outbox.Worker.OnDelivery).
func (m *Metrics) Delivered(kind, result string) {
	m.deliveries.WithLabelValues(kind, result).Inc()
}
