package cases

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/classify"
	"github.com/klachtd/klachtd/internal/config"
	"github.com/klachtd/klachtd/internal/deadline"
	"github.com/klachtd/klachtd/internal/mailbox"
	"github.com/klachtd/klachtd/internal/outbox"
	"github.com/klachtd/klachtd/internal/store"
	"github.com/klachtd/klachtd/internal/store/storetest"
	"github.com/klachtd/klachtd/templates"
)

// testIntake is an Intake on a fresh database with an insert-only queue.
func testIntake(t testing.TB) (*Intake, *store.Store) {
	t.Helper()
	s := storetest.New(t)
	tpl, err := templates.Load("", deadline.Location())
	if err != nil {
		t.Fatal(err)
	}
	rc, err := outbox.NewRiver(s.DB(), nil, time.Second, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, deadline.Location())
	clock := func() time.Time { return now }
	policy, _ := deadline.Preset("awb")
	in := NewIntake(Options{
		Store: s, Queue: outbox.NewQueue(outbox.QueueOptions{From: outbox.Address{Name: "Klachten", Address: "klachten@gemeente.example"},
			Templates: tpl, River: rc, Now: clock}),
		Policy: policy, Calendar: deadline.DefaultCalendar(), Language: "nl", Intake: "klachten@gemeente.example",
		Classify:          classify.Config{IntakeAddresses: []string{"klachten@gemeente.example"}},
		People:            &People{Handlers: []config.Handler{{Name: "Bea", Address: "bea@gemeente.example", Default: true}}},
		AutoRepliesPerDay: 5, Now: clock,
	})
	return in, s
}

func webForm(n int, extra string) string {
	return fmt.Sprintf("From: Burger %d <burger%d@example.nl>\r\nTo: klachten@gemeente.example\r\nSubject: Melding via het webformulier %d\r\n"+
		"Message-ID: <form-%d@cms.example.nl>\r\nDate: Mon, 2 Nov 2026 08:00:00 +0100\r\n%sContent-Type: text/plain; charset=utf-8\r\n\r\n"+
		"Naam: Burger %d\r\nMelding: de lantaarnpaal bij mijn huis is al weken kapot.\r\n", n, n, n, n, extra, n)
}

// keepWith stores and routes raw as Handle does, but with the given
// classification instead of classify's: it tests routing against the
// Result contract, whatever today's classify says of a mail.
func keepWith(t *testing.T, in *Intake, uid uint32, raw string, res *classify.Result) {
	t.Helper()
	ctx := context.Background()
	m := mailbox.Mail{Mailbox: "INBOX", UIDValidity: 1, UID: uid, InternalDate: in.o.Now(), Raw: []byte(raw), Size: int64(len(raw))}
	p := in.People()
	tk := in.read(m, p, store.InHand{})
	if res != nil {
		tk.res = *res
	}
	err := in.store.InTx(ctx, func(tx *store.Tx) error {
		_, err := in.keep(ctx, tx, m, tk, p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func countRows(t *testing.T, s *store.Store, q string, args ...any) int {
	t.Helper()
	var n int
	if err := s.DB().QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Only proof of a machine keeps a mail without a case. A soft signal, or a
// kind other than complaint without proof, opens a case for review without
// an acknowledgement, with the reasons in a marked_for_review event. Each
// such mail is followed by an ordinary complaint, acknowledged once.
func TestRouteOnMachineAndReview(t *testing.T) {
	tests := []struct {
		name   string
		header string
		res    classify.Result
		isCase bool
	}{
		{"Auto-Submitted on a web form", "Auto-Submitted: auto-generated\r\n",
			classify.Result{Kind: classify.AutoReply, Review: true, Reasons: []string{"Auto-Submitted: auto-generated"}}, true},
		{"Precedence: bulk on a web form", "Precedence: bulk\r\n",
			classify.Result{Kind: classify.AutoReply, Review: true, Reasons: []string{"Precedence: bulk"}}, true},
		{"X-Spam-Flag on a complaint", "X-Spam-Flag: YES\r\n",
			classify.Result{Kind: classify.Spam, Review: true, Reasons: []string{"X-Spam-Flag: YES"}}, true},
		{"a kind other than complaint, neither proof nor review", "",
			classify.Result{Kind: classify.List, Reasons: []string{"List-Unsubscribe present"}}, true},
		{"proof of a machine", "Auto-Submitted: auto-replied\r\n",
			classify.Result{Kind: classify.Bounce, Machine: true, Reasons: []string{"multipart/report delivery-status"}}, false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, s := testIntake(t)
			keepWith(t, in, 1, webForm(i, tt.header), &tt.res)
			wantCases := map[bool]int{true: 1, false: 0}[tt.isCase]
			if n := countRows(t, s, `SELECT count(*) FROM cases WHERE needs_review`); n != wantCases {
				t.Errorf("%d cases for review, want %d", n, wantCases)
			}
			if n := countRows(t, s, `SELECT count(*) FROM outbox WHERE kind = 'ack'`); n != 0 {
				t.Errorf("%d acknowledgements for a mail with a machine signal", n)
			}
			if tt.isCase {
				want := tt.res.Reasons[0]
				if n := countRows(t, s, `SELECT count(*) FROM case_events WHERE kind = 'marked_for_review' AND detail->'reasons' ? $1`, want); n != 1 {
					t.Errorf("no marked_for_review event with %q", want)
				}
				if n := countRows(t, s, `SELECT count(*) FROM outbox WHERE kind = 'notify'`); n != 1 {
					t.Errorf("the handler was not notified of the review case")
				}
			} else if n := countRows(t, s, `SELECT count(*) FROM messages WHERE case_id IS NULL AND kind = 'bounce'`); n != 1 {
				t.Errorf("machine mail not stored without a case")
			}
			keepWith(t, in, 2, webForm(100+i, ""), nil)
			if n := countRows(t, s, `SELECT count(*) FROM outbox o JOIN cases c ON c.id = o.case_id
				WHERE o.kind = 'ack' AND c.complainant_address = $1`, fmt.Sprintf("burger%d@example.nl", 100+i)); n != 1 {
				t.Errorf("the ordinary complaint after it got %d acknowledgements, want 1", n)
			}
		})
	}
}

// The same mail by another path (other trace fields, other spam score)
// hashes the same; another mail with the same Message-ID does not.
func TestContentHash(t *testing.T) {
	base := webForm(1, "")
	viaOtherPath := "Received: from relay2.example.net by mx.gemeente.example\r\nReturn-Path: <burger1@example.nl>\r\n" +
		"Delivered-To: klachten@gemeente.example\r\nX-Spam-Status: No, score=0.3\r\nAuthentication-Results: mx; dkim=pass\r\n" +
		"ARC-Seal: i=1; cv=none\r\nDKIM-Signature: v=1; d=example.nl\r\n" + strings.ReplaceAll(base, "\r\n", "\n")
	other := strings.Replace(base, "de lantaarnpaal", "het fietspad", 1)
	refolded := strings.Replace(base, "Subject: Melding via", "Subject: Melding\r\n via", 1)
	if ContentHash([]byte(base)) != ContentHash([]byte(viaOtherPath)) {
		t.Error("the same mail by another path hashes differently")
	}
	if ContentHash([]byte(base)) != ContentHash([]byte(refolded)) {
		t.Error("a refolded header hashes differently")
	}
	if ContentHash([]byte(base)) == ContentHash([]byte(other)) {
		t.Error("another text hashes the same")
	}
	if ContentHash([]byte(base)) == ContentHash([]byte(strings.Replace(base, "burger1@", "eve@", 1))) {
		t.Error("another sender hashes the same")
	}
}

func TestMinimalMessage(t *testing.T) {
	raw := "From: =?utf-8?q?Jan=00_de_Vries?= <jan@Example.NL>\r\nReply-To: \"jan de vries\"@example.nl\r\n" +
		"Subject: =?utf-8?q?hallo=00daar?=\r\nMessage-ID: <a\x00b@example.nl>\r\nAuto-Submitted: auto-replied\r\n" +
		"Content-Type: multipart/mixed; boundary=x\r\n\r\n" + strings.Repeat("--x\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n", 1000)
	m := minimalMessage([]byte(raw))
	if m.Subject != "hallodaar" || m.MessageID != "ab@example.nl" || m.ContentType != "multipart/mixed" {
		t.Errorf("subject %q, id %q, type %q", m.Subject, m.MessageID, m.ContentType)
	}
	if len(m.From) != 1 || m.From[0].Name != "Jan de Vries" || m.From[0].Address != "jan@example.nl" {
		t.Errorf("from = %+v", m.From)
	}
	if m.ReplyAddress != "jan de vries@example.nl" {
		t.Errorf("reply address %q", m.ReplyAddress)
	}
	if !m.HasHeader("Auto-Submitted") {
		t.Error("classify would not see Auto-Submitted")
	}
	if got := minimalMessage([]byte("\x00\xff garbage")); got.ReplyAddress != "" || got.Subject != "" {
		t.Errorf("garbage read as %+v", got)
	}
}
