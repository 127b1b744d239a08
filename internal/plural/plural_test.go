package plural

import "testing"

func TestCount(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]string{0: "0 companies", 1: "1 company", 2: "2 companies"} {
		if got := Count(n, "company", "companies"); got != want {
			t.Errorf("Count(%d) = %q, want %q", n, got, want)
		}
	}
}
