package schedule_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/outbox"
	"github.com/klachtd/klachtd/internal/schedule"
	"github.com/klachtd/klachtd/internal/store"
	"github.com/klachtd/klachtd/internal/store/storetest"
	"github.com/klachtd/klachtd/templates"
)

func TestMain(m *testing.M) { storetest.Main(m) }

var (
	ams     = deadline.Location()
	anna    = outbox.Address{Name: "Anna de Boer", Address: "anna@gemeente.example"}
	bram    = outbox.Address{Name: "Bram Kok", Address: "bram@gemeente.example"}
	mark    = outbox.Address{Name: "Mark Visser", Address: "mark@gemeente.example"}
	saskia  = outbox.Address{Name: "Saskia Bos", Address: "saskia@gemeente.example"}
	managed = []outbox.Address{mark, saskia}
)

// env is a database, a queue and a clock; sweeper() builds a Sweeper on
// them as a (re)started daemon instance would.
type env struct {
	t      testing.TB
	st     *store.Store
	queue  *outbox.Queue
	policy deadline.Policy
	now    time.Time
	staff  schedule.Staff
}

func newEnv(t testing.TB) *env {
	t.Helper()
	e := &env{t: t, st: storetest.New(t), staff: schedule.Staff{
		DefaultHandler: anna, Handlers: []outbox.Address{anna, bram}, Managers: managed}}
	var err error
	if e.policy, err = deadline.Preset(deadline.PresetAwb); err != nil {
		t.Fatal(err)
	}
	tpl, err := templates.Load("", ams)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := outbox.NewRiver(e.st.DB(), nil, time.Second, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	e.queue = outbox.NewQueue(outbox.QueueOptions{From: outbox.Address{Name: "Klachtenmeldpunt", Address: "klachten@gemeente.example"},
		Templates: tpl, River: rc, Now: e.clock})
	return e
}

func (e *env) clock() time.Time { return e.now }

func (e *env) sweeper() *schedule.Sweeper {
	return schedule.New(schedule.Options{
		Store: e.st, Queue: e.queue, Policy: e.policy, Staff: e.staff,
		DigestHour: 8, DueSoonWorkingDays: 5, Language: "nl",
		IntakeName: "Klachtenmeldpunt", IntakeAddress: "klachten@gemeente.example", Now: e.clock,
	})
}

// openCase stores a case received at received, with its awb dates.
func (e *env) openCase(received time.Time, handler string) *store.Case {
	e.t.Helper()
	s := e.policy.Compute(received, false, nil)
	c := &store.Case{Status: store.StatusReceived, HandlerAddress: handler, ComplainantAddress: "jan@example.nl",
		Subject: "Overlast bouwplaats", Language: "nl", ReceivedAt: received, Policy: e.policy.Name,
		AckDue: s.AckDue, DecisionDue: s.DecisionDue, CreatedAt: received}
	err := e.st.InTx(context.Background(), func(tx *store.Tx) error {
		ref, err := tx.NextRef(context.Background(), "KL", received.Year())
		c.Ref = ref
		if err != nil {
			return err
		}
		return tx.InsertCase(context.Background(), c)
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func (e *env) exec(q string, args ...any) {
	e.t.Helper()
	if _, err := e.st.DB().Exec(q, args...); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) count(q string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.st.DB().QueryRow(q, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// sweep moves the clock to at and sweeps with sw.
func (e *env) sweep(sw *schedule.Sweeper, at time.Time) {
	e.t.Helper()
	e.now = at
	if err := sw.Sweep(context.Background()); err != nil {
		e.t.Fatalf("sweep at %s: %v", at, err)
	}
}

// sentMail is an outbox row as the tests look at it.
type sentMail struct {
	ID        int64
	Kind      string
	Key       string
	Rcpt      []string
	Subject   string
	CreatedAt time.Time
	Raw       []byte
}

func (e *env) mails(kind string) []sentMail {
	e.t.Helper()
	rows, err := e.st.DB().Query(`SELECT id, kind, dedupe_key, array_to_string(rcpt, ','), subject, created_at, raw
		FROM outbox WHERE kind = $1 ORDER BY id`, kind)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var out []sentMail
	for rows.Next() {
		var m sentMail
		var rcpt string
		if err := rows.Scan(&m.ID, &m.Kind, &m.Key, &rcpt, &m.Subject, &m.CreatedAt, &m.Raw); err != nil {
			e.t.Fatal(err)
		}
		m.Rcpt = strings.Split(rcpt, ",")
		out = append(out, m)
	}
	return out
}

// point is what a reminder or escalation key says: its point and the day
// it was queued.
type point struct{ Name, Sent string }

// points lists the kind's mails of case id as point name and queue day.
func (e *env) points(kind string, caseID int64) []point {
	e.t.Helper()
	var out []point
	for _, m := range e.mails(kind) {
		parts := strings.Split(m.Key, ":") // kind:case:point:date
		if len(parts) != 4 || parts[1] != strconv.FormatInt(caseID, 10) {
			continue
		}
		out = append(out, point{parts[2], deadline.DateOf(m.CreatedAt).String()})
	}
	return out
}

// day is 09:00 on a day in Amsterdam.
func day(s string) time.Time {
	d, err := deadline.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d.Start().Add(9 * time.Hour)
}

// bodies decodes the text and HTML parts of a sent mail.
func bodies(t *testing.T, raw []byte) (header mail.Header, text, html string) {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	_, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	r := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		var body io.Reader = p
		if p.Header.Get("Content-Transfer-Encoding") == "quoted-printable" {
			body = quotedprintable.NewReader(p)
		}
		b, _ := io.ReadAll(body)
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		switch ct {
		case "text/plain":
			text = string(b)
		case "text/html":
			html = string(b)
		}
	}
	return m.Header, text, html
}
