package cases

import (
	"strings"
	"testing"

	"github.com/klachtd/klachtd/internal/parse"
)

// handlerMailWith builds a handler's mail with the given extra header lines
// (From defaults to the handler at gemeente.example).
func handlerMailWith(lines ...string) []byte {
	hdr := strings.Join(lines, "\r\n")
	if !strings.Contains(hdr, "From:") {
		hdr = "From: Bea <bea@gemeente.example>\r\n" + hdr
	}
	return []byte(hdr + "\r\nTo: klachten@gemeente.example\r\nSubject: Re: [KL-2026-000001] x\r\nMessage-ID: <h@gemeente.example>\r\n\r\n#sluit gegrond\r\n")
}

func TestAuthenticated(t *testing.T) {
	const mx = "mx.gemeente.example"
	ar := func(v string) string { return "Authentication-Results: " + v }
	tests := []struct {
		name    string
		trusted string
		raw     []byte
		want    bool
	}{
		{"no trusted host: From is enough", "", handlerMailWith(), true},
		{"dmarc pass for the From domain", mx, handlerMailWith(ar(mx + "; dmarc=pass header.from=gemeente.example")), true},
		{"dkim pass, same domain", mx, handlerMailWith(ar(mx + "; dkim=pass header.d=gemeente.example")), true},
		{"dkim pass, parent domain signs", mx, handlerMailWith("From: bea@mail.gemeente.example", ar(mx+"; dkim=pass header.d=gemeente.example")), true},
		{"dkim pass, subdomain signs", mx, handlerMailWith(ar(mx + "; dkim=pass header.d=mail.gemeente.example")), true},
		{"dkim pass by header.i only", mx, handlerMailWith(ar(mx + "; dkim=pass header.i=@gemeente.example")), true},
		{"spf pass, aligned mail from", mx, handlerMailWith(ar(mx + "; dkim=none; spf=pass smtp.mailfrom=bounce@gemeente.example")), true},
		{"spf pass, bare domain", mx, handlerMailWith(ar(mx + "; spf=pass smtp.mailfrom=gemeente.example")), true},
		{"comments with semicolons", mx, handlerMailWith(ar(mx + "; dkim=pass (2048-bit key; unprotected) header.d=gemeente.example header.s=s1")), true},
		{"version and case", "MX.Gemeente.Example", handlerMailWith(ar(mx + " 1; DKIM=Pass header.d=Gemeente.Example")), true},
		{"dkim fail beside an aligned spf pass", mx, handlerMailWith(ar(mx + "; dkim=fail header.d=gemeente.example; spf=pass smtp.mailfrom=gemeente.example")), true},
		{"dmarc none (no policy) leaves it to an aligned dkim pass", mx, handlerMailWith(ar(mx + "; dkim=pass header.d=gemeente.example; dmarc=none header.from=gemeente.example")), true},
		{"Microsoft 365 style", mx, handlerMailWith(ar(mx + "; spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=gemeente.example; dkim=pass (signature was verified) header.d=gemeente.example;dmarc=pass action=none header.from=gemeente.example;compauth=pass reason=100")), true},
		{"folded field", mx, handlerMailWith("Authentication-Results: " + mx + ";\r\n\tdkim=pass\r\n header.d=gemeente.example"), true},

		// The reported forgery: a pass for the attacker's own domain.
		{"dkim pass for another domain, dmarc fail", mx, handlerMailWith(ar(mx + "; dkim=pass header.d=evil.example; dmarc=fail header.from=gemeente.example")), false},
		{"dkim pass for another domain", mx, handlerMailWith(ar(mx + "; dkim=pass header.d=evil.example")), false},
		{"dkim pass for a look-alike suffix", mx, handlerMailWith(ar(mx + "; dkim=pass header.d=evilgemeente.example")), false},
		{"dkim pass for the top-level domain", mx, handlerMailWith(ar(mx + "; dkim=pass header.d=example")), false},
		{"spf pass for another domain", mx, handlerMailWith(ar(mx + "; spf=pass smtp.mailfrom=x@evil.example")), false},
		{"explicit dmarc fail beats an aligned dkim pass", mx, handlerMailWith(ar(mx + "; dkim=pass header.d=gemeente.example; dmarc=fail header.from=gemeente.example")), false},
		{"dmarc pass for another From domain", mx, handlerMailWith(ar(mx + "; dmarc=pass header.from=evil.example")), false},
		{"dmarc none alone", mx, handlerMailWith(ar(mx + "; dmarc=none header.from=gemeente.example")), false},
		{"dmarc pass without header.from", mx, handlerMailWith(ar(mx + "; dmarc=pass")), false},
		{"quoted string hides a result", mx, handlerMailWith(ar(mx + `; spf=pass smtp.mailfrom="x; dkim=pass header.d=gemeente.example"@evil.example`)), false},
		{"quoted string hides a result, no spf pass", mx, handlerMailWith(ar(mx + `; spf=fail smtp.mailfrom="x; dkim=pass header.d=gemeente.example y"@evil.example`)), false},
		// RFC 2047 decoding would turn this encoded word into "; dkim=pass …".
		{"encoded word hides a result", mx, handlerMailWith(ar(mx + "; spf=fail smtp.mailfrom==?utf-8?q?a=3B_dkim=3Dpass_header.d=3Dgemeente.example_x=3D?=@evil.example")), false},
		{"unbalanced comment", mx, handlerMailWith(ar(mx + "; dkim=pass header.d=gemeente.example (oops")), false},
		{"pass from someone else's host", mx, handlerMailWith(ar("mx.evil.example; dkim=pass header.d=gemeente.example")), false},
		{"only the topmost trusted field counts", mx, handlerMailWith(ar(mx+"; dkim=fail header.d=gemeente.example"), ar(mx+"; dkim=pass header.d=gemeente.example")), false},
		{"no field", mx, handlerMailWith(), false},

		{"two From mailboxes", "", handlerMailWith("From: eve@evil.example, bea@gemeente.example"), false},
		{"two From fields", "", handlerMailWith("From: bea@gemeente.example", "From: eve@evil.example"), false},
		{"Sender is someone else", "", handlerMailWith("Sender: eve@evil.example"), false},
		{"Sender is the handler", "", handlerMailWith("Sender: BEA@gemeente.example"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg, err := parse.Parse(tt.raw, parse.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if got, why := authenticated(tt.raw, msg, tt.trusted); got != tt.want {
				t.Errorf("authenticated = %v (%s), want %v", got, why, tt.want)
			} else if !got && why == "" {
				t.Error("refused without a reason")
			}
		})
	}
}

func TestAligned(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{"gemeente.example", "gemeente.example", true},
		{"gemeente.example.", "gemeente.example", true},
		{"mail.gemeente.example", "gemeente.example", true},
		{"gemeente.example", "a.b.gemeente.example", true},
		{"evilgemeente.example", "gemeente.example", false},
		{"example", "gemeente.example", false},
		{"", "gemeente.example", false},
	} {
		if got := aligned(tt.a, tt.b); got != tt.want {
			t.Errorf("aligned(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

// authenticated reads the caller's bytes without changing them.
func TestAuthenticatedLeavesRawAlone(t *testing.T) {
	raw := []byte("From: bea@gemeente.example\nSubject: x\n\nbody\n")
	want := string(raw)
	msg, _ := parse.Parse(raw, parse.Limits{})
	if ok, why := authenticated(raw, msg, ""); !ok {
		t.Fatalf("refused: %s", why)
	}
	if string(raw) != want {
		t.Errorf("raw changed to %q", raw)
	}
}

func BenchmarkAuthenticated(b *testing.B) {
	raw := handlerMailWith("Authentication-Results: mx.gemeente.example; spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=gemeente.example; " +
		"dkim=pass (signature was verified) header.d=gemeente.example; dmarc=pass action=none header.from=gemeente.example")
	msg, _ := parse.Parse(raw, parse.Limits{})
	b.ReportAllocs()
	for b.Loop() {
		if ok, why := authenticated(raw, msg, "mx.gemeente.example"); !ok {
			b.Fatal(why)
		}
	}
}
