// Package parse turns the raw bytes of one e-mail into a Message: decoded
// headers, addresses, the best text of the body, attachments (including
// forwarded messages and winmail.dat contents), threading ids, the case
// reference and, for delivery and read reports, the report fields.
//
// It is the one code path the daemon and `klachtd inspect` share.
//
// Promises and failure rules:
//
//   - Parse never panics and never returns a nil *Message. A panic inside is
//     recovered and reported as a malformed mail.
//   - Parse returns an error only when the mail is malformed or over a limit
//     (ErrMalformed, ErrTooLarge, ErrTooDeep, ErrTooManyParts,
//     ErrHeaderTooLarge; test with errors.Is). The Message still holds
//     everything that could be extracted — headers, hash, size, what fits
//     within the limits — and Malformed is true, so the caller can store the
//     raw bytes and quarantine the mail.
//   - Anything that could be recovered (an unknown charset, broken base64, a
//     missing closing boundary, raw 8-bit headers, a broken Date) is a
//     warning in Message.Warnings, not an error.
//   - Work and memory are bounded by Limits: Parse reads at most
//     MaxMessageBytes of the input, descends at most MaxDepth MIME levels,
//     handles at most MaxParts parts and MaxHeaderBytes of header per part.
//     Beyond the input itself, Parse allocates roughly the decoded size of
//     the part bodies, never a multiple of the message size.
//
// go-message is used here only for its charset tables' approach; the MIME
// walk is done on the byte slice so that bodies are sliced, not copied, and
// so that broken structure can be recovered instead of rejected.
package parse
