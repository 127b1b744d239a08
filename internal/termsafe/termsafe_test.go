package termsafe

import "testing"

func TestString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Acme Manufacturing", "Acme Manufacturing"},
		{"Société Générale 株式会社", "Société Générale 株式会社"},
		{"Acme\x1b]0;pwned\x07", `Acme\x1b]0;pwned\x07`},
		{"red \x1b[31mtext\x1b[0m", `red \x1b[31mtext\x1b[0m`},
		{"two\nlines\r\tand tab", `two\x0alines\x0d\x09and tab`},
		{"del\x7f", `del\x7f`},
		{"c1 \u009b31m", `c1 \x9b31m`},
		{"abc\u202edcba", `abc\u202edcba`},
		{"isolate \u2066x\u2069", `isolate \u2066x\u2069`},
		{"bad \xff utf8", `bad \xff utf8`},
		{"", ""},
	}
	for _, tt := range tests {
		if got := String(tt.in); got != tt.want {
			t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzString(f *testing.F) {
	f.Add("Acme\x1b]0;x\x07")
	f.Add("abc\u202e")
	f.Fuzz(func(t *testing.T, s string) {
		out := String(s)
		if !clean(out) {
			t.Fatalf("String(%q) = %q still holds a control character", s, out)
		}
		if clean(s) && out != s {
			t.Fatalf("String changed clean text %q to %q", s, out)
		}
	})
}
