package schedule

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/klachtd/klachtd/internal/deadline"
)

// fingerprint names the rules the sweep dates of the cases are computed
// under: the configured policy, the presets a case may still be stored
// under, and the organisation's working calendar. A daemon started with
// other rules (a changed [policy] or [calendar], or a new version of a
// preset) computes every open case's points again once (syncRules), so a
// new or earlier reminder is not missed. Two instances running with
// different rules each reset the dates when they start; they should not
// stay so.
func (s *Sweeper) fingerprint() string {
	h := sha256.New()
	fmt.Fprintf(h, "v1 %#v %#v %#v\n", s.o.Policy.Name, s.o.Policy.Reminders, s.o.Policy.Escalation)
	for _, name := range []string{deadline.PresetAwb, deadline.PresetWkkgz, deadline.PresetGeneric} {
		if p, err := deadline.Preset(name); err == nil {
			fmt.Fprintf(h, "%s %#v %#v %v\n", name, p.Reminders, p.Escalation, p.Pausable)
		}
	}
	fmt.Fprintf(h, "%v %#v\n", s.o.Policy.Pausable, *s.o.Calendar)
	return hex.EncodeToString(h.Sum(nil))
}

// syncRules records the rules once per Sweeper, before its first sweep of
// the cases; on an error it is tried again at the next sweep.
func (s *Sweeper) syncRules(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rulesSynced {
		return nil
	}
	reset, err := s.o.Store.SyncScheduleRules(ctx, s.fingerprint())
	if err != nil {
		return fmt.Errorf("schedule: %w", err)
	}
	if reset {
		s.o.Logger.Info("schedule_rules_changed")
	}
	s.rulesSynced = true
	return nil
}
