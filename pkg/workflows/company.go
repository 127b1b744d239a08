package workflows

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/keepnet-flow/keepnet-flow/gen"
	"github.com/keepnet-flow/keepnet-flow/internal/paging"
	"github.com/keepnet-flow/keepnet-flow/internal/wire"
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

// ListCompanies returns every customer company the credentials manage
// (POST /api/companies/search, unscoped, sub-companies included) whose name
// contains search, case-insensitively. The search text is applied here
// rather than sent: the service would drop a matching sub-company whose
// parent does not match.
//
// The listing is read whole or not at all (a *ListingError when the
// service's pages would not give every company): a partial list of
// companies is never returned as if it were all of them.
func ListCompanies(ctx context.Context, c *keepnet.Client, search string) ([]Company, error) {
	listing := paging.Listing[companyGroup]{
		Name:     "companies/search",
		PageSize: searchPageSize,
		ID:       func(g companyGroup) string { return g.id },
		Fetch: func(ctx context.Context, page, size int) (paging.Page[companyGroup], error) {
			return searchCompanies(ctx, c.API(), page, size)
		},
	}
	groups, err := listAll(ctx, listing)
	if err != nil {
		return nil, fmt.Errorf("list companies: %w", err)
	}
	var all []Company
	seen := map[string]bool{}
	for _, g := range groups {
		for _, co := range g.companies {
			// A sub-company is listed under its parent: should the
			// service nest it twice, it is still one company.
			if co.ID != "" && seen[co.ID] {
				continue
			}
			seen[co.ID] = true
			all = append(all, co)
		}
	}
	return filterByName(all, search, func(co Company) string { return co.Name }), nil
}

// matchCompany picks the company nameOrID refers to among companies, the
// whole listing. A known ID is used as is; else an exact case-insensitive
// name wins; else a single partial match. An unknown or ambiguous reference
// is an *InputError listing the candidates with their IDs. A company the
// credentials do not manage is never listed, so it is reported as unknown
// here rather than as a 403 on the first scoped call. Listing rows whose ID
// could not be read cannot be chosen; when nothing matches, the error says
// how many there were.
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
	co, err := matchByNameOrID("company", nameOrID, usable, func(co Company) named {
		return named{ID: co.ID, Name: co.Name}
	})
	if ie := (*InputError)(nil); errors.As(err, &ie) && ie.unknown {
		ie.Reason = "is not the name or ID of " + anyOfCompanies(len(usable))
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

// companyGroup is one companies/search row: a company and its
// sub-companies. Rows, not companies, are what the service pages.
type companyGroup struct {
	id        string
	companies []Company
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
		out = append(out, Company{ID: row.CompanyResourceID, Name: row.CompanyName, Error: wire.ProblemText(own)})
	}
	for i, child := range row.Children {
		out = appendCompany(out, child, fmt.Sprintf("%s.children[%d]", path, i), r)
	}
	return out
}

// searchCompanies fetches one companies/search page.
func searchCompanies(ctx context.Context, api *gen.ClientWithResponses, page, size int) (paging.Page[companyGroup], error) {
	var body gen.PostCompaniesSearchJSONRequestBody
	body.PageNumber = page
	body.PageSize = size
	body.OrderBy = "CreateTime"
	body.Ascending = true
	body.Filter.Condition = new("AND")
	body.Filter.SearchInputTextValue = new("")
	resp, report, err := wire.Fetch(ctx, func(ctx context.Context) (*http.Response, error) {
		return api.PostCompaniesSearch(ctx, body)
	}, wire.CheckSearchPage[companyRow])
	if err != nil {
		return paging.Page[companyGroup]{}, fmt.Errorf("search companies: %w", err)
	}
	rows := *resp.Data.Results
	out := paging.Page[companyGroup]{Rows: make([]companyGroup, 0, len(rows)), Total: resp.Total()}
	for i, row := range rows {
		out.Rows = append(out.Rows, companyGroup{
			id:        row.CompanyResourceID,
			companies: appendCompany(nil, row, fmt.Sprintf("data.results[%d]", i), report),
		})
	}
	return out, nil
}

// listAll reads a whole listing, or fails: never part of one.
func listAll[R any](ctx context.Context, l paging.Listing[R]) ([]R, error) {
	var out []R
	for row, err := range l.All(ctx) {
		if err != nil {
			return nil, err
		}
		out = append(out, row)
	}
	return out, nil
}

// resolveCompany finds the one company nameOrID refers to (see
// matchCompany), from a whole listing of the companies.
func resolveCompany(ctx context.Context, c *keepnet.Client, nameOrID string) (Company, error) {
	companies, err := ListCompanies(ctx, c, "")
	if err != nil {
		return Company{}, err
	}
	return matchCompany(nameOrID, companies)
}

// anyOfCompanies names, for an error, the companies a name was looked for
// in.
func anyOfCompanies(n int) string {
	if n == 1 {
		return "the one company these credentials manage"
	}
	return fmt.Sprintf("any of the %d companies these credentials manage", n)
}
