package workflows

import (
	"testing"
	"time"
)

func TestParseLatency(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"PT0H1M15S", 75 * time.Second, true},
		{"PT1M15S", 75 * time.Second, true},
		{"PT12S", 12 * time.Second, true},
		{"PT1.5S", 1500 * time.Millisecond, true},
		{"PT0,25S", 250 * time.Millisecond, true},
		{"PT2H", 2 * time.Hour, true},
		{"P0DT0H0M3S", 3 * time.Second, true},
		{"P1D", 24 * time.Hour, true},
		{" PT0H0M7.25S ", 7250 * time.Millisecond, true},
		{"0000:01:15.00", 75 * time.Second, true},
		{"0001:00:00", time.Hour, true},
		{"", 0, false},
		{"P", 0, false},
		{"PT", 0, false},
		{"PT5", 0, false},
		{"PTS", 0, false},
		{"PT1S1M", 0, false}, // units out of order
		{"PT1M1M", 0, false}, // unit repeated
		{"P1Y", 0, false},    // years have no fixed length
		{"P1M", 0, false},    // months neither (M before T)
		{"PT1H T1M", 0, false},
		{"P1DT", 0, false},
		{"PT1.2.3S", 0, false},
		{"75", 0, false},
		{"1:15", 0, false},
		{"0000:61:00", 0, false},
		{"0000:01:-5", 0, false},
		{"PT99999999H", 0, false},
	}
	for _, tt := range tests {
		got, err := parseLatency(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("parseLatency(%q) error = %v, want ok=%v", tt.in, err, tt.ok)
			continue
		}
		if tt.ok && got != tt.want {
			t.Errorf("parseLatency(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// FuzzParseLatency: latencies come from SCORM content the vendor does not
// control; whatever arrives must parse to a sane duration or fail, never
// panic or overflow.
func FuzzParseLatency(f *testing.F) {
	for _, s := range []string{"PT0H1M15S", "PT1.5S", "P0DT0H0M3S", "0000:01:15.00", "P1W", "PT", "PT1e9S", "PT-1S"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseLatency(s)
		if err != nil {
			return
		}
		if d < 0 {
			t.Fatalf("parseLatency(%q) = %v, negative", s, d)
		}
		if d > maxLatency+time.Second && s[0] == 'P' {
			t.Fatalf("parseLatency(%q) = %v, beyond the cap", s, d)
		}
	})
}
