package workflows

import (
	"context"
	"errors"
	"fmt"

	"github.com/keepnet-flow/keepnet-flow/gen"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
)

// Company is a customer company the reseller's credentials manage.
type Company struct {
	ID   string `json:"id"`
	Name string `json:"name"`
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
// rather than as a 403 on the first scoped call.
func ResolveCompany(ctx context.Context, c *keepnet.Client, nameOrID string) (Company, error) {
	companies, err := ListCompanies(ctx, c, "")
	if err != nil {
		return Company{}, err
	}
	co, err := matchByNameOrID("company", nameOrID, companies, func(co Company) Named {
		return Named{ID: co.ID, Name: co.Name}
	})
	if ie := (*InputError)(nil); errors.As(err, &ie) && ie.unknown {
		ie.Reason = fmt.Sprintf("is not the name or ID of any of the %d companies these credentials manage ('keepnet-flow companies' lists them)", len(companies))
	}
	return co, err
}

// appendCompany adds dto and its children: a reseller's search can nest
// sub-companies under their parent, and they are just as addressable.
func appendCompany(out []Company, dto gen.SearchCompanyDto) []Company {
	if id := orZero(dto.CompanyResourceId); id != "" {
		out = append(out, Company{ID: id, Name: orZero(dto.CompanyName)})
	}
	if dto.Children != nil {
		for _, child := range *dto.Children {
			out = appendCompany(out, child)
		}
	}
	return out
}

func searchCompanies(ctx context.Context, api *gen.ClientWithResponses, page, size int) ([]gen.SearchCompanyDto, error) {
	var body gen.PostCompaniesSearchJSONRequestBody
	body.PageNumber = page
	body.PageSize = size
	body.OrderBy = "CreateTime"
	body.Ascending = true
	body.Filter.Condition = new("AND")
	body.Filter.SearchInputTextValue = new("")
	resp, err := api.PostCompaniesSearchWithResponse(ctx, body)
	if err != nil {
		return nil, fmt.Errorf("search companies: %w", err)
	}
	if resp.JSON200 == nil || resp.JSON200.Data == nil || resp.JSON200.Data.Results == nil {
		return nil, nil
	}
	return *resp.JSON200.Data.Results, nil
}
