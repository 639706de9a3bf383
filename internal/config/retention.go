package config

// Retention is what klachtd keeps and for how long, the [retention] table.
// How long a closed case is kept is the policy's (policy.retention_years,
// by preset awb 5, wkkgz 2, generic 2 years); a case stored under another
// preset keeps that preset's term. Example (the defaults):
//
//	[retention]
//	auto = false                   # true: the daemon purges once a day what is past its term
//	machine_mail_days = 90         # mails without a case (machine mail, quarantine) are kept this long
type Retention struct {
	Auto            bool `toml:"auto"`
	MachineMailDays int  `toml:"machine_mail_days"`
}

func (r *Retention) setDefaults() {
	if r.MachineMailDays == 0 {
		r.MachineMailDays = 90
	}
}

func (r *Retention) validate(bad func(key, format string, args ...any)) {
	if r.MachineMailDays < 1 || r.MachineMailDays > 3660 {
		bad("retention.machine_mail_days", "must be between 1 and 3660, not %d", r.MachineMailDays)
	}
}
