package cases

import (
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/store"
)

// Registration on someone's behalf (issue 14): a handler or a registrar
// writes a mail that threads to no case and starts with these commands; the
// text below them is the complaint (registration.go opens the case).
//
//	#namens <naam>[, <postadres>] [<e-mailadres>] [tel <nummer>]
//	#kanaal telefoon|balie|brief|formulier|sociale-media
//	#ontvangen <datum> [<tijd>]   (default: when the mail arrived)
//	#gewenst <wat de klager wil bereiken>
//
// #namens and #kanaal are required. In #namens the word with an "@" is the
// e-mail address, "tel" starts the phone number, and text after a comma in
// the name is a postal address. #ontvangen without a time means the start
// of that day; it is never later than the mail and at most a year before
// it. The commands are refused on an existing case.
func registrationCommands() []spec {
	both := roleHandler | roleRegistrar
	return []spec{
		{name: "namens", usage: "<naam>[, <postadres>] [<e-mail>] [tel <nummer>]", help: "nieuwe klacht namens iemand registreren",
			who: both, arg: argRequired, apply: cmdOnBehalf},
		{name: "kanaal", usage: "telefoon|balie|brief|formulier|sociale-media", help: "bij #namens: hoe de klacht binnenkwam",
			who: both, arg: argRequired, apply: cmdChannel},
		{name: "ontvangen", usage: "<datum> [<tijd>]", help: "bij #namens: wanneer de klacht gedaan is",
			who: both, arg: argRequired, apply: cmdReceived},
		{name: "gewenst", usage: "<wat de klager wil bereiken>", help: "bij #namens: het gewenste resultaat",
			who: both, arg: argRequired, apply: cmdDesired},
	}
}

// registration is what a registration's commands say, checked.
type registration struct {
	mailAt        time.Time // when the registrar's mail arrived
	name, address string
	phone, postal string
	channel       string
	received      time.Time // zero: mailAt
	desired       string
}

const notInRegistration = "alleen in een nieuwe registratie: een mail zonder kenmerk die begint met #namens"

func cmdOnBehalf(e *cmdEnv, arg string) string {
	r := e.plan.reg
	if r == nil {
		return notInRegistration
	}
	name, addr, phone, postal, err := parseOnBehalf(arg)
	if err != "" {
		return err
	}
	r.name, r.address, r.phone, r.postal = name, addr, phone, postal
	return ""
}

// parseOnBehalf splits "#namens" into name, e-mail address, phone and
// postal address.
func parseOnBehalf(arg string) (name, addr, phone, postal, problem string) {
	words := strings.Fields(arg)
	var rest []string
	for i := 0; i < len(words); i++ {
		w := strings.Trim(words[i], "<>(),;")
		switch {
		case strings.EqualFold(w, "tel") || strings.EqualFold(w, "tel.") || strings.EqualFold(w, "telefoon"):
			j := i + 1
			for j < len(words) && !strings.Contains(words[j], "@") && strings.ContainsAny(words[j], "0123456789+") {
				j++
			}
			phone = strings.Join(words[i+1:j], " ")
			if phone == "" {
				return "", "", "", "", "na \"tel\" ontbreekt het nummer"
			}
			i = j - 1
		case strings.Contains(w, "@"):
			a, err := mail.ParseAddress(w)
			if err != nil || addr != "" {
				return "", "", "", "", fmt.Sprintf("%q is geen bruikbaar e-mailadres", w)
			}
			addr = strings.ToLower(a.Address)
		default:
			rest = append(rest, words[i])
		}
	}
	name, postal, _ = strings.Cut(strings.Join(rest, " "), ",")
	name, postal = strings.TrimSpace(name), strings.TrimSpace(postal)
	if name == "" {
		return "", "", "", "", "de naam van de klager ontbreekt"
	}
	return name, addr, phone, postal, ""
}

func cmdChannel(e *cmdEnv, arg string) string {
	r := e.plan.reg
	if r == nil {
		return notInRegistration
	}
	ch := strings.ToLower(strings.TrimSpace(arg))
	if ch == "email" || ch == "e-mail" || !slices.Contains(store.Channels(), ch) {
		return "onbekend kanaal; kies telefoon, balie, brief, formulier of sociale-media"
	}
	r.channel = ch
	return ""
}

func cmdReceived(e *cmdEnv, arg string) string {
	r := e.plan.reg
	if r == nil {
		return notInRegistration
	}
	words := strings.Fields(arg)
	d, n, err := parseDate(words, deadline.DateOf(r.mailAt))
	if err != nil {
		return err.Error()
	}
	at := d.Start()
	if len(words) > n {
		h, m, err := parseClock(words[n])
		if err != nil {
			return err.Error()
		}
		at = time.Date(d.Year, d.Month, d.Day, h, m, 0, 0, deadline.Location())
	}
	switch {
	case at.After(r.mailAt):
		return "dat is later dan deze mail binnenkwam (" + r.mailAt.In(deadline.Location()).Format("2-1-2006 15:04") + ")"
	case at.Before(r.mailAt.AddDate(-1, 0, 0)):
		return "dat is meer dan een jaar voor deze mail; klopt de datum?"
	}
	r.received = at
	return ""
}

func cmdDesired(e *cmdEnv, arg string) string {
	if e.plan.reg == nil {
		return notInRegistration
	}
	e.plan.reg.desired = boundRunes(arg, 2000)
	return ""
}
