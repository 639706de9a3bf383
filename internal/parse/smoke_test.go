package parse

import (
	"encoding/json"
	"os"
	"testing"
)

func TestSmoke(t *testing.T) {
	f := os.Getenv("SMOKE")
	if f == "" {
		t.Skip()
	}
	raw, _ := os.ReadFile(f)
	m, err := Parse(raw, Limits{})
	for i := range m.Attachments {
		m.Attachments[i].Data = nil
	}
	b, _ := json.MarshalIndent(m, "", "  ")
	t.Logf("err=%v\n%s", err, b)
}
