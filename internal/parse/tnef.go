package parse

import "strings"

func isTNEF(ctype, name string) bool {
	return ctype == "application/ms-tnef" || ctype == "application/vnd.ms-tnef" || strings.EqualFold(name, "winmail.dat")
}

// addTNEF is a placeholder replaced by the TNEF decoder.
func (p *parser) addTNEF(data []byte, text *string) bool { return false }
