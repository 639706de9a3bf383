package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/store"
	"github.com/klachtd/klachtd/internal/store/storetest"
)

// TestAccountsDoNotCollide: two accounts that both watch INBOX on one
// database keep their own checkpoint, status and lock; a checkpoint and a
// status row from before migration 0014 (no account) are taken over by the
// first account, once.
func TestAccountsDoNotCollide(t *testing.T) {
	base := storetest.New(t)
	ctx := context.Background()
	a := base.ForAccount(store.Account{Server: "imap.example.nl:993", User: "klachten"})
	b := base.ForAccount(store.Account{Server: "outlook.office365.com:993", User: "klachten@gemeente.nl"})
	save := func(s *store.Store, v, uid uint32) {
		t.Helper()
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.SaveCheckpoint(ctx, "INBOX", v, uid) }); err != nil {
			t.Fatal(err)
		}
	}
	// A row as the old code wrote it.
	save(base, 7, 40)
	if err := base.RecordCheck(ctx, "INBOX", time.Now(), nil); err != nil {
		t.Fatal(err)
	}
	if c, _ := a.Checkpoint(ctx, "INBOX"); c != (store.Checkpoint{UIDValidity: 7, LastUID: 40}) {
		t.Errorf("account a did not take over the old checkpoint: %+v", c)
	}
	if c, _ := b.Checkpoint(ctx, "INBOX"); c != (store.Checkpoint{}) {
		t.Errorf("account b got a checkpoint it never saved: %+v", c)
	}
	save(a, 7, 41)
	save(b, 1, 3)
	if c, _ := a.Checkpoint(ctx, "INBOX"); c != (store.Checkpoint{UIDValidity: 7, LastUID: 41}) {
		t.Errorf("a: %+v", c)
	}
	if c, _ := b.Checkpoint(ctx, "INBOX"); c != (store.Checkpoint{UIDValidity: 1, LastUID: 3}) {
		t.Errorf("b: %+v", c)
	}

	if err := a.RecordCheck(ctx, "INBOX", time.Now(), nil); err != nil {
		t.Fatal(err)
	}
	if err := b.RecordCheck(ctx, "INBOX", time.Now(), errors.New("mailbox: oauth2 login: rejected")); err != nil {
		t.Fatal(err)
	}
	sts, err := base.IntakeStatuses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(sts) != 2 {
		t.Fatalf("%d status rows, want 2 (the old one dropped): %+v", len(sts), sts)
	}
	for _, st := range sts {
		wantErr := st.Server == "outlook.office365.com:993"
		if (st.LastError != "") != wantErr || st.LastOKAt.Valid == wantErr {
			t.Errorf("status of %s mixed up: %+v", st.Name(), st)
		}
	}

	relA, ok, err := a.TryLock(ctx, "INBOX")
	if err != nil || !ok {
		t.Fatalf("lock a: %v %v", ok, err)
	}
	defer relA()
	relB, ok, err := b.TryLock(ctx, "INBOX")
	if err != nil || !ok {
		t.Fatalf("account b could not lock its INBOX while a holds its own: %v %v", ok, err)
	}
	relB()
	if _, ok, _ := a.TryLock(ctx, "INBOX"); ok {
		t.Error("a second lock on account a's INBOX succeeded")
	}
}
