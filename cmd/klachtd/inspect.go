package main

// klachtd inspect [--config FILE] [--json] FILE.eml… ('-' reads stdin)
//
// Prints what klachtd understands of each mail, through the same parse and
// classify code the daemon uses. It needs no database and no mail server,
// and runs without a config file: the intake address then comes from
// KLACHTD_INTAKE_ADDRESS and the handlers from KLACHTD_HANDLERS_DOMAINS, a
// comma list of addresses and "@domain"s (added to those of the config).
// From the config file it reads only [intake] address, [[handlers]]
// address and the [limits]; other keys are ignored, so inspect works with
// a config that `serve` would reject.
//
// Every mail up to the size limit is inspected in under a second and
// 200 MB: Parse gets a time budget of inspectBudget (the daemon keeps the
// parse default), and its Text, part count and warnings are capped, so
// the output is bounded too. A mail over the budget is reported with a
// warning "malformed: parse: time budget spent…" and what was read.
//
// Exit status: 0 when every file was read (also when a mail is malformed:
// that is reported in its warnings), 1 when a file could not be read,
// 2 for a usage or config error.
//
// README text for the --json output (one JSON object per file, one line
// each, always with exactly these keys):
//
//	file          the path as given ("-" for stdin)
//	message_id    Message-ID without <>, "" when missing
//	in_reply_to   the first In-Reply-To id without <>, "" when none
//	references    list of References ids without <>, oldest first
//	from          {"name","address"} of the first From mailbox, null when
//	              From holds no mailbox (empty, or an empty RFC 6854 group)
//	reply_address where klachtd would answer: Reply-To, else the single From
//	              mailbox, else Return-Path; "" when there is none
//	to, cc        lists of {"name","address"}; names decoded, domains lower case
//	subject       decoded subject, prefixes such as Re:/Antw: kept
//	date          the Date header in RFC 3339, null when missing or unreadable
//	              (the daemon then uses the delivery time)
//	text          the best body text: text/plain, else the HTML converted to
//	              text; decoded to UTF-8; from winmail.dat when that holds it
//	html          true when the mail had an HTML body part
//	attachments   list of {"filename","content_type","size","inline"}; size in
//	              decoded bytes; files inside winmail.dat are listed one by one
//	case_ref      "KL-YYYY-NNNNNN" from the subject or a +KL-… sub-address, or null
//	kind          complaint, reply, handler_reply, auto_reply, bounce, list
//	              or loop
//	acknowledge   true when klachtd may send the automatic acknowledgement
//	              (only for complaints; the daemon also caps per sender per day)
//	machine       true on proof of a machine: the daemon keeps such a mail
//	              without a case
//	review        true on a soft signal: the daemon opens a case for review,
//	              without acknowledgement
//	original_message_id  for a bounce or report, the Message-ID of the mail
//	              it is about (without <>), "" when none was found
//	reasons       list of the signals that decided the kind, in words
//	warnings      list of what was repaired or could not be read; a malformed
//	              mail (which the daemon quarantines) has a warning starting
//	              with "malformed:"

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/klachtd/klachtd/internal/classify"
	"github.com/klachtd/klachtd/internal/parse"
)

// inspectConfig is the part of the config file inspect reads.
type inspectConfig struct {
	Intake struct {
		Address string `toml:"address"`
	} `toml:"intake"`
	Handlers []struct {
		Address string `toml:"address"`
	} `toml:"handlers"`
	Limits struct {
		MaxMessageBytes int64 `toml:"max_message_bytes"`
		MaxMIMEDepth    int   `toml:"max_mime_depth"`
		MaxParts        int   `toml:"max_parts"`
	} `toml:"limits"`
}

// inspectSettings is what inspect needs to run, from flags, file and env.
type inspectSettings struct {
	json   bool
	files  []string
	cfg    classify.Config
	limits parse.Limits
}

func runInspect(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	s, err := inspectArgs(args, os.Getenv)
	if err != nil {
		fmt.Fprintf(stderr, "klachtd inspect: %v\nusage: klachtd inspect [--config FILE] [--json] FILE.eml… ('-' = stdin)\n", err)
		return 2
	}
	status := 0
	for _, file := range s.files {
		raw, err := readMail(file, stdin)
		if err != nil {
			fmt.Fprintf(stderr, "klachtd inspect: %v\n", err)
			status = 1
			continue
		}
		out := inspectMail(file, raw, s)
		if s.json {
			err = writeJSONLine(stdout, out)
		} else {
			err = writeHuman(stdout, out)
		}
		if err != nil {
			fmt.Fprintf(stderr, "klachtd inspect: %v\n", err)
			return 1
		}
	}
	return status
}

// inspectArgs parses flags (before or after the files) and the config.
func inspectArgs(args []string, getenv func(string) string) (*inspectSettings, error) {
	s := &inspectSettings{}
	var configFile string
	fs := flag.NewFlagSet("inspect", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&configFile, "config", "", "config file")
	fs.BoolVar(&s.json, "json", false, "one JSON object per file")
	var after []string // everything after "--" is a file
	for i, a := range args {
		if a == "--" {
			args, after = args[:i], args[i+1:]
			break
		}
	}
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			break
		}
		s.files = append(s.files, fs.Arg(0))
		args = fs.Args()[1:]
	}
	s.files = append(s.files, after...)
	if len(s.files) == 0 {
		return nil, errors.New("no mail files given")
	}
	if err := s.configure(configFile, getenv); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *inspectSettings) configure(file string, getenv func(string) string) error {
	var c inspectConfig
	if file != "" {
		if _, err := toml.DecodeFile(file, &c); err != nil {
			return fmt.Errorf("config: %w", err)
		}
	}
	intake := c.Intake.Address
	if v := strings.TrimSpace(getenv("KLACHTD_INTAKE_ADDRESS")); v != "" {
		intake = v
	}
	if intake != "" {
		s.cfg.IntakeAddresses = []string{intake}
	}
	for _, h := range c.Handlers {
		if h.Address != "" {
			s.cfg.Handlers = append(s.cfg.Handlers, h.Address)
		}
	}
	for _, h := range strings.Split(getenv("KLACHTD_HANDLERS_DOMAINS"), ",") {
		if h = strings.TrimSpace(h); h != "" {
			s.cfg.Handlers = append(s.cfg.Handlers, h)
		}
	}
	s.limits = parse.Limits{MaxMessageBytes: c.Limits.MaxMessageBytes, MaxDepth: c.Limits.MaxMIMEDepth, MaxParts: c.Limits.MaxParts,
		MaxDuration: inspectBudget}
	return nil
}

// inspectBudget is the parse time budget of one mail in inspect: with
// reading, hashing and classifying, a mail takes under a second.
const inspectBudget = 500 * time.Millisecond

func readMail(file string, stdin io.Reader) ([]byte, error) {
	if file == "-" {
		return io.ReadAll(stdin)
	}
	return os.ReadFile(file)
}

// inspectOutput is one line of --json: exactly the documented keys.
type inspectOutput struct {
	File         string            `json:"file"`
	MessageID    string            `json:"message_id"`
	InReplyTo    string            `json:"in_reply_to"`
	References   []string          `json:"references"`
	From         *inspectAddress   `json:"from"`
	ReplyAddress string            `json:"reply_address"`
	To           []inspectAddress  `json:"to"`
	Cc           []inspectAddress  `json:"cc"`
	Subject      string            `json:"subject"`
	Date         *string           `json:"date"`
	Text         string            `json:"text"`
	HTML         bool              `json:"html"`
	Attachments  []inspectAttached `json:"attachments"`
	CaseRef      *string           `json:"case_ref"`
	Kind         classify.Kind     `json:"kind"`
	Acknowledge  bool              `json:"acknowledge"`
	Machine      bool              `json:"machine"`
	Review       bool              `json:"review"`
	OriginalID   string            `json:"original_message_id"`
	Reasons      []string          `json:"reasons"`
	Warnings     []string          `json:"warnings"`
}

type inspectAddress struct {
	Name    string `json:"name"`
	Address string `json:"address"`
}

type inspectAttached struct {
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	Inline      bool   `json:"inline"`
}

func inspectMail(file string, raw []byte, s *inspectSettings) *inspectOutput {
	m, err := parse.Parse(raw, s.limits)
	res := classify.Classify(m, s.cfg)
	out := &inspectOutput{
		File: file, MessageID: m.MessageID, References: nonNilStrings(m.References),
		ReplyAddress: m.ReplyAddress, To: addresses(m.To), Cc: addresses(m.Cc),
		Subject: m.Subject, Text: m.Text, HTML: m.HTML, Attachments: []inspectAttached{},
		Kind: res.Kind, Acknowledge: res.Acknowledge, Machine: res.Machine, Review: res.Review,
		OriginalID: res.OriginalMessageID, Reasons: nonNilStrings(res.Reasons),
		Warnings: nonNilStrings(m.Warnings),
	}
	if err != nil {
		out.Warnings = append([]string{"malformed: " + err.Error()}, out.Warnings...)
	}
	if len(m.InReplyTo) > 0 {
		out.InReplyTo = m.InReplyTo[0]
	}
	if len(m.From) > 0 {
		out.From = &inspectAddress{m.From[0].Name, m.From[0].Address}
	}
	if !m.Date.IsZero() {
		d := m.Date.Format(time.RFC3339)
		out.Date = &d
	}
	if m.CaseRef != "" {
		out.CaseRef = &m.CaseRef
	}
	for _, a := range m.Attachments {
		out.Attachments = append(out.Attachments, inspectAttached{a.Filename, a.ContentType, a.Size, a.Inline})
	}
	return out
}

func addresses(list []parse.Address) []inspectAddress {
	out := make([]inspectAddress, 0, len(list))
	for _, a := range list {
		out = append(out, inspectAddress{a.Name, a.Address})
	}
	return out
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func writeJSONLine(w io.Writer, out *inspectOutput) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(out) // one line, ends in "\n"
}

// writeHuman prints the same facts for a person at a terminal.
func writeHuman(w io.Writer, o *inspectOutput) error {
	var b strings.Builder
	fmt.Fprintf(&b, "== %s\n", o.File)
	line := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "%-13s %s\n", k+":", v)
		}
	}
	line("kind", fmt.Sprintf("%s (acknowledge: %v, machine: %v, review: %v)", o.Kind, o.Acknowledge, o.Machine, o.Review))
	line("original_id", o.OriginalID)
	for _, r := range o.Reasons {
		line("reason", r)
	}
	if o.From != nil {
		line("from", formatAddress(*o.From))
	} else {
		line("from", "(none)")
	}
	line("reply to", o.ReplyAddress)
	for _, a := range o.To {
		line("to", formatAddress(a))
	}
	for _, a := range o.Cc {
		line("cc", formatAddress(a))
	}
	line("subject", o.Subject)
	if o.Date != nil {
		line("date", *o.Date)
	} else {
		line("date", "(none: delivery time is used)")
	}
	line("message-id", o.MessageID)
	line("in-reply-to", o.InReplyTo)
	line("references", strings.Join(o.References, " "))
	if o.CaseRef != nil {
		line("case", *o.CaseRef)
	}
	for _, a := range o.Attachments {
		inline := ""
		if a.Inline {
			inline = ", inline"
		}
		line("attachment", fmt.Sprintf("%s (%s, %d bytes%s)", a.Filename, a.ContentType, a.Size, inline))
	}
	for _, wn := range o.Warnings {
		line("warning", wn)
	}
	if o.HTML {
		line("html", "yes")
	}
	fmt.Fprintf(&b, "text:\n%s\n", indent(o.Text))
	_, err := io.WriteString(w, b.String())
	return err
}

func formatAddress(a inspectAddress) string {
	if a.Name == "" {
		return a.Address
	}
	return fmt.Sprintf("%s <%s>", a.Name, a.Address)
}

func indent(s string) string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return "  (no text)"
	}
	return "  " + strings.ReplaceAll(s, "\n", "\n  ")
}
