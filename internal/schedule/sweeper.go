// Package schedule does klachtd's timed work: reminders to handlers before a
// deadline, escalations to managers when a case passes one, the digest to
// every manager (daily, weekly or none), and the procedure's points
// (procedure.go: the day before a hearing, a measure's date, the
// follow-up question after closing).
//
// Promises:
//
//   - Timed work is found by a sweep of the database (Sweep), from the cases'
//     current state and the injected clock; no timer is held in memory. A
//     daemon that was down catches up on its first sweep, once: of a case's
//     missed reminders and escalations only the latest is sent, and of the
//     missed digests only today's.
//   - Every mail is sent at most once, however many instances sweep and
//     however often they restart: each is an outbox row with a dedupe key
//     (reminder:<case>:<point>:<date>, escalation:<case>:<point>:<date>,
//     digest:<YYYY-MM-DD>:<manager>), queued in one transaction with the
//     event it records on its case ("reminder_sent", "escalated"). That
//     transaction first locks the case with FOR UPDATE SKIP LOCKED; a case
//     locked elsewhere is left to the next sweep.
//   - Points are computed from the case's current due date
//     (deadline.Policy.PointsFor), so an extension moves them; an extended
//     case is not escalated "before due" (see pointsDue). A sweep computes
//     them only for the cases whose sweep date has come (cases.sweep_at,
//     an index): new cases, cases whose status, due date, extensions or
//     policy changed (a trigger sets the date back), and cases with a
//     point due; after handling a case it dates it to its next point. A
//     sweep with nothing due reads no case, and it reads the rest in pages
//     of sweepPage, so its time and memory do not grow with the number of
//     open cases. A daemon started with other rules (policy, presets,
//     calendar) computes every open case again once (rules.go).
//   - Only cases awaiting a decision (neither answered nor closed) are
//     reminded and escalated; a closed case never is, whatever mail it
//     gets afterwards. Level-1 escalations go to the managers of level 1,
//     level-2 ones (overdue+Nwd) to those of level 2, each falling back to
//     all managers when none has the level. A reminder goes to the case's handler, else
//     the default handler; without either it is skipped and logged.
//   - The digest goes out at the configured time of day (Europe/Amsterdam),
//     on the organisation's working days unless configured for every day.
//
// Failure rules: an error on one case is logged and the sweep goes on with
// the next; the mail is tried again at the next sweep. Delivery (retries,
// permanent failures) is the outbox's.
package schedule

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/outbox"
	"github.com/klachtd/klachtd/internal/store"
)

// Staff is who the scheduler writes to. It can be swapped while running
// (SetStaff), e.g. after a config reload.
type Staff struct {
	// DefaultHandler gets the reminders of cases without a handler; its
	// Address may be empty.
	DefaultHandler outbox.Address
	// Handlers are the configured handlers, to show names instead of addresses.
	Handlers []outbox.Address
	// Managers get escalations and the digest.
	Managers []outbox.Address
	// Levels is each manager's escalation level by lower-case address
	// ([[managers]] level; absent = 1). An escalation of level L goes to
	// the managers of level L, or to all managers when none has that level.
	Levels map[string]int
	// Digests is each manager's digest frequency by lower-case address:
	// "daily" (absent), "weekly" (the first digest day of each ISO week)
	// or "none".
	Digests map[string]string
}

// managersAt are the managers who get an escalation of level: those of
// that level, else all of them.
func (st Staff) managersAt(level int) []outbox.Address {
	var out []outbox.Address
	for _, m := range st.Managers {
		l := st.Levels[strings.ToLower(m.Address)]
		if l == 0 {
			l = 1
		}
		if l == level {
			out = append(out, m)
		}
	}
	if len(out) == 0 {
		return st.Managers
	}
	return out
}

// digestOf is a manager's digest frequency.
func (st Staff) digestOf(addr string) string {
	if f := st.Digests[strings.ToLower(addr)]; f != "" {
		return f
	}
	return DigestDaily
}

// Digest frequencies of a manager.
const (
	DigestDaily  = "daily"
	DigestWeekly = "weekly"
	DigestNone   = "none"
)

// Options wire a Sweeper.
type Options struct {
	Store *store.Store
	Queue *outbox.Queue
	// Policy is the configured policy. A case stored under another name (a
	// preset from before a config change) is handled by that preset.
	Policy   deadline.Policy
	Calendar *deadline.Calendar // the organisation's working days
	Staff    Staff

	// DigestHour and DigestMinute are the time of day of the digest in
	// Europe/Amsterdam.
	DigestHour, DigestMinute int
	// DigestEveryDay sends the digest on weekends and closing days too.
	DigestEveryDay bool
	// DueSoonWorkingDays: the digest lists cases due within this many
	// working days. Default 5.
	DueSoonWorkingDays int
	// DigestMaxCases is how many cases a digest lists at most, the most
	// urgent first; it counts and mentions the rest. Default 200.
	DigestMaxCases int
	// Interval is Run's time between sweeps. Default one minute.
	Interval time.Duration

	Language      string // of the mails to handlers and managers: nl or en
	IntakeName    string
	IntakeAddress string // Reply-To of reminders and escalations
	Now           func() time.Time
	Logger        *slog.Logger
}

// Sweeper finds due reminders, escalations and digests and queues them.
type Sweeper struct {
	o Options

	mu          sync.Mutex
	staff       Staff
	rulesSynced bool // syncRules
}

// New returns a Sweeper.
func New(o Options) *Sweeper {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Calendar == nil {
		o.Calendar = deadline.DefaultCalendar()
	}
	if o.DueSoonWorkingDays == 0 {
		o.DueSoonWorkingDays = 5
	}
	if o.DigestMaxCases == 0 {
		o.DigestMaxCases = 200
	}
	if o.Interval == 0 {
		o.Interval = time.Minute
	}
	return &Sweeper{o: o, staff: o.Staff}
}

// SetStaff replaces who reminders, escalations and digests go to, from the
// next sweep on.
func (s *Sweeper) SetStaff(st Staff) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.staff = st
}

func (s *Sweeper) currentStaff() Staff {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.staff
}

// Run sweeps at once (to catch up after a stop) and then every Interval
// until ctx ends. A failed sweep is logged and tried again next time.
func (s *Sweeper) Run(ctx context.Context) error {
	t := time.NewTicker(s.o.Interval)
	defer t.Stop()
	for {
		if err := s.Sweep(ctx); err != nil && ctx.Err() == nil {
			s.o.Logger.Error("sweep_failed", slog.Any("error", err))
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// Sweep queues every reminder, escalation and digest due at the clock's
// now that was not queued before. It goes on after an error on one case or
// manager and returns them all.
func (s *Sweeper) Sweep(ctx context.Context) error {
	now := s.o.Now()
	staff := s.currentStaff()
	return errors.Join(s.sweepCases(ctx, now, staff), s.sweepDigest(ctx, now, staff), s.sweepProcedure(ctx, now, staff))
}

// policyFor is the policy a case was opened under.
func (s *Sweeper) policyFor(name string) deadline.Policy {
	if name == s.o.Policy.Name || name == "" {
		return s.o.Policy
	}
	if p, err := deadline.Preset(name); err == nil {
		return p
	}
	return s.o.Policy
}

// handlerName is the configured name of a handler address, else the address.
func (st Staff) handlerName(addr string) string {
	for _, h := range st.Handlers {
		if strings.EqualFold(h.Address, addr) && h.Name != "" {
			return h.Name
		}
	}
	return addr
}

// line is a case as the templates show it, on today.
func (s *Sweeper) line(st Staff, c *store.Case, today deadline.Date) CaseLine {
	return CaseLine{
		Ref: c.Ref, Subject: c.Subject, Handler: st.handlerName(c.HandlerAddress), Received: c.ReceivedAt,
		Due: c.DecisionDue, DaysLeft: c.DecisionDue.Sub(today), Extended: c.Extensions > 0,
	}
}
