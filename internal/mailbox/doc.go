// Package mailbox is the IMAP side of intake: it watches one mailbox, hands
// every mail to a Handler (the store), and moves the mail out of the mailbox
// once the Handler's transaction has committed.
//
// # Promises
//
// No mail is lost. A mail leaves the watched mailbox only after Handle (or
// Quarantine) has returned nil, that is after its transaction committed. It
// is fetched with BODY.PEEK, so \Seen is not set by us. Every mail in the
// mailbox is handed over in UID order on every pass, including mails at or
// below the checkpoint's LastUID: those are mails committed by an earlier run
// that stopped or crashed before the move; the Handler deduplicates them and
// answers their stored disposition, and they are moved then. When the
// mailbox's UIDVALIDITY differs from the checkpoint's, the checkpoint is
// ignored (everything is new again; dedupe keeps that harmless).
//
// A mail is moved with UID MOVE when the server has MOVE. Otherwise it is
// UID COPY, then, only when the copy succeeded, STORE +FLAGS \Deleted, then
// UID EXPUNGE of that one UID (UIDPLUS). A server with neither gets a plain
// EXPUNGE at the end of a pass, skipped while an unhandled mail carries
// \Deleted. A mail at or below LastUID that carries \Deleted on a server
// without MOVE is our own interrupted copy: it is only expunged, not copied
// twice. (imapclient's Move fallback pipelines COPY, STORE and EXPUNGE, so a
// failed COPY would still expunge: it is not used.)
//
// # Batches
//
// A pass works through the mailbox in windows of 4096 UIDs: it finds the
// lowest and highest UID (a NOOP, then UID SEARCH RETURN (MIN MAX) with
// ESEARCH, else a plain UID SEARCH read into ranges), lists the flags,
// INTERNALDATE and RFC822.SIZE of UID lo..lo+4095 only, hands those mails
// over, and lists the next window; after a window that held no mail, a
// search finds the next UID, so gaps are jumped, not walked. So what a pass
// holds is bounded by the window, not by the backlog (a pass used to list
// the whole mailbox first: about 400 bytes per waiting mail). Mails that
// arrive during a pass (above its highest UID) wait for the next pass, which
// their EXISTS starts. Within a window the mails go in batches of up to 256
// mails and 16 MB (by RFC822.SIZE). A batch's bodies come with one UID FETCH
// BODY.PEEK[] (a mail over MaxMessageBytes is fetched alone, partially). Its
// mails are handed over in UID order: when the Handler is a BatchHandler, up
// to 64 at a time to HandleBatch, which stores them in ONE transaction with
// one savepoint per mail (and stops taking mails after its time budget: the
// rest are handed over again at once); otherwise, and for a mail that failed
// before, one at a time to Handle. The mails that committed are moved with
// one UID MOVE per destination folder once the batch is through (or its
// first failure); with MOVE, that command goes on while the next batches
// are fetched and stored (moveLater), the mails committed meanwhile wait
// for the next MOVE, and the pass waits for both before it ends. A MOVE
// that fails ends the pass like any failed command:
// its mails are committed, so they are handed over again, deduplicated and
// moved on the next pass. (256 rather than 128 mails per FETCH and MOVE cut
// Dovecot's CPU per mail by a sixth in the intake benchmark.)
//
// "One mail, one transaction" became "one mail, one savepoint": each mail
// is still stored all or nothing (its savepoint is released or rolled back
// alone), a mail still moves only after the transaction holding it
// committed, and the checkpoint still only covers mails that committed:
// HandleBatch advances it to the last mail of the committed prefix of the
// batch, in UID order, in the same transaction. What changed is that the
// first mails of a batch wait for the last ones to commit and move. A
// crash in between leaves committed mails in the mailbox (they are handed
// over again, deduplicated and moved, as after any crash between commit and
// move) or a transaction that never committed (its mails are all still
// there). One commit for up to 64 mails, one FETCH and one MOVE for up to
// 256 is where a backlog drains faster: the reference counter and the caps'
// lock are taken once per transaction instead of once per mail. When mail
// trickles in, a batch is one mail, so an acknowledgement waits for nobody.
// Batches are not handed over concurrently: one transaction in hand at a
// time keeps the crash-loop memory exact (see package cases).
//
// Mails bigger than Options.MaxMessageBytes (by RFC822.SIZE) are fetched
// only up to that many bytes and handed over with Mail.Truncated set; the
// Handler is expected to store them and answer Quarantine.
//
// One instance watches a mailbox at a time when a Locker is given: Run asks
// again every 5s (or PollInterval, when shorter) while another instance
// holds the lock, so that a standby takes over within seconds when the
// holder dies; Once returns ErrLocked. The lock is taken per connection and given back on reconnect.
//
// # Failure rules
//
//   - A connection, TLS, login, server or database error ends the
//     connection; Run reconnects after a backoff of 1s doubling up to 2m,
//     with jitter. The backoff starts again at 1s as soon as a connection
//     made progress (a mail stored or moved, or a pass completed), so that a
//     connection cut while a backlog drains costs a second, not minutes.
//     While the connection before the failures made progress, the waits are
//     capped at 5s for the first 2 minutes of waiting (then they grow as
//     usual): a database restart or a cut costs intake at most ~5s after it
//     ends. The first failure of a streak (and any new error) is logged at
//     WARN as mailbox_reconnect, the repeats at DEBUG, and the first progress
//     after it as mailbox_recovered (INFO, with the failures and how long).
//   - A hung connection is found by Options.CommandTimeout: dialling, the TLS
//     handshake, the greeting and every command must see a byte from the
//     server within it, or the connection is dropped. A dead connection in
//     IDLE is found when the IDLE ends, after PollInterval (at most 25m).
//   - When Handle returns an error or panics, the pass stops at that mail:
//     the mails of its batch before it (committed) are moved, it and the
//     mails after it stay in the mailbox and are tried again after the
//     backoff, so that the checkpoint never skips a mail. When a mail fails
//     inside HandleBatch (an error or panic rolled back to its savepoint),
//     the other mails of that transaction commit and are moved; the pass
//     then stops in the same way, and the failed mail is handed over ALONE
//     (Handle) from then on. When HandleBatch fails as a whole (nothing
//     committed), that counts as a failure of its first mail. Every
//     attempt calls Handle first. When it fails for the MaxAttempts-th time
//     in a row for the same mail (counted in memory, so per process, a
//     failure inside a batch included),
//     Handler.Quarantine is called at once to store the mail raw, and the
//     mail is moved to the quarantine folder: one poisonous mail does not
//     hold up the queue. If Quarantine fails too (the database is down), the
//     mail stays and the next attempt starts with Handle again.
//   - When ctx ends, a Handle or HandleBatch in progress completes (it gets a context
//     without cancel) and no further mail is handed over; the move of the
//     batch's committed mails is left undone and happens on the next run.
//     Run then returns nil.
//
// # Waiting for mail
//
// After a pass the Watcher waits in IDLE when the server has it, else it
// sleeps PollInterval. (SeenNewMail lets the intake benchmark note when an
// EXISTS woke it.) An EXISTS response (in IDLE or with any command)
// starts a new pass; IDLE is also ended after PollInterval (at most 25
// minutes, RFC 2177) for a safety-net pass. Trigger starts a pass at once.
package mailbox
