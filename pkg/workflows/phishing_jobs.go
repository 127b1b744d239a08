package workflows

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/keepnet-flow/keepnet-flow/internal/plural"
	"net/http"
	"strings"
	"sync"

	"github.com/keepnet-flow/keepnet-flow/internal/wire"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
)

// jobHeader is a selected job looked up: its source and whether its
// campaign is marked as a test.
type jobHeader struct {
	job  opened[PhishingRecord]
	row  jobRow
	key  string
	test bool
}

// readJobs fetches the selected jobs' summaries and their campaigns'
// details (once a campaign), all side by side, and makes each job a
// source. A job whose lookup fails fails in its place; the company's
// other jobs go on.
func (f *phishingFlow) readJobs(ctx context.Context, scope *keepnet.ScopedClient, co Company, dates CompanyDates, sel selection) ([]jobHeader, error) {
	type answer struct {
		raw json.RawMessage
		err error
	}
	details := map[string]*answer{}
	summaries := make([]answer, len(sel.jobs))
	var wg sync.WaitGroup
	for i, j := range sel.jobs {
		if j.err != nil {
			continue
		}
		id := j.row.campaignID()
		if details[id] == nil {
			d := &answer{}
			details[id] = d
			wg.Go(func() {
				d.err = limited(ctx, f.lookups, func() (err error) {
					d.raw, err = f.shape.campaignDetails(ctx, scope, id)
					return err
				})
			})
		}
		wg.Go(func() {
			s := &summaries[i]
			s.err = limited(ctx, f.lookups, func() (err error) {
				s.raw, err = f.shape.summaryOf(ctx, scope, j.row)
				return err
			})
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, context.Cause(ctx)
	}

	headers := make([]jobHeader, 0, len(sel.jobs))
	for n, j := range sel.jobs {
		src := &Source{Company: co, ID: j.key, Name: j.row.Name, Type: string(f.shape.channel), Status: j.row.Status, StartDate: j.row.StartDate, Dates: dates}
		src.total.Store(-1)
		h := jobHeader{row: j.row, key: j.key}
		err := j.err
		if err == nil {
			d, s := details[j.row.campaignID()], &summaries[n]
			if err = d.err; err == nil {
				err = s.err
			}
			src.Details, src.Summary = d.raw, s.raw
		}
		if err != nil {
			h.job = failedSource[PhishingRecord](src, err)
			headers = append(headers, h)
			continue
		}
		if j.row.problem != "" {
			src.notice("its job search row could not be read whole, so its records may lack what it gives them: %s", j.row.problem)
		}
		h.test = markedAsTest(src.Details, src.Summary)
		js := &jobSource{flow: f, scope: scope, src: src, row: j.row, test: h.test}
		h.job = opened[PhishingRecord]{source: src, run: js.run()}
		headers = append(headers, h)
	}
	return headers, nil
}

// campaignDetails fetches a campaign's details, where its test flag is.
func (sh *channelShape) campaignDetails(ctx context.Context, scope *keepnet.ScopedClient, id string) (json.RawMessage, error) {
	raw, err := wire.FetchData(ctx, func(ctx context.Context) (*http.Response, error) {
		return sh.getCampaign(ctx, scope.API(), id)
	})
	if err != nil {
		return nil, fmt.Errorf("campaign %s details: %w", id, err)
	}
	return raw, nil
}

// summaryOf fetches a job's summary: its totals as its report page shows
// them.
func (sh *channelShape) summaryOf(ctx context.Context, scope *keepnet.ScopedClient, row jobRow) (json.RawMessage, error) {
	raw, err := wire.FetchData(ctx, func(ctx context.Context) (*http.Response, error) {
		return sh.jobSummary(ctx, scope.API(), row.campaignID(), int32(row.InstanceGroup))
	})
	if err != nil {
		return nil, fmt.Errorf("job %s summary: %w", row.key(), err)
	}
	return raw, nil
}

// markedAsTest reports whether a job's campaign is marked as a test
// (excludeFromReports): the campaign's details carry the flag and so do
// the job summary's settings; the campaign search's rows are not promised
// to. Either saying so is enough.
func markedAsTest(details, summary json.RawMessage) bool {
	var d struct {
		ExcludeFromReports *bool `json:"excludeFromReports"`
	}
	var s struct {
		Settings *struct {
			ExcludeFromReports *bool `json:"excludeFromReports"`
		} `json:"settings"`
	}
	_, _ = keepnet.Decode(details, &d) // FetchData made sure each is a JSON object
	_, _ = keepnet.Decode(summary, &s)
	return d.ExcludeFromReports != nil && *d.ExcludeFromReports ||
		s.Settings != nil && s.Settings.ExcludeFromReports != nil && *s.Settings.ExcludeFromReports
}

// leaveOutTests drops the jobs of test campaigns unless the request
// includes them, saying so in the company's notices. A test campaign a
// named company was asked for by name is bad input instead: leaving out
// what was named would pass for "no results".
func (f *phishingFlow) leaveOutTests(headers []jobHeader, sel selection) (companySources[PhishingRecord], error) {
	var found companySources[PhishingRecord]
	var left []string
	for _, h := range headers {
		if h.test && !f.req.IncludeTests {
			if q := sel.named[h.row.campaignID()]; q != "" && !f.req.Companies.All {
				return found, &InputError{Field: "campaign", Value: q, Option: "IncludeTests",
					Reason: fmt.Sprintf("is %q (%s), a campaign marked as a test (excludeFromReports), which reports leave out", h.row.Name, h.row.campaignID())}
			}
			left = append(left, fmt.Sprintf("%q (%s)", h.row.Name, h.key))
			continue
		}
		found.sources = append(found.sources, h.job)
	}
	if len(left) > 0 {
		found.notices = []string{fmt.Sprintf("left out %s of campaigns marked as tests (excludeFromReports), as the vendor's reports do: %s; IncludeTests pulls them",
			plural.Count(len(left), "job", "jobs"), strings.Join(left, ", "))}
	}
	if len(found.sources) == 0 {
		found.none = sel.none
		if len(left) > 0 {
			found.none = found.notices[0]
		}
	}
	return found, nil
}
