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
//     ErrHeaderTooLarge, ErrBudget; test with errors.Is). The Message still
//     holds everything that could be extracted — headers, From and
//     ReplyAddress, Subject, hash, size, and the text of the parts read
//     within the limits (the first plain text part even when the budget ran
//     out before the body was put together) — and Malformed is true, so the
//     caller can store the raw bytes and open a case for review or
//     quarantine the mail.
//   - Anything that could be recovered (an unknown charset, broken base64, a
//     missing closing boundary, raw 8-bit headers, a broken Date, a text
//     cut at its cap) is a warning in Message.Warnings, not an error. An
//     unknown charset label (x-unknown, unknown-8bit, a made-up name) reads
//     the bytes as UTF-8 when they are valid UTF-8, else as windows-1252.
//   - Every text handed out (Subject, Header values, names and addresses,
//     Text, NewText, file names, content types, Warnings, Report fields) is
//     valid UTF-8 without NUL (invalid bytes and NUL become U+FFFD); single-
//     line fields hold no control characters (CR and LF become spaces).
//     Attachment.Data is the raw decoded bytes. CleanText is the same rule
//     for callers that store text from elsewhere.
//   - Work and memory are bounded by Limits: Parse reads at most
//     MaxMessageBytes of the input, descends at most MaxDepth MIME levels,
//     handles at most MaxParts parts (files inside winmail.dat count as
//     parts) and MaxHeaderBytes of header per part, and returns at most
//     MaxTextBytes of Text. The HTML, RTF and TNEF conversions are linear
//     in their input, and their output is capped relative to it (HTML text
//     at most its source plus 64 KiB, RTF decompressed at most 8 MiB);
//     nesting of lists and quotes stops indenting after a few levels.
//     Beyond the input itself, Parse allocates roughly the decoded size of
//     the part bodies, never a multiple of the message size.
//   - Time is bounded by Limits.MaxDuration (3 s by default), measured with
//     Limits.Now: the clock is read at every part boundary and every few
//     hundred steps of the HTML, RTF and TNEF loops. When it is spent, Parse
//     stops, adds a warning and returns ErrBudget with the Message so far.
//
// The MIME walk is done on the input byte slice rather than through
// go-message's streaming reader: bodies are sliced, not copied, broken
// structure (a wrong boundary, a missing close delimiter, a header without
// an empty line after it) is recovered instead of rejected, and RFC 2231
// parameters in any charset are decoded. Charsets come from
// golang.org/x/text (WHATWG labels first, as mail clients do), HTML is read
// with golang.org/x/net/html.
package parse
