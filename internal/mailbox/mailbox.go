package mailbox

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Mail is one message as the IMAP server holds it, handed to the Handler.
type Mail struct {
	Mailbox      string
	UIDValidity  uint32
	UID          uint32
	InternalDate time.Time // when the server received it: the delivery time
	Size         int64     // RFC822.SIZE as the server reports it
	Raw          []byte    // the message bytes, at most Options.MaxMessageBytes
	// Truncated is set when the mail is bigger than Options.MaxMessageBytes:
	// Raw then holds only its first MaxMessageBytes bytes (header first). The
	// handler is expected to store it and answer Quarantine.
	Truncated bool
}

// Disposition says where a mail goes after its transaction has committed.
type Disposition int

const (
	// Processed moves the mail to the processed folder.
	Processed Disposition = iota
	// Quarantine moves the mail to the quarantine folder.
	Quarantine
)

func (d Disposition) String() string {
	switch d {
	case Processed:
		return "processed"
	case Quarantine:
		return "quarantine"
	}
	return fmt.Sprintf("Disposition(%d)", int(d))
}

// Checkpoint is what the store committed last for a mailbox.
type Checkpoint struct {
	UIDValidity, LastUID uint32
}

// Handler is the store side of intake.
type Handler interface {
	// Checkpoint returns what the store committed for this mailbox (zero
	// value when none).
	Checkpoint(ctx context.Context, mailbox string) (Checkpoint, error)
	// Handle stores one mail in ONE transaction together with the new
	// checkpoint (LastUID = max(LastUID, m.UID) for m.UIDValidity) and
	// returns where to move it. It is idempotent: a mail already stored
	// (dedupe) returns its stored disposition again. An error means nothing
	// was committed: the mail stays in the mailbox and is tried again later.
	Handle(ctx context.Context, m Mail) (Disposition, error)
	// Quarantine stores the mail raw, flagged as quarantined with reason, in
	// one transaction together with the checkpoint, like Handle does. It is
	// called when Handle failed (or panicked) Options.MaxAttempts times in a
	// row for the same mail. It must be idempotent too.
	Quarantine(ctx context.Context, m Mail, reason error) error
}

// BatchHandler is a Handler that can also store several mails of a batch
// in one transaction, each in a savepoint of its own. The Watcher uses it
// when the Handler has it (see the package doc, "Batches").
type BatchHandler interface {
	Handler
	// HandleBatch stores ms (one mailbox and UIDVALIDITY, in UID order) in
	// one transaction with one savepoint per mail, and returns one Result
	// per mail. A mail whose Result has a nil Err is committed; a mail with
	// an Err was rolled back alone (its savepoint) and is tried again; a
	// mail with ErrNotTried was not handed over (the batch's time budget
	// ran out) and is simply handed over again. The checkpoint advances to
	// the last mail of the committed prefix only. An error means nothing
	// was committed.
	HandleBatch(ctx context.Context, ms []Mail) ([]Result, error)
}

// Result is the outcome of one mail of HandleBatch.
type Result struct {
	Disposition Disposition
	// Kind is what the handler stored a committed mail as (for the
	// metrics: its class, or "duplicate" when it was a copy of a stored
	// mail); "" when the handler does not say.
	Kind string
	Err  error
}

// ErrNotTried is a batch Result's Err for a mail the batch did not get to.
var ErrNotTried = errors.New("mailbox: not tried in this batch")

// Locker makes sure that one instance polls a mailbox at a time (the store
// implements it with a PostgreSQL advisory lock).
type Locker interface {
	// TryLock takes the lock for mailbox without waiting. ok is false when
	// another instance holds it. release gives it back.
	TryLock(ctx context.Context, mailbox string) (release func(), ok bool, err error)
}

// ErrLocked is returned by Once when another instance holds the mailbox lock.
var ErrLocked = errors.New("mailbox: locked by another instance")
