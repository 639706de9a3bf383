package cases

import (
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/store"
)

func TestParseOnBehalf(t *testing.T) {
	for _, tc := range []struct {
		arg                          string
		name, addr, phone, postal, e string
	}{
		{"Piet Jansen piet@example.nl tel 06-12345678", "Piet Jansen", "piet@example.nl", "06-12345678", "", ""},
		{"Piet Jansen <Piet@Example.nl>", "Piet Jansen", "piet@example.nl", "", "", ""},
		{"mevrouw A. Smit, Kerkplein 4, 1234 AB Dorp tel 0123 456 789", "mevrouw A. Smit", "", "0123 456 789", "Kerkplein 4, 1234 AB Dorp", ""},
		{"tel 0612345678", "", "", "", "", "de naam van de klager ontbreekt"},
		{"Kees tel", "", "", "", "", "na \"tel\" ontbreekt het nummer"},
		{"Kees a@b@c", "", "", "", "", "\"a@b@c\" is geen bruikbaar e-mailadres"},
	} {
		name, addr, phone, postal, e := parseOnBehalf(tc.arg)
		if name != tc.name || addr != tc.addr || phone != tc.phone || postal != tc.postal || e != tc.e {
			t.Errorf("%q: got %q %q %q %q %q", tc.arg, name, addr, phone, postal, e)
		}
	}
}

// The registration commands apply only to a new registration, and
// #ontvangen is never later than the mail.
func TestRegistrationCommands(t *testing.T) {
	in := NewIntake(Options{Now: time.Now})
	mailAt := time.Date(2026, 11, 3, 10, 0, 0, 0, deadline.Location())
	row := &store.Message{InternalDate: mailAt}
	reg, errs := in.registrationPlan([]command{
		{name: "namens", arg: "Piet piet@example.nl", line: "#namens Piet piet@example.nl"},
		{name: "kanaal", arg: "Balie", line: "#kanaal Balie"},
		{name: "ontvangen", arg: "3-11-2026 09:30", line: "#ontvangen 3-11-2026 09:30"},
	}, row, &People{}, &registrant{who: roleRegistrar})
	if len(errs) != 0 || reg.channel != "balie" || !reg.received.Equal(mailAt.Add(-30*time.Minute)) {
		t.Errorf("registration %+v, errors %v", reg, errs)
	}
	_, errs = in.registrationPlan([]command{
		{name: "namens", arg: "Piet", line: "#namens Piet"},
		{name: "kanaal", arg: "email", line: "#kanaal email"},
		{name: "ontvangen", arg: "3-11-2026 10:01", line: "#ontvangen 3-11-2026 10:01"},
	}, row, &People{}, &registrant{who: roleHandler})
	if len(errs) != 2 {
		t.Errorf("errors %v, want the channel and the time refused", errs)
	}
	pl := in.makePlan(store.Case{ID: 1}, []command{{name: "kanaal", arg: "telefoon", line: "#kanaal telefoon"}}, &People{}, mailAt)
	if len(pl.errors) != 1 {
		t.Errorf("#kanaal on an existing case: errors %v", pl.errors)
	}
}
