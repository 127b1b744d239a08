package workflows

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/keepnet-flow/keepnet-flow/gen"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
)

// Company is a customer company the reseller's credentials manage.
type Company struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Error says what of the company's listing row could not be read (a
	// field of an unexpected JSON type); empty when all of it could.
	Error string `json:"error,omitempty"`
}

// companySearchPageSize is the service's cap on rows a page; asking for more
// is harmless (allPages pages by what comes back), asking for less costs calls.
const companySearchPageSize = 100

// ResolveCompany finds the customer company nameOrID refers to, among every
// company the credentials manage (companies/search, unscoped, all pages).
// A known ID is used as is; else an exact case-insensitive name wins; else a
// single partial match. An unknown or ambiguous reference is an *InputError
// listing the candidates with their IDs. A company the credentials do not
// manage is never listed by the search, so it is reported as unknown here
// rather than as a 403 on the first scoped call. Listing rows whose ID
// could not be read cannot be chosen; when nothing matches, the error says
// how many there were.
func ResolveCompany(ctx context.Context, c *keepnet.Client, nameOrID string) (Company, error) {
	companies, err := ListCompanies(ctx, c, "")
	if err != nil {
		return Company{}, err
	}
	return matchCompany(nameOrID, companies)
}

// matchCompany is ResolveCompany's choice among companies, the whole
// listing.
func matchCompany(nameOrID string, companies []Company) (Company, error) {
	usable := make([]Company, 0, len(companies))
	var unreadable []string
	for _, co := range companies {
		if co.Error != "" {
			unreadable = append(unreadable, co.Error)
		}
		if co.ID != "" {
			usable = append(usable, co)
		}
	}
	co, err := matchByNameOrID("company", nameOrID, usable, func(co Company) Named {
		return Named{ID: co.ID, Name: co.Name}
	})
	if ie := (*InputError)(nil); errors.As(err, &ie) && ie.unknown {
		ie.Reason = fmt.Sprintf("is not the name or ID of any of the %d companies these credentials manage", len(usable))
		if len(unreadable) > 0 {
			// Not the caller's mistake, perhaps: the company may be one
			// the service listed in a shape that could not be read.
			return Company{}, fmt.Errorf("company %q: not found, and %d of the companies listed could not be read (%s)", nameOrID, len(unreadable), unreadable[0])
		}
	}
	return co, err
}

// companyRow is a companies/search result as the flows read it: sub-companies
// nest under their parent and are just as addressable.
type companyRow struct {
	CompanyResourceID string       `json:"companyResourceId"`
	CompanyName       string       `json:"companyName"`
	Children          []companyRow `json:"children"`
}

// appendCompany adds row and its children, each with what of it could not
// be read (problems are those of the row's own path, children excluded).
func appendCompany(out []Company, row companyRow, path string, r *keepnet.DecodeReport) []Company {
	var own []keepnet.FieldProblem
	for _, p := range r.Within(path) {
		if !strings.HasPrefix(strings.ToLower(p.Path), strings.ToLower(path)+".children[") {
			own = append(own, p)
		}
	}
	if row.CompanyResourceID != "" || len(own) > 0 {
		out = append(out, Company{ID: row.CompanyResourceID, Name: row.CompanyName, Error: problemText(own)})
	}
	for i, child := range row.Children {
		out = appendCompany(out, child, fmt.Sprintf("%s.children[%d]", path, i), r)
	}
	return out
}

// searchCompanies fetches one companies/search page: for each of its rows,
// the company and its sub-companies. (Rows, not companies, are what paging
// counts.)
func searchCompanies(ctx context.Context, api *gen.ClientWithResponses, page, size int) ([][]Company, error) {
	var body gen.PostCompaniesSearchJSONRequestBody
	body.PageNumber = page
	body.PageSize = size
	body.OrderBy = "CreateTime"
	body.Ascending = true
	body.Filter.Condition = new("AND")
	body.Filter.SearchInputTextValue = new("")
	resp, report, err := fetchJSON(ctx, func(ctx context.Context) (*http.Response, error) {
		return api.PostCompaniesSearch(ctx, body)
	}, checkSearchPage[companyRow])
	if err != nil {
		return nil, fmt.Errorf("search companies: %w", err)
	}
	out := make([][]Company, 0, len(*resp.Data.Results))
	for i, row := range *resp.Data.Results {
		out = append(out, appendCompany(nil, row, fmt.Sprintf("data.results[%d]", i), report))
	}
	return out, nil
}
