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
// The MIME walk is done on the input byte slice rather than through
// go-message's streaming reader: bodies are sliced, not copied, broken
// structure (a wrong boundary, a missing close delimiter, a header without
// an empty line after it) is recovered instead of rejected, and RFC 2231
// parameters in any charset are decoded. Charsets come from
// golang.org/x/text (WHATWG labels first, as mail clients do), HTML is read
// with golang.org/x/net/html.
package parse
