package workflows

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/keepnet-flow/keepnet-flow/internal/plural"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
)

// CompanySelection chooses the customer companies a flow runs in: the ones
// named, or every company the credentials manage.
type CompanySelection struct {
	// Companies are names or IDs (see ResolveCompanies for how they
	// match).
	Companies []string
	// All selects every company the credentials manage; Companies must
	// then be empty.
	All bool
}

// ResolveCompanies returns the selected companies, each once, in the order
// they were named (with All, in the listing's order), from one listing of
// the companies. Every name is resolved before anything is reported, so a
// selection with several bad names gets one *InputError listing them all;
// an empty selection, or All with names, is an *InputError too.
//
// Names match as in the vendor's UI: an ID, else an exact case-insensitive
// name, else a single partial match, else the same as people type them
// (accents, apostrophes and punctuation aside); an unknown name gets the
// closest names as suggestions.
//
// With All, a listing row whose ID could not be read is an error rather
// than a company silently left out of "all", and so is a listing the
// service would not give whole (a *ListingError): "all companies" that is
// not all is never acted on.
func ResolveCompanies(ctx context.Context, c *keepnet.Client, sel CompanySelection) ([]Company, error) {
	switch {
	case sel.All && len(sel.Companies) > 0:
		return nil, &InputError{Field: "company", Value: sel.Companies[0], Reason: "cannot be combined with all companies: name companies, or select all of them"}
	case !sel.All && len(sel.Companies) == 0:
		return nil, &InputError{Field: "company", Reason: "is missing: name at least one company, or select all of them"}
	}
	for _, q := range sel.Companies {
		if strings.TrimSpace(q) == "" {
			return nil, &InputError{Field: "company", Reason: "is empty"}
		}
	}
	listed, err := ListCompanies(ctx, c, "")
	if err != nil {
		return nil, err
	}
	if sel.All {
		out := make([]Company, 0, len(listed))
		var unreadable []string
		for _, co := range listed {
			if co.ID == "" {
				unreadable = append(unreadable, co.Error)
				continue
			}
			out = append(out, co)
		}
		if len(unreadable) > 0 {
			return nil, fmt.Errorf("all companies: %d of the %s listed could not be read (%s), so all of them cannot be selected", len(unreadable), plural.Count(len(listed), "company", "companies"), unreadable[0])
		}
		return dedupeCompanies(out), nil
	}
	var (
		out []Company
		bad []*InputError
	)
	for _, q := range sel.Companies {
		co, err := matchCompany(q, listed)
		var ie *InputError
		switch {
		case errors.As(err, &ie):
			bad = append(bad, ie)
		case err != nil:
			return nil, err
		default:
			out = append(out, co)
		}
	}
	switch len(bad) {
	case 0:
		return dedupeCompanies(out), nil
	case 1:
		return nil, bad[0]
	}
	reasons := make([]string, 0, len(bad))
	for _, ie := range bad {
		reasons = append(reasons, ie.Error())
	}
	return nil, &InputError{
		Field:  "company",
		Reason: fmt.Sprintf("%d of the %d named do not resolve: %s", len(bad), len(sel.Companies), strings.Join(reasons, "; ")),
	}
}

// dedupeCompanies keeps the first of each ID: a company named twice (by
// name and by ID, say) is one company to run in.
func dedupeCompanies(cos []Company) []Company {
	seen := make(map[string]bool, len(cos))
	out := cos[:0]
	for _, co := range cos {
		if !seen[co.ID] {
			seen[co.ID] = true
			out = append(out, co)
		}
	}
	return out
}
