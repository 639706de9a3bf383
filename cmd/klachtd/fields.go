package main

import "github.com/klachtd/klachtd/internal/store"

// fieldRows are the structured fields of a case as `cases show` lines:
// the channel always, the others when recorded.
func fieldRows(f store.Fields) [][2]string {
	rows := [][2]string{{"channel", f.Channel}}
	for _, r := range [][2]string{
		{"registrar", f.Registrar}, {"phone", f.Phone}, {"postal addr", f.PostalAddress},
		{"incident", f.IncidentDate}, {"department", f.Department}, {"desired", f.DesiredOutcome},
	} {
		if r[1] != "" {
			rows = append(rows, r)
		}
	}
	if f.AckByPost {
		rows = append(rows, [2]string{"ack", "by post: the complainant gave no e-mail address"})
	}
	return rows
}
