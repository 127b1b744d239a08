package keepnet

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// IDs the service sent that would steer a request (empty, ".", "..", a
// control character) are refused before anything is sent, at the end of a
// path or in its middle, and the error names the value.
func TestMalformedIDsAreNeverSent(t *testing.T) {
	s := newAPIServer(t, nil)
	c, _ := newTestClient(t, s)
	co := c.ForCompany("co-1").API()
	for _, id := range []string{"", ".", "..", "u\n1", "\x1b[2J", "c1\u009b"} {
		calls := map[string]func() error{
			"user at the end": func() error {
				_, err := co.GetTrainingReportsExamResultSessionsTargetUserResourceId(t.Context(), "enr-1", id)
				return err
			},
			"enrollment in the middle": func() error {
				_, err := co.GetTrainingReportsExamResultSessionsTargetUserResourceId(t.Context(), id, "user-1")
				return err
			},
			"send": func() error {
				_, err := co.PostEnrollmentsResourceIdSend(t.Context(), id)
				return err
			},
		}
		for name, call := range calls {
			err := call()
			if !errors.Is(err, ErrMalformedID) {
				t.Errorf("%s, ID %q: err = %v, want ErrMalformedID", name, id, err)
				continue
			}
			if shown := fmt.Sprintf("%+q", id); !strings.Contains(err.Error(), shown) {
				t.Errorf("%s: %v does not name %s", name, err, shown)
			}
		}
	}
	if n := len(s.apiRequests()); n != 0 {
		t.Errorf("%d requests reached the server", n)
	}
}

// A request built by hand that reaches the connection layer with an empty
// or dot segment is refused there too.
func TestMalformedPathsAreRefusedByTheConnection(t *testing.T) {
	s := newAPIServer(t, nil)
	c, _ := newTestClient(t, s)
	for _, path := range []string{"/api/training-reports/enr-1/", "/api/enrollments//send", "/api/enrollments/%2E%2E/send", "/api/enrollments/a%0Ab"} {
		req, err := http.NewRequest(http.MethodGet, s.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.doer.Do(req); !errors.Is(err, ErrMalformedID) {
			t.Errorf("%s: err = %v, want ErrMalformedID", path, err)
		}
	}
	if n := len(s.apiRequests()); n != 0 {
		t.Errorf("%d requests reached the server", n)
	}
}
