// Package deadline computes the terms of a complaint: when it must be
// acknowledged, decided, at the latest extended to, and when its handler is
// reminded and its managers are told. It does no I/O and keeps no state;
// the scheduler stores what it computes and recomputes after a change.
//
// Promises:
//
//   - Every date is a calendar day in Europe/Amsterdam (tzdata is embedded),
//     and a due date means the end of that day: Date.End is the first instant
//     a case is overdue.
//   - The clock starts at delivery (IMAP INTERNALDATE, Awb 2:17), the day of
//     receipt is day 0, and N weeks end on the same weekday N weeks later
//     (see Policy.Compute for the sources).
//   - A statutory term (decision, extension, Awb 9:8 refusal notice) of a
//     policy with MoveToWorkingDay that ends on a Saturday, Sunday or public
//     holiday of the Algemene termijnenwet ends on the next day that is none
//     (Legal calendar). The Atw holidays are computed (github.com/rickar/cal/v2
//     nl, Koningsdag on the 26th when the 27th is a Sunday, 5 May every year);
//     the days set equal to them by royal decree are data in holiday.go and
//     must be kept up to date there.
//   - Acknowledgement terms, reminders and escalations count the
//     organisation's own working days (NewCalendar), which may differ from
//     the law's: Goede Vrijdag worked or not, 5 May every year or every fifth,
//     extra closing days.
//   - Extend refuses, with a sentinel error, a second extension, one longer
//     than the policy allows, and one asked at or after the end of the due
//     date. It never grants a delay that needs the complainant's consent.
//   - A committee term (DecisionCommittee, awb 10 weeks) is counted from
//     receipt like the decision term, the Atw applied (Compute with
//     committee true).
//   - Procedure (procedure.go) is the policy's word on the steps besides
//     the terms: the recourse named in the decision letter (awb: the
//     Nationale ombudsman, 1 year; wkkgz: the disputes body, to be
//     configured), the hearing duty, the follow-up question, reopening.
//     Config.Warnings says when a legal preset would name no recourse.
//
// Every number of the presets (awb, wkkgz, generic) is a default an
// organisation can change in config (see Config); none of it is legal advice.
package deadline
