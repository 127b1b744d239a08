package keepnettest_test

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// TestConcurrentClientsShareOneSpec runs two servers on one *Spec with
// parallel clients; run it with -race.
func TestConcurrentClientsShareOneSpec(t *testing.T) {
	servers := []*keepnettest.Server{newServer(t, keepnettest.WithUsers(400)), newServer(t, keepnettest.WithUsers(400))}
	var wg sync.WaitGroup
	for _, s := range servers {
		tok := token(t, s)
		for page := 1; page <= 4; page++ {
			wg.Go(func() {
				// Not raw(): t.Fatal must not be called off the test goroutine.
				req, err := http.NewRequest("POST", s.URL+"/api/training-reports/"+keepnettest.EnrollmentAcmeSurveyID+"/users/search",
					strings.NewReader(searchBody(page, 100, "")))
				if err != nil {
					t.Error(err)
					return
				}
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+tok)
				req.Header.Set("X-KEEPNET-Company-Id", keepnettest.CompanyAcmeID)
				req.Header.Set("x-ir-company-id", keepnettest.CompanyAcmeID)
				resp, err := s.Client().Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				// Read to the end: the server logs a request when its
				// handler returns, which the end of the body proves.
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if err != nil {
					t.Error(err)
				}
				if resp.StatusCode != 200 {
					t.Errorf("page %d: status %d", page, resp.StatusCode)
				}
			})
		}
	}
	wg.Wait()
	for _, s := range servers {
		if n := s.RequestCount(keepnettest.RouteReportUsersSearch); n != 4 {
			t.Errorf("%d users/search requests logged, want 4", n)
		}
	}
}
