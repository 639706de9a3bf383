package store_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/klachtd/klachtd/internal/store/storetest"
)

// Every instance on one database signs the form with the same key.
func TestFormKeyIsSharedAndStable(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	a, err := s.FormKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.FormKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != 32 || !bytes.Equal(a, b) {
		t.Errorf("keys %x and %x, want one 32-byte key", a, b)
	}
}
