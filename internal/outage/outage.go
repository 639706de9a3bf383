// Package outage turns the stream of errors that a database outage causes
// into two log lines: database_unavailable (WARN) when the first error is
// seen, naming the part of klachtd that saw it, and database_recovered
// (INFO) when the database answers again, with how long it was away and how
// many errors each part reported meanwhile.
//
// River's maintenance services (producer, completer, elector, scheduler,
// rescuer) and klachtd's own background writes (the intake status) all log
// errors while the database is away, and all recover by themselves: those
// errors are noise, unless they outlast the outage. A Monitor tells them
// apart by asking the database: a WARN or ERROR record is passed on as is
// while the database answers a ping, and is counted, not logged, while it
// does not. While it is away the Monitor pings it every second until it
// answers; errors in the few seconds after that (River's completer giving
// up on a batch it began while the database was away) still count towards
// the outage, and database_recovered is logged when that settling time is
// over, with down_for measured to the first answer.
package outage

import (
	"context"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"
)

// Monitor watches for one database's outages; it is safe for concurrent use.
type Monitor struct {
	log   *slog.Logger
	ping  func(ctx context.Context) error
	every time.Duration
	// settle is how long after the first answer errors still count
	// towards the outage.
	settle time.Duration
	done   chan struct{}
	close  sync.Once

	mu         sync.Mutex
	down       bool
	since      time.Time
	suppressed map[string]int // errors per component during this outage
}

// New returns a Monitor that logs to log and asks the database with ping.
func New(log *slog.Logger, ping func(ctx context.Context) error) *Monitor {
	return &Monitor{log: log, ping: ping, every: time.Second, settle: 5 * time.Second, done: make(chan struct{})}
}

// Close stops a probe in progress.
func (m *Monitor) Close() { m.close.Do(func() { close(m.done) }) }

// pingTimeout bounds one look at the database.
const pingTimeout = 2 * time.Second

// Report tells the Monitor that component failed with err. It returns true
// when an outage explains the error (the caller logs nothing more), false
// when the database answers (the caller logs the error as usual).
func (m *Monitor) Report(component string, err error) bool {
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	return m.report(component, msg)
}

func (m *Monitor) report(component, cause string) bool {
	m.mu.Lock()
	if m.down {
		m.suppressed[component]++
		m.mu.Unlock()
		return true
	}
	m.mu.Unlock()
	if m.answers() {
		return false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.down { // another component got here first
		m.suppressed[component]++
		return true
	}
	m.down, m.since, m.suppressed = true, time.Now(), map[string]int{component: 1}
	m.log.Warn("database_unavailable", slog.String("affected", component), slog.String("error", cause))
	go m.probe()
	return true
}

// Down reports whether an outage is in progress.
func (m *Monitor) Down() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.down
}

func (m *Monitor) answers() bool {
	ctx, cancel := context.WithTimeout(context.Background(), pingTimeout)
	defer cancel()
	return m.ping(ctx) == nil
}

// probe pings until the database answers, then logs the recovery.
func (m *Monitor) probe() {
	t := time.NewTicker(m.every)
	defer t.Stop()
	for {
		select {
		case <-m.done:
			return
		case <-t.C:
		}
		if !m.answers() {
			continue
		}
		downFor := time.Since(m.since).Round(time.Millisecond)
		select {
		case <-m.done:
			return
		case <-time.After(m.settle):
		}
		m.mu.Lock()
		attrs := []any{slog.Duration("down_for", downFor)}
		for _, c := range slices.Sorted(maps.Keys(m.suppressed)) {
			attrs = append(attrs, slog.Int("errors_"+c, m.suppressed[c]))
		}
		m.down, m.suppressed = false, nil
		m.mu.Unlock()
		m.log.Info("database_recovered", attrs...)
		return
	}
}

// Handler wraps h so that WARN and ERROR records that an outage explains
// are counted for component instead of logged.
func (m *Monitor) Handler(h slog.Handler, component string) slog.Handler {
	return &handler{Handler: h, m: m, component: component}
}

type handler struct {
	slog.Handler
	m         *Monitor
	component string
}

func (h *handler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level >= slog.LevelWarn && h.m.report(h.component, cause(r)) {
		return nil
	}
	return h.Handler.Handle(ctx, r)
}

func (h *handler) WithAttrs(as []slog.Attr) slog.Handler {
	return &handler{Handler: h.Handler.WithAttrs(as), m: h.m, component: h.component}
}

func (h *handler) WithGroup(name string) slog.Handler {
	return &handler{Handler: h.Handler.WithGroup(name), m: h.m, component: h.component}
}

// cause is the record's message with its error attribute, if any.
func cause(r slog.Record) string {
	s := r.Message
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "error" || a.Key == "err" {
			s += ": " + a.Value.String()
			return false
		}
		return true
	})
	return s
}
