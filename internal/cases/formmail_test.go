package cases

import "testing"

func TestRecogniseForm(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		extra      map[string][]string
		want       string // the form's address, "" for not a form
	}{
		{"dutch", "Naam: Jan\nE-mail: Jan@Example.nl\nOmschrijving: kapotte lantaarn\n", nil, "jan@example.nl"},
		{"english", "Name: Ann\nEmail address: ann@example.org\nMessage: the bin\nwas not emptied\n", nil, "ann@example.org"},
		{"required mark", "Naam*: Jan\nE-mailadres *: jan@example.nl\nUw klacht: x\n", nil, "jan@example.nl"},
		{"signature only", "Ik wil klagen.\n\nNaam: Jan\nE-mail: jan@example.nl\n", nil, ""},
		{"no address", "Naam: Jan\nE-mail: geen\nOmschrijving: x\n", nil, ""},
		{"two addresses", "Naam: Jan\nE-mail: a@example.nl, b@example.nl\nOmschrijving: x\n", nil, ""},
		{"configured label", "Naam: Jan\nContactadres: jan@example.nl\nMelding: x\n",
			map[string][]string{"email": {"Contactadres"}, "description": {"melding"}}, "jan@example.nl"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := recogniseForm(tc.text, tc.extra)
			got := ""
			if f != nil {
				got = f.address()
			}
			if got != tc.want {
				t.Errorf("address = %q, want %q", got, tc.want)
			}
		})
	}
	f := recogniseForm("Name: Ann\nEmail: ann@example.org\nMessage: the bin\nwas not emptied\nDepartment: Waste\n", nil)
	if f.get("description") != "the bin\nwas not emptied" || f.get("department") != "Waste" {
		t.Errorf("fields = %q", f.fields)
	}
}
