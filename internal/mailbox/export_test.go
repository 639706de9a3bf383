package mailbox

// SetWindow makes w's passes list at most uids UIDs at a time and tell
// listed how many mails each listing held.
func SetWindow(w *Watcher, uids uint32, listed func(metas int)) {
	w.window, w.onWindow = uids, listed
}

// WindowUIDs is the window of a Watcher made by New.
const WindowUIDs = windowUIDs
