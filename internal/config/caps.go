package config

// Defaults of the caps on automatic answers: what a municipality's
// complaint desk never reaches in honest use. The per-mailbox cap stops an
// amplifier; the per-domain and overall caps are set high enough that a
// backlog after an outage, or a viral incident with many complainants at
// one free-mail provider, is still acknowledged (an acknowledgement over a
// cap is withheld, not delayed: the case opens for review).
const (
	DefaultAcksPerMailboxPerDay    = 3
	DefaultAcksPerDomainPerHour    = 100
	DefaultAcksPerHour             = 1000
	DefaultNoticesPerHandlerPerDay = 10
)

func (i *Intake) setCapDefaults() {
	for _, f := range []struct {
		v   *int
		def int
	}{
		{&i.AcksPerMailboxPerDay, DefaultAcksPerMailboxPerDay},
		{&i.AcksPerDomainPerHour, DefaultAcksPerDomainPerHour},
		{&i.AcksPerHour, DefaultAcksPerHour},
		{&i.NoticesPerHandlerPerDay, DefaultNoticesPerHandlerPerDay},
	} {
		if *f.v == 0 {
			*f.v = f.def
		}
	}
}

func (i *Intake) validateCaps(bad func(key, format string, args ...any)) {
	for _, f := range []struct {
		key string
		v   int
	}{
		{"intake.acks_per_mailbox_per_day", i.AcksPerMailboxPerDay},
		{"intake.acks_per_domain_per_hour", i.AcksPerDomainPerHour},
		{"intake.acks_per_hour", i.AcksPerHour},
		{"intake.notices_per_handler_per_day", i.NoticesPerHandlerPerDay},
	} {
		if f.v < 1 {
			bad(f.key, "must be at least 1, not %d", f.v)
		}
	}
}
