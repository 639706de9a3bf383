package cases_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/cases"
	"github.com/klachtd/klachtd/internal/config"
	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/mailbox"
	"github.com/klachtd/klachtd/internal/outbox"
	"github.com/klachtd/klachtd/internal/store"
	"github.com/klachtd/klachtd/internal/store/storetest"
	"github.com/klachtd/klachtd/templates"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// BenchmarkHandle measures intake end to end against PostgreSQL: parse,
// classify, and the one transaction that stores the mail, opens the case,
// queues the acknowledgement and the handler's notification (rendered) and
// saves the checkpoint. SMTP is not part of it (the outbox's job).
func BenchmarkHandle(b *testing.B) {
	s := storetest.New(b)
	tpl, err := templates.Load("", deadline.Location())
	if err != nil {
		b.Fatal(err)
	}
	rc, err := outbox.NewRiver(s.DB(), nil, time.Second, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, deadline.Location())
	clock := func() time.Time { return now }
	policy, _ := deadline.Preset("awb")
	in := cases.NewIntake(cases.Options{
		Store: s, Queue: outbox.NewQueue(outbox.QueueOptions{From: outbox.Address{Name: "Klachten", Address: "klachten@gemeente.example"},
			Templates: tpl, River: rc, Now: clock}),
		Policy: policy, Calendar: deadline.DefaultCalendar(), Language: "nl", Intake: "klachten@gemeente.example",
		People:            &cases.People{Handlers: []config.Handler{{Name: "Bea", Address: "bea@gemeente.example", Default: true}}},
		AutoRepliesPerDay: 5, Now: clock,
	})
	body := strings.Repeat("Sinds drie weken begint de bouwplaats elke ochtend om half zes met heien.\r\n", 60)
	ctx := context.Background()
	b.ResetTimer()
	for i := range b.N {
		raw := fmt.Sprintf("From: Burger %d <burger%d@example.nl>\r\nTo: klachten@gemeente.example\r\nSubject: Overlast %d\r\n"+
			"Message-ID: <bench-%d@example.nl>\r\nDate: Mon, 2 Nov 2026 08:00:00 +0100\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s",
			i, i, i, i, body)
		m := mailbox.Mail{Mailbox: "INBOX", UIDValidity: 1, UID: uint32(i + 1), InternalDate: now, Raw: []byte(raw), Size: int64(len(raw))}
		if _, err := in.Handle(ctx, m); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "mails/s")
}

// BenchmarkHandleBatch is BenchmarkHandle with the mails handed over 64 at
// a time (HandleBatch: one transaction, a savepoint per mail).
func BenchmarkHandleBatch(b *testing.B) {
	handleBatches(b, storetest.New(b), b.N, b.ResetTimer)
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "mails/s")
}

// handleBatches hands n complaints to HandleBatch, 64 at a time; ready is
// called when the setup is done.
func handleBatches(b testing.TB, s *store.Store, n int, ready func()) {
	tpl, err := templates.Load("", deadline.Location())
	if err != nil {
		b.Fatal(err)
	}
	rc, err := outbox.NewRiver(s.DB(), nil, time.Second, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, deadline.Location())
	clock := func() time.Time { return now }
	policy, _ := deadline.Preset("awb")
	in := cases.NewIntake(cases.Options{
		Store: s, Queue: outbox.NewQueue(outbox.QueueOptions{From: outbox.Address{Name: "Klachten", Address: "klachten@gemeente.example"},
			Templates: tpl, River: rc, Now: clock}),
		Policy: policy, Calendar: deadline.DefaultCalendar(), Language: "nl", Intake: "klachten@gemeente.example",
		People:            &cases.People{Handlers: []config.Handler{{Name: "Bea", Address: "bea@gemeente.example", Default: true}}},
		AutoRepliesPerDay: 5, Now: clock,
	})
	body := strings.Repeat("Sinds drie weken begint de bouwplaats elke ochtend om half zes met heien.\r\n", 60)
	ctx := context.Background()
	ready()
	var batch []mailbox.Mail
	for i := range n {
		raw := fmt.Sprintf("From: Burger %d <burger%d@example.nl>\r\nTo: klachten@gemeente.example\r\nSubject: Overlast %d\r\n"+
			"Message-ID: <bench-%d@example.nl>\r\nDate: Mon, 2 Nov 2026 08:00:00 +0100\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s",
			i, i, i, i, body)
		batch = append(batch, mailbox.Mail{Mailbox: "INBOX", UIDValidity: 1, UID: uint32(i + 1), InternalDate: now, Raw: []byte(raw), Size: int64(len(raw))})
		if len(batch) == 64 || i == n-1 {
			res, err := in.HandleBatch(ctx, batch)
			if err != nil {
				b.Fatal(err)
			}
			for _, r := range res {
				if r.Err != nil {
					b.Fatal(r.Err)
				}
			}
			batch = batch[:0]
		}
	}
}
