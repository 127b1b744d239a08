package termsafe

import (
	"bytes"
	"testing"
)

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

func TestText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"<html>\n\t<body>x</body>\n</html>", "<html>\n\t<body>x</body>\n</html>"},
		{"clear\x1b[2Jscreen\r\n", `clear\x1b[2Jscreen\x0d` + "\n"},
		{"clipboard \x1b]52;c;ZXZpbA==\x07", `clipboard \x1b]52;c;ZXZpbA==\x07`},
		{"csi \u009b2J and back\bspace", `csi \x9b2J and back\x08space`},
	}
	for _, tt := range tests {
		if got := Text(tt.in); got != tt.want {
			t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// The writer escapes what Text escapes, whatever the write boundaries,
// including a C1 character split between two writes.
func TestWriterSplitsAnywhere(t *testing.T) {
	in := "name,dept\n\"Acme\x1b]52;c;eA==\x07\",Ops\u009b2J\n株式会社,\xff\u202e\n"
	want := Text(in)
	for step := 1; step <= 7; step++ {
		var out bytes.Buffer
		w := NewWriter(&out)
		for i := 0; i < len(in); i += step {
			chunk := in[i:min(i+step, len(in))]
			if n, err := w.Write([]byte(chunk)); err != nil || n != len(chunk) {
				t.Fatalf("Write = %d, %v", n, err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		if out.String() != want {
			t.Errorf("step %d: %q, want %q", step, out.String(), want)
		}
	}
}

func TestWriterFlushesATruncatedCharacter(t *testing.T) {
	var out bytes.Buffer
	w := NewWriter(&out)
	_, _ = w.Write([]byte("ok \xc2"))
	if out.String() != "ok " {
		t.Errorf("before Flush: %q", out.String())
	}
	if err := w.Flush(); err != nil || out.String() != `ok \xc2` {
		t.Errorf("after Flush: %q, %v", out.String(), err)
	}
}

func FuzzString(f *testing.F) {
	f.Add("Acme\x1b]0;x\x07")
	f.Add("abc\u202e")
	f.Fuzz(func(t *testing.T, s string) {
		out := String(s)
		if !clean(out, false) {
			t.Fatalf("String(%q) = %q still holds a control character", s, out)
		}
		if clean(s, false) && out != s {
			t.Fatalf("String changed clean text %q to %q", s, out)
		}
	})
}

func FuzzWriter(f *testing.F) {
	f.Add("Acme\x1b]0;x\x07\n", 3)
	f.Add("\u009b\u202e\xc2", 1)
	f.Fuzz(func(t *testing.T, s string, step int) {
		step = max(1, step%8+1)
		var out bytes.Buffer
		w := NewWriter(&out)
		for i := 0; i < len(s); i += step {
			_, _ = w.Write([]byte(s[i:min(i+step, len(s))]))
		}
		_ = w.Flush()
		if !clean(out.String(), true) {
			t.Fatalf("%q came out as %q", s, out.String())
		}
		if got, want := out.String(), Text(s); got != want {
			t.Fatalf("%q: writer %q, Text %q", s, got, want)
		}
	})
}
