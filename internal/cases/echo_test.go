package cases

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestEcho(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Overlast bouwplaats", "Overlast bouwplaats"},
		{"Win a prize at https://prize.example/claim now", "Win a prize at … now"},
		{"Visit www.prize.example or prize.example!", "Visit … or …"},
		{"Go to prize[.]example or prize(dot)example", "Go to … or …"},
		{"Mail win@prize.example", "Mail …"},
		{"see bit.ly/abc and HTTP://X.EXAMPLE", "see … and …"},
		{"Fullwidth prize\uff0eexample", "Fullwidth …"},
		{"IDN prize.xn--p1ai", "IDN …"},
		{"Klacht o.a. over afval, nr. 5 en v1.2 a.s. maandag", "Klacht o.a. over afval, nr. 5 en v1.2 a.s. maandag"},
		{"Tab\tand\r\nnewline\x00null", "Tab and newline null"},
	}
	for _, tt := range tests {
		if got := echo(tt.in, 200); got != tt.want {
			t.Errorf("echo(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	long := strings.Repeat("ééé ", 50)
	if got := echo(long, maxEchoSubject); utf8.RuneCountInString(got) > maxEchoSubject || !strings.HasSuffix(got, "…") {
		t.Errorf("echo of %d characters = %d characters %q, want at most %d ending in …",
			utf8.RuneCountInString(long), utf8.RuneCountInString(got), got, maxEchoSubject)
	}
}

func TestNormalMailbox(t *testing.T) {
	for _, tt := range []struct{ in, mb, domain string }{
		{"Victim+7@Third.Example", "victim@third.example", "third.example"},
		{"victim@third.example", "victim@third.example", "third.example"},
		{"+x@third.example", "+x@third.example", "third.example"},
	} {
		if mb, d := normalMailbox(tt.in); mb != tt.mb || d != tt.domain {
			t.Errorf("normalMailbox(%q) = %q, %q; want %q, %q", tt.in, mb, d, tt.mb, tt.domain)
		}
	}
}

func BenchmarkEcho(b *testing.B) {
	s := strings.Repeat("Win a prize at https://prize.example/claim ", 100)
	b.ReportAllocs()
	for b.Loop() {
		echo(s, maxEchoSubject)
	}
}
