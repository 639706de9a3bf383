// Package records keeps klachtd's files in the shape an archivist, a
// privacy officer and the ombudsman ask for: retention and purge, the
// subject-access export, the dossier of one case, and the register and
// analysis as HTML with charts. It reads and writes only through
// internal/store.
//
// Promises:
//
//   - Retention. A closed case is kept for its policy's retention term
//     (policy.retention_years for the configured policy, else its preset's:
//     awb 5, wkkgz 2, generic 2 years), counted from its closing. After
//     that, Purge removes its personal data (store.PurgeCase: incoming and
//     outgoing mails with their attachments, names, addresses, subject, the
//     actors and details of its events) and keeps a de-identified stub:
//     reference, dates, policy, category, outcome, extensions — everything
//     the register counts, so its numbers are the same before and after.
//     One "purged" event per case records what went and by which rule.
//   - The audit trail is never updated; the purge replaces a case's events
//     by de-identified copies (time and kind kept, actor reduced to a role)
//     inside the one transaction that may delete events (migration 0005).
//   - A case on legal hold, or not closed, is never purged. Case-less mails
//     (machine mail, quarantine) go after [retention] machine_mail_days.
//   - Each case is purged in its own transaction: a run is idempotent and
//     safe to interrupt; a case locked by another instance is left to the
//     next run. A dry run writes nothing.
//   - Exports (subject access, dossier) are zip files written to the
//     caller's writer; they hold only what concerns the subject or the case.
//     The register and report hold no names or references and count by
//     month; CSV cells are escaped against formula injection.
//
// Failure rules: an error on one case is reported and the run goes on with
// the next; the run returns all errors joined.
package records
