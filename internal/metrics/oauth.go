package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/klachtd/klachtd/internal/oauth"
)

// WatchTokens adds a collector that reads the token source's state at every
// scrape.
func (m *Metrics) WatchTokens(state func() oauth.State) {
	m.reg.MustRegister(&tokenCollector{state: state})
}

var (
	tokExpiry = prometheus.NewDesc("klachtd_oauth2_token_expiry_timestamp_seconds",
		"When the cached OAuth2 access token expires (Unix time); 0 when there is none.", nil, nil)
	tokFailures = prometheus.NewDesc("klachtd_oauth2_refresh_failures_total",
		"Failed token fetches since start (the token server refused or did not answer).", nil, nil)
	tokInRow = prometheus.NewDesc("klachtd_oauth2_consecutive_failures",
		"Failed token fetches and rejected fresh tokens in a row; 0 after a success.", nil, nil)
)

type tokenCollector struct{ state func() oauth.State }

func (c *tokenCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- tokExpiry
	ch <- tokFailures
	ch <- tokInRow
}

func (c *tokenCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.state()
	exp := 0.0
	if !st.Expiry.IsZero() {
		exp = float64(st.Expiry.Unix())
	}
	ch <- prometheus.MustNewConstMetric(tokExpiry, prometheus.GaugeValue, exp)
	ch <- prometheus.MustNewConstMetric(tokFailures, prometheus.CounterValue, float64(st.FetchFailures))
	ch <- prometheus.MustNewConstMetric(tokInRow, prometheus.GaugeValue, float64(st.Failures))
}
