package workflows

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
)

func TestScopeError(t *testing.T) {
	acme := Company{ID: "k3AcmeMfg001", Name: "Acme Manufacturing"}
	privacy := fmt.Errorf("list trainings: %w", &keepnet.APIError{Method: "POST", Path: "/api/trainings/search", StatusCode: 403, Status: "PRIVACY_ERROR"})
	var ie *InputError
	if err := scopeError(privacy, "acme manufacturing", acme); !errors.As(err, &ie) || ie.Field != "company" || ie.Value != "acme manufacturing" || !strings.Contains(err.Error(), acme.ID) {
		t.Errorf("PRIVACY_ERROR on a scoped call = %v, want an InputError naming the company", err)
	}
	for _, err := range []error{
		&keepnet.APIError{StatusCode: 403, Status: "FORBIDDEN"}, // not a reseller credential: not the company's fault
		&keepnet.APIError{StatusCode: 500, Status: "PRIVACY_ERROR"},
		errors.New("connection reset"),
	} {
		if got := scopeError(err, "acme", acme); got != err {
			t.Errorf("scopeError(%v) = %v, want it unchanged", err, got)
		}
	}
}

func TestSameSet(t *testing.T) {
	for _, tc := range []struct {
		a, b []string
		want bool
	}{
		{[]string{"g1", "g2"}, []string{"g2", "g1"}, true},
		{[]string{"g1", "g1"}, []string{"g1"}, true},
		{[]string{"g1"}, []string{"g1", "g2"}, false},
		{nil, nil, true},
	} {
		if got := sameSet(tc.a, tc.b); got != tc.want {
			t.Errorf("sameSet(%v, %v) = %v", tc.a, tc.b, got)
		}
	}
}
