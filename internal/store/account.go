package store

// Account names the IMAP account intake reads: the server (host:port) and
// the user. Checkpoints, intake status, the mailbox lock and the mails in
// hand are kept per account and folder, so that two accounts that both
// watch INBOX on one database do not collide. The zero Account is what
// rows from before migration 0014 carry.
type Account struct {
	Server, User string
}

// ForAccount returns a Store on the same pool whose checkpoints, intake
// status, locks and mails in hand belong to a (cmd/klachtd gives the
// intake this one).
func (s *Store) ForAccount(a Account) *Store {
	c := *s
	c.acct = a
	return &c
}

// lockKey names folder of the account for advisory locks and mails in hand;
// the zero Account keeps the folder alone, as before.
func (a Account) lockKey(folder string) string {
	if a == (Account{}) {
		return folder
	}
	return a.Server + " " + a.User + " " + folder
}
