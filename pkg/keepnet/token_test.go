package keepnet

import (
	"testing"
	"time"

	"golang.org/x/oauth2"
)

func TestRenewEarly(t *testing.T) {
	now := time.Date(2026, 1, 22, 13, 0, 0, 0, time.UTC)
	tests := []struct {
		life, want time.Duration // want: how long the token is then reused
	}{
		{time.Hour, time.Hour - time.Minute},
		{5 * time.Minute, 4 * time.Minute},
		{3 * time.Second, 2400 * time.Millisecond},
	}
	for _, tt := range tests {
		tok := &oauth2.Token{AccessToken: "x", Expiry: now.Add(tt.life)}
		renewEarly(tok, now)
		if got := tok.Expiry.Sub(now); got != tt.want {
			t.Errorf("token living %s is reused for %s, want %s", tt.life, got, tt.want)
		}
	}
	noExpiry := &oauth2.Token{AccessToken: "x"}
	renewEarly(noExpiry, now)
	if !noExpiry.Expiry.IsZero() {
		t.Errorf("a token without expiry got one: %v", noExpiry.Expiry)
	}
}
