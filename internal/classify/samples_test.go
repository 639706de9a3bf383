package classify

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/klachtd/klachtd/internal/parse"
)

// sampleClass is what the name of a sample in testdata/ promises:
//
//	bounce_*     Kind bounce, Machine
//	auto_*       Kind auto_reply, Machine (out-of-office, vacation, read receipts)
//	arf_*        Kind auto_reply, Machine (abuse reports)
//	complaint_*  Kind complaint, acknowledged, neither Machine nor Review
//	review_*     Kind complaint, Review, not acknowledged, not Machine
//	reply_*      Kind reply, neither Machine nor Review
//
// A bounce or abuse report that quotes one of our Message-IDs
// (klachtd.<kind>.<hex>@gemeente.nl) must return it as OriginalMessageID.
type sampleClass struct {
	kind            Kind
	machine, review bool
}

var sampleClasses = map[string]sampleClass{
	"bounce":    {Bounce, true, false},
	"auto":      {AutoReply, true, false},
	"arf":       {AutoReply, true, false},
	"complaint": {Complaint, false, false},
	"review":    {Complaint, false, true},
	"reply":     {Reply, false, false},
}

var ourMessageID = regexp.MustCompile(`klachtd\.[a-z]+\.[0-9a-f]+@gemeente\.nl`)

// bounceFamily is the MTA family a bounce sample is named after
// (bounce_<family>_…), which its Reasons must name.
func bounceFamily(name string) string {
	parts := strings.Split(name, "_")
	if len(parts) < 2 || parts[0] != "bounce" {
		return ""
	}
	switch parts[1] {
	case "exchange2003":
		return "exchange"
	case "ses":
		return "amazon-ses"
	}
	return parts[1]
}

type sample struct {
	name  string
	class string
	raw   []byte
}

func loadSamples(t testing.TB) []sample {
	t.Helper()
	files, err := filepath.Glob("testdata/*.eml")
	if err != nil || len(files) == 0 {
		t.Fatal("no samples in testdata")
	}
	var out []sample
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(filepath.Base(f), ".eml")
		class, _, _ := strings.Cut(name, "_")
		out = append(out, sample{name, class, raw})
	}
	return out
}

// TestSamples runs every sample through parse.Parse and Classify and
// prints, per class, how many were recognised.
func TestSamples(t *testing.T) {
	hits := map[string]int{}
	totals := map[string]int{}
	for _, s := range loadSamples(t) {
		want, ok := sampleClasses[s.class]
		if !ok {
			t.Errorf("%s: unknown class %q", s.name, s.class)
			continue
		}
		totals[s.class]++
		t.Run(s.name, func(t *testing.T) {
			m, _ := parse.Parse(s.raw, parse.Limits{})
			r := Classify(m, testConfig)
			good := r.Kind == want.kind && r.Machine == want.machine && r.Review == want.review
			if good {
				hits[s.class]++
			} else {
				t.Errorf("kind=%s machine=%v review=%v, want %s machine=%v review=%v\nreasons %q",
					r.Kind, r.Machine, r.Review, want.kind, want.machine, want.review, r.Reasons)
			}
			if r.Acknowledge != (want.kind == Complaint && !want.machine && !want.review) {
				t.Errorf("acknowledge = %v", r.Acknowledge)
			}
			if r.Acknowledge && (r.Machine || r.Review) {
				t.Errorf("acknowledged a machine or review mail")
			}
			if fam := bounceFamily(s.name); fam != "" && !strings.Contains(strings.Join(r.Reasons, "\n"), "bounce ("+fam) {
				t.Errorf("reasons do not name the %s shape: %q", fam, r.Reasons)
			}
			if len(r.Reasons) == 0 && (r.Machine || r.Review) {
				t.Errorf("no reasons for a machine or review mail")
			}
			// Auto-replies name the original in In-Reply-To; only a report
			// (the MDN sample) gives OriginalMessageID.
			if want.machine && (s.class != "auto" || r.OriginalMessageID != "") {
				if id := ourMessageID.Find(s.raw); string(id) != r.OriginalMessageID {
					t.Errorf("OriginalMessageID = %q, want %q", r.OriginalMessageID, id)
				}
			} else if r.OriginalMessageID != "" {
				t.Errorf("OriginalMessageID %q on a mail that is no machine notice", r.OriginalMessageID)
			}
		})
	}
	classes := make([]string, 0, len(totals))
	for c := range totals {
		classes = append(classes, c)
	}
	sort.Strings(classes)
	for _, c := range classes {
		t.Log(fmt.Sprintf("%-10s %3d/%-3d recognised (%.0f %%)", c, hits[c], totals[c], 100*float64(hits[c])/float64(totals[c])))
	}
	if totals["bounce"] < 40 || totals["auto"]+totals["arf"] < 15 || totals["complaint"]+totals["review"]+totals["reply"] < 25 {
		t.Errorf("sample set too small: %v", totals)
	}
}

// BenchmarkClassify classifies every sample once per iteration (parsing
// is done before the timer starts).
func BenchmarkClassify(b *testing.B) {
	samples := loadSamples(b)
	msgs := make([]*parse.Message, len(samples))
	var size int64
	for i, s := range samples {
		msgs[i], _ = parse.Parse(s.raw, parse.Limits{})
		size += int64(len(s.raw))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		for _, m := range msgs {
			Classify(m, testConfig)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(msgs)), "ns/mail")
}

// BenchmarkClassifyWorstCase classifies a 4 MiB text made of near misses
// of many patterns: the work is bounded by the scan limit, not the size.
func BenchmarkClassifyWorstCase(b *testing.B) {
	m := msg("MAILER-DAEMON@mx.example.net", "Auto-Submitted", "auto-generated")
	m.Subject = strings.Repeat("automatic re", 100)
	m.Text = strings.Repeat("this is the mail ik ben afw your message th ", 4<<20/44)
	b.ReportAllocs()
	for range b.N {
		Classify(m, testConfig)
	}
}
