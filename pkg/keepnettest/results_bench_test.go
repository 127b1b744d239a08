package keepnettest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// BenchmarkJobUsersPage measures one 100-row page of a 20,000-user
// phishing job's All search over HTTP, without spec validation, beside
// BenchmarkUsersSearchPage's survey page: job users and their events are
// generated per page as survey users are.
func BenchmarkJobUsersPage(b *testing.B) {
	s := keepnettest.NewServer(keepnettest.WithJobUsers(20000), keepnettest.WithoutRequestLog())
	defer s.Close()
	tok := benchToken(b, s)
	body := nameSearchJSON(150, 100)
	path := s.URL + "/api/phishing-simulator/phishing-campaign-job-report/All/search/" + keepnettest.PhishingAcmeInvoiceID + "/1"
	b.ReportAllocs()
	for b.Loop() {
		req, _ := http.NewRequest("POST", path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("X-KEEPNET-Company-Id", keepnettest.CompanyAcmeID)
		resp, err := s.Client().Do(req)
		if err != nil || resp.StatusCode != 200 {
			b.Fatalf("%v %v", err, resp)
		}
		resp.Body.Close()
	}
}
