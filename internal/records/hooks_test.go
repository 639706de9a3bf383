package records

// SetPurgePage makes r's purge hold n closed cases at a time.
func SetPurgePage(r *Records, n int) { r.page = n }
