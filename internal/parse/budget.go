package parse

import "time"

// budget is the wall-clock time one Parse call may spend (Limits.MaxDuration).
// It is read at part boundaries with over, and inside the loops over HTML
// tokens, RTF bytes and TNEF attributes with tick, which reads the clock
// only every tickEvery calls, so that checking costs next to nothing. A
// nil *budget never runs out (the fuzz targets and helpers use one).
type budget struct {
	now      func() time.Time
	deadline time.Time
	ticks    uint
	spent    bool
}

const tickEvery = 256

func newBudget(d time.Duration, now func() time.Time) *budget {
	if now == nil {
		now = time.Now
	}
	return &budget{now: now, deadline: now().Add(d)}
}

// over reports whether the budget is spent, reading the clock.
func (b *budget) over() bool {
	if b == nil {
		return false
	}
	if !b.spent && !b.now().Before(b.deadline) {
		b.spent = true
	}
	return b.spent
}

// tick is over for inner loops: the clock is read every tickEvery calls.
func (b *budget) tick() bool {
	if b == nil {
		return false
	}
	if b.spent {
		return true
	}
	b.ticks++
	if b.ticks%tickEvery != 0 {
		return false
	}
	return b.over()
}
