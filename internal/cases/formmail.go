package cases

import (
	"context"
	"net/mail"
	"strings"

	"github.com/klachtd/klachtd/internal/classify"
	"github.com/klachtd/klachtd/internal/parse"
	"github.com/klachtd/klachtd/internal/store"
)

// Form mails (issue 14): many websites send a filled-in form as a mail to
// the complaints address, from a no-reply address, often with
// Auto-Submitted: auto-generated. Such a mail is the complaint of the
// person who filled in the form, not of the web server:
//   - it is a form when, in the first 16 KiB of its text, "Label: value"
//     lines give an e-mail field with one valid address, a description and
//     at least one more field (name, phone, …), by the label sets below
//     (Dutch and English) plus [form] labels from the config; a description
//     may go on over the lines after its label;
//   - the complainant is the form's name and e-mail address; the
//     acknowledgement goes there (within the usual caps), never to the web
//     server; the structured fields (channel "formulier", desired outcome,
//     incident date, department) are stored, and a form_mail event records
//     the sender;
//   - the exception is narrow: only the soft Auto-Submitted signal is
//     forgiven (the mail is classified again without that field); a hard
//     machine proof, a spam flag, Precedence: bulk or any other soft signal
//     still wins, and a mail from a handler is never a form.

// formScan bounds the text a form is looked for in.
const formScan = 16 << 10

// defaultFormLabels are the labels of each field, lower case, without the
// colon.
func defaultFormLabels() map[string][]string {
	return map[string][]string{
		"name": {"naam", "uw naam", "volledige naam", "naam klager", "voor- en achternaam", "name", "your name", "full name"},
		"email": {"e-mail", "email", "e-mailadres", "emailadres", "uw e-mailadres", "e-mail adres", "e-mail address",
			"email address", "your email", "your e-mail"},
		"phone": {"telefoon", "telefoonnummer", "tel", "tel.", "uw telefoonnummer", "phone", "phone number", "telephone"},
		"description": {"omschrijving", "klacht", "uw klacht", "bericht", "toelichting", "omschrijving klacht",
			"omschrijving van de klacht", "wat is er gebeurd", "description", "message", "complaint", "your complaint", "what happened"},
		"desired_outcome": {"gewenst", "gewenste oplossing", "gewenst resultaat", "wat wilt u bereiken", "wat wilt u bereiken met uw klacht",
			"desired outcome", "what would you like to achieve", "what do you want to achieve"},
		"incident_date": {"datum", "datum voorval", "datum van het voorval", "wanneer", "wanneer gebeurde het", "wanneer is het gebeurd",
			"date", "date of incident", "when", "when did it happen"},
		"department": {"afdeling", "over welke afdeling", "over wie of welke afdeling", "over wie gaat de klacht", "department",
			"which department", "who or which department"},
	}
}

// formLabels joins the defaults and the configured extra labels into a
// lookup from label to field.
func formLabels(extra map[string][]string) map[string]string {
	if len(extra) == 0 {
		return defaultLabelIndex // read only
	}
	out := labelIndex(defaultFormLabels())
	for l, field := range labelIndex(extra) {
		out[l] = field
	}
	return out
}

// defaultLabelIndex is labelIndex of the default labels, built once: every
// mail that threads nowhere is read as a form (0.36 s of a 6 000-mail
// drain's CPU when it was built per mail). It is never written.
var defaultLabelIndex = labelIndex(defaultFormLabels())

// labelIndex maps each normalised label of set to its field.
func labelIndex(set map[string][]string) map[string]string {
	out := map[string]string{}
	for field, labels := range set {
		for _, l := range labels {
			out[normLabel(l)] = field
		}
	}
	return out
}

func normLabel(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimRight(s, " *?")
	return strings.Join(strings.Fields(s), " ")
}

// formLine reads line as "Label: value" with a known label (of at most 60
// bytes); only a line with a colon is normalised.
func formLine(line string, labels map[string]string) (field, value string, ok bool) {
	label, value, ok := strings.Cut(line, ":")
	if !ok || len(label) > 60 {
		return "", "", false
	}
	field, ok = labels[normLabel(label)]
	return field, value, ok
}

// formData is what a form mail says.
type formData struct {
	fields map[string]string
}

func (f *formData) get(k string) string { return strings.TrimSpace(f.fields[k]) }

// recogniseForm reads text as a form, or returns nil.
func recogniseForm(text string, extra map[string][]string) *formData {
	if len(text) > formScan {
		text = text[:formScan]
	}
	labels := formLabels(extra)
	f := &formData{fields: map[string]string{}}
	current := ""
	for _, line := range strings.Split(text, "\n") {
		if field, value, ok := formLine(line, labels); ok {
			if _, dup := f.fields[field]; !dup {
				current = field
				f.fields[field] = strings.TrimSpace(value)
				continue
			}
		}
		if current == "description" || current == "desired_outcome" {
			f.fields[current] += "\n" + line
			continue
		}
		current = ""
	}
	if len(f.fields) < 3 || f.get("description") == "" || f.address() == "" {
		return nil
	}
	return f
}

// address is the form's e-mail address when it is one valid address.
func (f *formData) address() string {
	a, err := mail.ParseAddress(f.get("email"))
	if err != nil || strings.ContainsAny(f.get("email"), ",;") {
		return ""
	}
	return lower(a.Address)
}

// asForm turns t into the form's complainant's mail, when msg is a form
// mail as described above and the exception applies; else it returns nil.
func (in *Intake) asForm(t *take, p *People) (*take, *formData) {
	if t.res.Machine || t.res.Kind == classify.HandlerReply || len(t.unread) > 0 {
		return nil, nil
	}
	f := recogniseForm(t.msg.Text, p.FormLabels)
	if f == nil {
		return nil, nil
	}
	msg := *t.msg
	msg.ReplyAddress = f.address()
	msg.ReplyTo = []parse.Address{{Name: boundRunes(f.get("name"), 200), Address: f.address()}}
	res := t.res
	if res.Review {
		without := *t.msg
		without.Header = map[string][]string{}
		for k, v := range t.msg.Header {
			if k != "Auto-Submitted" {
				without.Header[k] = v
			}
		}
		again := classify.Classify(&without, in.classifyConfig(p))
		if again.Review || again.Machine {
			return nil, nil
		}
		res.Review, res.Acknowledge, res.Kind = false, again.Acknowledge, again.Kind
	}
	return &take{msg: &msg, res: res, truncated: t.truncated}, f
}

// formFields are the structured fields of a form mail.
func formFields(f *formData) *store.Fields {
	return &store.Fields{
		Channel: store.ChannelForm, DesiredOutcome: boundRunes(f.get("desired_outcome"), 2000),
		IncidentDate: boundRunes(f.get("incident_date"), 100), Department: boundRunes(f.get("department"), 200),
		Phone: boundRunes(f.get("phone"), 50),
	}
}

// saveFields stores the structured fields of a new case, when its opening
// has any, and records a form mail's sender.
func (in *Intake) saveFields(ctx context.Context, tx *store.Tx, c *store.Case, row *store.Message, how opening) error {
	if how.fields == nil {
		return nil
	}
	f := *how.fields
	f.CaseID = c.ID
	if f.Department == "" {
		f.Department = c.Category
	}
	if err := tx.SaveFields(ctx, &f); err != nil {
		return err
	}
	if f.Channel != store.ChannelForm {
		return nil
	}
	return tx.AddEvent(ctx, &store.Event{CaseID: c.ID, At: in.o.Now(), Actor: "klachtd", Kind: "form_mail", Message: nullID(row.ID),
		Detail: store.Detail(map[string]any{"sender": row.FromAddress, "complainant": c.ComplainantAddress})})
}
