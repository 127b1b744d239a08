package keepnettest_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// BenchmarkNewServer50kUsers measures starting a fake with a 50,000-user
// survey: users are generated on demand, so this should cost no more than a
// small world.
func BenchmarkNewServer50kUsers(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		keepnettest.NewServer(keepnettest.WithUsers(50000)).Close()
	}
}

// BenchmarkUsersSearchPage measures one 100-row page of users/search over
// HTTP, without spec validation.
func BenchmarkUsersSearchPage(b *testing.B) {
	s := keepnettest.NewServer(keepnettest.WithUsers(50000), keepnettest.WithoutRequestLog())
	defer s.Close()
	tok := benchToken(b, s)
	body := searchBody(250, 100, "")
	b.ReportAllocs()
	for b.Loop() {
		req, _ := http.NewRequest("POST", s.URL+"/api/training-reports/"+keepnettest.EnrollmentAcmeSurveyID+"/users/search", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("X-KEEPNET-Company-Id", keepnettest.CompanyAcmeID)
		req.Header.Set("x-ir-company-id", keepnettest.CompanyAcmeID)
		resp, err := s.Client().Do(req)
		if err != nil || resp.StatusCode != 200 {
			b.Fatalf("%v %v", err, resp)
		}
		resp.Body.Close()
	}
}

func benchToken(b *testing.B, s *keepnettest.Server) string {
	resp, err := s.Client().PostForm(s.URL+"/connect/token", map[string][]string{
		"grant_type": {"client_credentials"}, "client_id": {s.ClientID}, "client_secret": {s.ClientSecret}})
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil {
		b.Fatal(err)
	}
	return tok.AccessToken
}
