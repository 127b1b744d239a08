package keepnettest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/gen"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// nameSearch is the search body the flows send to the job searches,
// ordered by Name as the vendor's example is, for the generated client's
// WithBody methods. The tests send JSON, not the generated body types:
// those types' shapes differ between published spec versions (values in
// one, pointers in another), and check-versions vets these tests against
// each.
func nameSearch(page, size int) io.Reader { return orderedSearch(page, size, "Name") }

// orderedSearch is nameSearch ordered by orderBy.
func orderedSearch(page, size int, orderBy string) io.Reader {
	return strings.NewReader(fmt.Sprintf(`{"ascending":false,"filter":{"Condition":"AND","SearchInputTextValue":""},"orderBy":%q,"pageNumber":%d,"pageSize":%d}`, orderBy, page, size))
}

// restSearch is nameSearch in the shape the smishing and quishing job
// searches' named request schemas take.
func restSearch(page, size int) gen.SearchPhishingCampaignJobUsersRequest {
	return gen.SearchPhishingCampaignJobUsersRequest{
		PageNumber: ptr(int32(page)), PageSize: ptr(int32(size)), OrderBy: ptr("Name"), Ascending: ptr(false),
		Filter: &gen.RestModelsFilter{Condition: ptr("AND"), SearchInputTextValue: ptr("")},
	}
}

// nameSearchJSON is a search body for raw requests, with the filter's
// keys in lower case: the spec's named search schemas (the event searches'
// among them) allow only those, and the others allow any.
func nameSearchJSON(page, size int) string {
	b, _ := json.Marshal(restSearch(page, size))
	return string(b)
}

// page is a decoded search page with the users search's extra member.
type page struct {
	Data struct {
		PageNumber                int              `json:"pageNumber"`
		PageSize                  int              `json:"pageSize"`
		TotalNumberOfRecords      int              `json:"totalNumberOfRecords"`
		TotalSandBoxActivityCount int              `json:"totalSandBoxActivityCount"`
		Results                   []map[string]any `json:"results"`
	} `json:"data"`
	Status string `json:"status"`
}

func decodePage(t *testing.T, status int, body []byte) page {
	t.Helper()
	var p page
	if status != 200 {
		t.Fatalf("status %d, body %s", status, body)
	}
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("%v in %s", err, body)
	}
	return p
}

// jobUsers pages through a job's users search of searchType with the
// generated client, 10 a page, and returns every row.
func jobUsers(t *testing.T, c *gen.ClientWithResponses, campaignID string, ig int, searchType string) ([]map[string]any, page) {
	t.Helper()
	var rows []map[string]any
	var first page
	for n := 1; ; n++ {
		r, err := c.PostPhishingSimulatorPhishingCampaignJobReportSearchInstanceGroupWithBodyWithResponse(context.Background(), searchType, campaignID, int32(ig), "application/json", nameSearch(n, 10))
		if err != nil {
			t.Fatal(err)
		}
		p := decodePage(t, r.StatusCode(), r.Body)
		if n == 1 {
			first = p
		}
		rows = append(rows, p.Data.Results...)
		if len(p.Data.Results) < 10 {
			return rows, first
		}
	}
}

// num reads a JSON number member as an int (-1 when absent).
func num(row map[string]any, key string) int {
	v, ok := row[key].(float64)
	if !ok {
		return -1
	}
	return int(v)
}

func str(row map[string]any, key string) string {
	s, _ := row[key].(string)
	return s
}

// acmeInvoice is the first job of Acme's two-job phishing campaign.
const acmeInvoice = keepnettest.PhishingAcmeInvoiceID
