package pathseg

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

func TestParam(t *testing.T) {
	for _, tc := range []struct {
		value string
		ok    bool
	}{
		{"enr-1", true},
		{"3fa85f64-5717-4562-b3fc-2c963f66afa6", true},
		{"GMT Standard Time", true},
		{"Europe/Istanbul", true}, // escaped into one segment
		{"search", true},          // a word is an ID like any other
		{"株式会社", true},
		{"", false},
		{".", false},
		{"..", false},
		{"a\nb", false},
		{"\x1b[2J", false},
		{"c1\u009b", false},
		{"del\x7f", false},
	} {
		err := Param("resourceId", url.PathEscape(tc.value))
		if (err == nil) != tc.ok {
			t.Errorf("Param(%q) = %v, want ok %v", tc.value, err, tc.ok)
		}
		if err != nil && (!errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "resourceId")) {
			t.Errorf("Param(%q): %v does not wrap ErrMalformed or name the parameter", tc.value, err)
		}
	}
	err := Param("targetUserResourceId", "..")
	if err == nil || !strings.Contains(err.Error(), `".."`) || !strings.Contains(err.Error(), "not sent") {
		t.Errorf("the error does not name the value: %v", err)
	}
	if err := Param("x", "%1b%5b2J"); err == nil || strings.ContainsRune(err.Error(), 0x1b) {
		t.Errorf("an escaped control character: %v (the error must show it escaped)", err)
	}
}

func TestPath(t *testing.T) {
	for _, tc := range []struct {
		path string
		ok   bool
	}{
		{"/api/enrollments/enr-1/send", true},
		{"/api/enrollments/Europe%2FIstanbul", true},
		{"/api/training-reports/E/", false}, // what "/users/.." resolves to
		{"/api/enrollments//send", false},   // an empty ID
		{"/api/enrollments/%2E%2E/send", false},
		{"/api/enrollments/./send", false},
		{"/api/enrollments/a%0Ab/send", false},
		{"/api/enrollments/%zz", false},
		{"api/enrollments", false},
	} {
		err := Path(tc.path)
		if (err == nil) != tc.ok {
			t.Errorf("Path(%q) = %v, want ok %v", tc.path, err, tc.ok)
		}
		if err != nil && !errors.Is(err, ErrMalformed) {
			t.Errorf("Path(%q): %v does not wrap ErrMalformed", tc.path, err)
		}
	}
}
