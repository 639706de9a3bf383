package parse

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math/rand"
	"runtime"
	"runtime/debug"
	"testing"
)

// bigMail builds a mail of about size bytes: a short text and three
// base64 attachments of random bytes, as a scanner or phone would send.
func bigMail(size int) []byte {
	var b bytes.Buffer
	b.WriteString("From: Scanner <scan@example.nl>\r\nTo: klachten@gemeente.nl\r\nSubject: Scans bij mijn klacht\r\n" +
		"Date: Tue, 3 Nov 2026 09:13:58 +0100\r\nMessage-ID: <big@example.nl>\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=\"bigbound\"\r\n\r\n--bigbound\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		"Zie de scans in de bijlagen.\r\n")
	rng := rand.New(rand.NewSource(1))
	per := size * 3 / 4 / 3
	for i := 0; i < 3; i++ {
		data := make([]byte, per)
		rng.Read(data)
		fmt.Fprintf(&b, "--bigbound\r\nContent-Type: application/pdf; name=\"scan%d.pdf\"\r\nContent-Disposition: attachment; filename=\"scan%d.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n", i, i)
		enc := base64.StdEncoding.EncodeToString(data)
		for len(enc) > 76 {
			b.WriteString(enc[:76])
			b.WriteString("\r\n")
			enc = enc[76:]
		}
		b.WriteString(enc + "\r\n")
	}
	b.WriteString("--bigbound--\r\n")
	return b.Bytes()
}

// BenchmarkParse measures a typical complaint (Outlook-shaped, plain and
// HTML, about 20 KB), a 10 MB mail with attachments, and the corpus.
func BenchmarkParse(b *testing.B) {
	typical := mustRead(b, "testdata/typical_20kb.eml")
	big := bigMail(10 << 20)
	for _, bc := range []struct {
		name string
		raw  []byte
	}{{"typical20KB", typical}, {"big10MB", big}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.raw)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := Parse(bc.raw, Limits{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "mails/s")
			if bc.name == "big10MB" {
				peak := peakHeap(bc.raw)
				b.ReportMetric(float64(peak)/(1<<20), "peak-MB")
				b.ReportMetric(float64(peak)/float64(len(bc.raw)), "peak/size")
			}
		})
	}
	b.Run("corpus", func(b *testing.B) {
		var mails [][]byte
		var n int64
		for _, f := range corpus(b) {
			raw := mustRead(b, f)
			mails = append(mails, raw)
			n += int64(len(raw))
		}
		b.SetBytes(n / int64(len(mails)))
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			Parse(mails[i%len(mails)], Limits{})
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "mails/s")
	})
}

// peakHeap is the heap one Parse of raw needs on top of raw itself: with
// the collector off nothing is freed, so the growth of the heap is an
// upper bound of the peak.
func peakHeap(raw []byte) uint64 {
	runtime.GC()
	old := debug.SetGCPercent(-1)
	defer debug.SetGCPercent(old)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	m, _ := Parse(raw, Limits{})
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(m)
	return after.TotalAlloc - before.TotalAlloc
}
