package cases

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/klachtd/klachtd/internal/mailbox"
	"github.com/klachtd/klachtd/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// BenchmarkHandle measures intake end to end against PostgreSQL: parse,
// classify, and the one transaction that stores the mail, opens the case,
// queues the acknowledgement and the handler's notification (rendered) and
// saves the checkpoint. SMTP is not part of it (the outbox's job).
func BenchmarkHandle(b *testing.B) {
	in := benchIntake(b)
	body := benchBody()
	ctx := context.Background()
	b.ResetTimer()
	for i := range b.N {
		if _, err := in.Handle(ctx, benchMail(in, i, body)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "mails/s")
}

// BenchmarkHandleBatch is BenchmarkHandle with the mails handed over 64 at
// a time (HandleBatch: one transaction, a savepoint per mail).
func BenchmarkHandleBatch(b *testing.B) {
	in := benchIntake(b)
	body := benchBody()
	ctx := context.Background()
	b.ResetTimer()
	var batch []mailbox.Mail
	for i := range b.N {
		batch = append(batch, benchMail(in, i, body))
		if len(batch) < 64 && i < b.N-1 {
			continue
		}
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
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "mails/s")
}

// benchIntake is testIntake with the caps on acknowledgements out of the
// way: thousands of complainants in an hour are what a backlog is, and the
// caps (100 an hour per domain by default) would turn the benchmark into
// one of withheld acknowledgements.
func benchIntake(b *testing.B) *Intake {
	in, _ := testIntake(b)
	in.o.Caps = Caps{AcksPerMailboxPerDay: 1e6, AcksPerDomainPerHour: 1e7, AcksPerHour: 1e7}
	return in
}

// benchBody is the text of a benchmark's complaints (about 4.5 KB).
func benchBody() string {
	return strings.Repeat("Sinds drie weken begint de bouwplaats elke ochtend om half zes met heien.\r\n", 60)
}

// benchMail is the i-th complaint of a benchmark, from a sender of its own.
func benchMail(in *Intake, i int, body string) mailbox.Mail {
	raw := fmt.Sprintf("From: Burger %d <burger%d@example.nl>\r\nTo: klachten@gemeente.example\r\nSubject: Overlast %d\r\n"+
		"Message-ID: <bench-%d@example.nl>\r\nDate: Mon, 2 Nov 2026 08:00:00 +0100\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s",
		i, i, i, i, body)
	return mailbox.Mail{Mailbox: "INBOX", UIDValidity: 1, UID: uint32(i + 1), InternalDate: in.o.Now(), Raw: []byte(raw), Size: int64(len(raw))}
}
