package workflows

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"golang.org/x/sync/errgroup"

	"github.com/keepnet-flow/keepnet-flow/internal/paging"
	"github.com/keepnet-flow/keepnet-flow/internal/wire"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
)

// simSearch is the body of every simulation search, whatever the channel.
// The filter's keys are lower-case: the service takes either case, and the
// spec declares them so where its filter schema admits no other members
// (the searches of smishing, quishing and several of phishing's), while the
// others admit any.
type simSearch struct {
	PageNumber int    `json:"pageNumber"`
	PageSize   int    `json:"pageSize"`
	OrderBy    string `json:"orderBy"`
	Ascending  bool   `json:"ascending"`
	Filter     struct {
		Condition            string `json:"condition"`
		SearchInputTextValue string `json:"searchInputTextValue"`
	} `json:"filter"`
}

// simBody is a search body for page; orderBy is what the search is ordered
// by: "Name" for campaigns and jobs (the job search refuses "CreateTime":
// its view has createdDate), "Email" for users and events, as the vendor's
// examples send.
func simBody(page, size int, orderBy string) []byte {
	b := simSearch{PageNumber: page, PageSize: size, OrderBy: orderBy, Ascending: true}
	b.Filter.Condition = "AND"
	body, err := json.Marshal(b)
	if err != nil {
		panic(err) // a struct of strings and ints always marshals
	}
	return body
}

// simCampaign is a campaign search row.
type simCampaign struct {
	ID   string `json:"resourceId"`
	Name string `json:"name"`
}

func campaignNamed(c simCampaign) named { return named(c) }

// jobRow is a job search row: a campaign's run, with its campaign's name.
type jobRow struct {
	// The campaign's ID is named for the channel.
	PhishingCampaignResourceID string           `json:"phishingCampaignResourceId"`
	SmishingCampaignResourceID string           `json:"smishingCampaignResourceId"`
	QuishingCampaignResourceID string           `json:"quishingCampaignResourceId"`
	InstanceGroup              int              `json:"instanceGroup"`
	Name                       string           `json:"name"`
	Status                     string           `json:"status"`
	StartDate                  keepnetdate.Time `json:"startDate"`
	CreatedDate                keepnetdate.Time `json:"createdDate"`

	problem string
}

func (j jobRow) campaignID() string {
	return cmp.Or(j.PhishingCampaignResourceID, j.SmishingCampaignResourceID, j.QuishingCampaignResourceID)
}

// key is the job's "campaignID/instanceGroup", "" when the row does not
// say which job it is.
func (j jobRow) key() string {
	if j.campaignID() == "" || j.InstanceGroup <= 0 {
		return ""
	}
	return j.campaignID() + "/" + strconv.Itoa(j.InstanceGroup)
}

// simListing is one of a channel's company-wide searches, read whole.
func simListing[Row any](name string, id func(Row) string, withProblem func(Row, string) Row,
	send func(context.Context, []byte) (*http.Response, error)) paging.Listing[Row] {
	return paging.Listing[Row]{
		Name: name, PageSize: searchPageSize, ID: id,
		Fetch: func(ctx context.Context, page, size int) (paging.Page[Row], error) {
			body := simBody(page, size, "Name")
			return wire.FetchPage(ctx, func(ctx context.Context) (*http.Response, error) { return send(ctx, body) }, withProblem)
		},
	}
}

func (f *phishingFlow) campaigns(ctx context.Context, scope *keepnet.ScopedClient, sh *channelShape) ([]simCampaign, error) {
	l := simListing(string(sh.channel)+" campaign search", func(c simCampaign) string { return c.ID },
		func(c simCampaign, _ string) simCampaign { return c },
		func(ctx context.Context, body []byte) (*http.Response, error) {
			return sh.searchCampaigns(ctx, scope.API(), bytes.NewReader(body))
		})
	return listAll(ctx, l)
}

func (f *phishingFlow) jobs(ctx context.Context, scope *keepnet.ScopedClient) ([]jobRow, error) {
	sh := f.shape
	l := simListing(sh.prefix+"/search", jobRow.key,
		func(j jobRow, problem string) jobRow { j.problem = problem; return j },
		func(ctx context.Context, body []byte) (*http.Response, error) {
			return sh.searchJobs(ctx, scope.API(), bytes.NewReader(body))
		})
	return listAll(ctx, l)
}

// open looks up a company's jobs: its job search, its date format and (for
// campaigns named) its campaign search side by side, then the selected
// jobs' summaries and their campaigns' details side by side.
func (f *phishingFlow) open(ctx context.Context, scope *keepnet.ScopedClient, co Company) (companySources[PhishingRecord], error) {
	var (
		found     companySources[PhishingRecord]
		campaigns []simCampaign
		jobs      []jobRow
		dates     CompanyDates
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		dates = ReadCompanyDates(gctx, scope)
		return nil // never fails the pull: see readCompanyDates
	})
	g.Go(func() (err error) {
		if jobs, err = f.jobs(gctx, scope); err != nil {
			return fmt.Errorf("find %s jobs: %w", f.shape.channel, err)
		}
		return nil
	})
	if len(f.req.Campaigns) > 0 {
		g.Go(func() (err error) {
			if campaigns, err = f.campaigns(gctx, scope, f.shape); err != nil {
				return fmt.Errorf("find %s campaigns: %w", f.shape.channel, err)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return found, err
	}
	sel, err := f.pick(ctx, scope, campaigns, jobs, dates)
	if err != nil {
		return found, err
	}
	jobSources, err := f.readJobs(ctx, scope, co, dates, sel)
	if err != nil {
		return found, err
	}
	return f.leaveOutTests(jobSources, sel)
}

// selection is what a company's lookup picked.
type selection struct {
	jobs []pickedJob
	// named maps a campaign ID to the name or ID the request gave it by.
	named map[string]string
	none  string
}

// pickedJob is a job selected, by its key ("campaignID/instanceGroup", or
// for a row that does not say, its place in the listing). err is set for
// a job that fails in its place: a row that cannot be read, a start date
// that cannot be placed.
type pickedJob struct {
	row jobRow
	key string
	err error
}

// pick selects the jobs of the campaigns named, or those started in the
// window, in the order of the job search (by campaign name, then run).
func (f *phishingFlow) pick(ctx context.Context, scope *keepnet.ScopedClient, campaigns []simCampaign, jobs []jobRow, dates CompanyDates) (selection, error) {
	sel := selection{named: map[string]string{}}
	slices.SortStableFunc(jobs, func(a, b jobRow) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.campaignID(), b.campaignID()), cmp.Compare(a.InstanceGroup, b.InstanceGroup))
	})
	_, misses, err := resolveNames(f.req.Campaigns, f.req.Companies.All, &f.matched, func(q string) (simCampaign, error) {
		c, err := f.matchCampaign(ctx, scope, campaigns, q)
		if err == nil {
			sel.named[c.ID] = q
		}
		return c, err
	})
	if err != nil {
		return sel, err
	}
	var order keepnetdate.Order
	if f.window.set() {
		seen := make([]keepnetdate.Time, 0, 2*len(jobs))
		for _, j := range jobs {
			seen = append(seen, j.StartDate, j.CreatedDate)
		}
		order = dateOrder(dates, seen)
	}
	for n, j := range jobs {
		picked := pickedJob{row: j, key: j.key()}
		switch {
		case len(f.req.Campaigns) > 0 && j.campaignID() != "" && sel.named[j.campaignID()] == "":
			continue // another campaign's run
		case picked.key == "":
			// A row that cannot be followed may be a run asked for: say
			// so in its place rather than leave it out.
			picked.key = fmt.Sprintf("(row %d)", n+1)
			picked.err = fmt.Errorf("%s/search gave a row that does not say which job it is (campaign %q, instance group %d): %s",
				f.shape.prefix, j.campaignID(), j.InstanceGroup, cmp.Or(j.problem, "no campaign ID or instance group"))
		case f.window.set():
			in, err := f.window.place(j.StartDate, order)
			if err != nil {
				picked.err = fmt.Errorf("job %s of campaign %q: %w", picked.key, j.Name, err)
			} else if !in {
				continue
			}
		}
		sel.jobs = append(sel.jobs, picked)
	}
	switch {
	case len(sel.jobs) > 0:
	case misses != "":
		sel.none = misses
	case len(f.req.Campaigns) > 0:
		sel.none = fmt.Sprintf("the %s campaigns named have no jobs: they have not run", f.shape.channel)
	default:
		sel.none = fmt.Sprintf("no %s job started in the window", f.shape.channel)
	}
	return sel, nil
}

// matchCampaign finds the campaign q names among the company's campaigns.
// A name or ID of another channel's campaign is an *InputError saying so,
// like an enrollment of another type.
func (f *phishingFlow) matchCampaign(ctx context.Context, scope *keepnet.ScopedClient, campaigns []simCampaign, q string) (simCampaign, error) {
	c, matchErr := matchByNameOrID("campaign", q, campaigns, campaignNamed)
	var ie *InputError
	if matchErr == nil || !errors.As(matchErr, &ie) || !ie.unknown {
		return c, matchErr
	}
	for _, sh := range phishingShapes {
		if sh == f.shape {
			continue
		}
		others, err := f.campaigns(ctx, scope, sh)
		if err != nil {
			return c, fmt.Errorf("find %s campaigns: %w", sh.channel, err)
		}
		if other, err := matchByNameOrID("campaign", q, others, campaignNamed); err == nil {
			return c, &InputError{Field: "campaign", Value: q, otherKind: true,
				Reason: fmt.Sprintf("is %q (%s), a %s campaign, not a %s one", other.Name, other.ID, sh.channel, f.shape.channel)}
		}
	}
	return c, matchErr
}
