package workflows

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"
	"golang.org/x/sync/semaphore"

	"github.com/keepnet-flow/keepnet-flow/internal/store"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
)

// companySync is one company's part of a sync.
type companySync struct {
	co    Company
	scope *keepnet.ScopedClient
	dates CompanyDates
	// err is why the company's listings could not be read: nothing of it
	// is written but its row.
	err error
	// sources are its enrollments and jobs, surveys first, then training,
	// then each channel's jobs.
	sources []*syncSource
	// listedEnrollments and listedJobs are the listings read whole, every
	// row of which could be followed, by enrollment kind and by channel:
	// only these mark what they no longer list as gone.
	listedEnrollments map[store.Kind][]string
	listedJobs        map[Channel][]store.JobKey
	// failed are the enrollments and jobs that could not be read at all,
	// each named; notices, what is worth telling that is no failure.
	failed  []error
	notices []string

	// What the sync did: sources fetched and unchanged, users written
	// and of them those with an error, and the sources whose listing or
	// records were not whole.
	fetched, unchanged, users, failedUsers int
	incomplete                             []error
}

// lookUp reads every company's listings and its sources' summaries, a few
// companies side by side: all the sync needs to decide what to fetch.
func (s *syncRun) lookUp(ctx context.Context, companies []Company) []*companySync {
	out := make([]*companySync, len(companies))
	// A company's lookup has several requests in flight (its listings, then
	// its summaries): half as many companies at once as the budget allows
	// keeps it busy and within bounds, as openPull does.
	companiesAtOnce := semaphore.NewWeighted(int64(max(1, s.req.Concurrency/2)))
	var wg sync.WaitGroup
	for i, co := range companies {
		cs := &companySync{co: co, scope: s.c.ForCompany(co.ID)}
		out[i] = cs
		wg.Go(func() {
			cs.err = limited(ctx, companiesAtOnce, func() error { return s.lookUpCompany(ctx, cs) })
		})
	}
	wg.Wait()
	return out
}

// lookUpCompany reads a company's enrollments and each channel's jobs
// side by side, then every source's summary, and settles how the company
// writes its dates: read with the listings when no setting is stored,
// else as settleDates decides.
func (s *syncRun) lookUpCompany(ctx context.Context, cs *companySync) error {
	var (
		enrollments []Enrollment
		flows       = make([]*phishingFlow, len(s.kinds.channels))
		jobs        = make([][]jobRow, len(s.kinds.channels))
	)
	g, gctx := errgroup.WithContext(ctx)
	stored, reuse := s.formats[cs.co.ID]
	reuse = reuse && !s.req.Full // a full sync fetches every source, so reads the setting anyway
	if !reuse {
		g.Go(func() error {
			cs.dates = ReadCompanyDates(gctx, cs.scope)
			return nil // never fails the company: see ReadCompanyDates
		})
	}
	if s.kinds.enrollments() {
		g.Go(func() (err error) {
			q := EnrollmentQuery{} // every type, in one listing
			if !s.kinds.training {
				q.Type = surveyEnrollmentType
			}
			enrollments, err = ListEnrollments(gctx, cs.scope, q)
			return err
		})
	}
	for i, ch := range s.kinds.channels {
		flows[i] = &phishingFlow{req: PhishingRequest{Channel: ch, IncludeTests: true}, shape: shapeOf(ch), lookups: s.lookups}
		g.Go(func() (err error) {
			if jobs[i], err = flows[i].jobs(gctx, cs.scope); err != nil {
				return fmt.Errorf("find %s jobs: %w", ch, err)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	if s.kinds.enrollments() {
		cs.addEnrollments(enrollments, s.kinds)
	}
	for i, f := range flows {
		cs.addJobs(f, jobs[i])
	}
	var wg sync.WaitGroup
	for _, src := range cs.sources {
		wg.Go(func() {
			src.err = limited(ctx, s.lookups, func() error { return src.readSummary(ctx) })
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	if reuse {
		cs.dates = s.settleDates(ctx, cs, stored)
	}
	for _, src := range cs.sources {
		src.src.Dates = cs.dates
	}
	return nil
}

// settleDates is how a company whose date-format setting is stored writes
// its dates. The stored setting serves while every date the sync will
// write is one it stored before, as the same text: the service renders a
// date in the company's format of the moment, so an unchanged text is the
// same date, read as it was. A source not stored yet, a date whose text
// moved, or a source whose users are fetched (their dates are new) reads
// the setting again: one request for the company, where a re-sync with
// nothing changed makes none. What it learns of each source's change,
// decide uses.
func (s *syncRun) settleDates(ctx context.Context, cs *companySync, stored string) CompanyDates {
	for _, src := range cs.sources {
		if src.err != nil {
			continue // not written
		}
		ch, err := src.changed(ctx, s.y)
		if err != nil || ch.Fetch || !ch.SameDates {
			// A store that cannot say is asked again by decide, whose
			// error ends the sync; until then, the setting is read.
			return ReadCompanyDates(ctx, cs.scope)
		}
	}
	return CompanyDates{Format: stored, Order: keepnetdate.OrderOfFormat(stored)}
}

// addEnrollments makes the company's survey and training enrollments its
// sources, in the listing's order, with the kinds the sync brings in.
func (cs *companySync) addEnrollments(listed []Enrollment, kinds syncKinds) {
	ids := map[store.Kind][]string{}
	whole := true
	for n, e := range listed {
		kind, known := enrollmentKind(e.Type)
		switch {
		case e.ID == "":
			whole = false
			cs.failed = append(cs.failed, fmt.Errorf("enrollments/search gave row %d that cannot be followed: %s", n+1, cmp.Or(e.Error, "it has no enrollmentId")))
			continue
		case !known && e.Error != "":
			// Its type could not be read: it may be a kind synced.
			whole = false
			cs.failed = append(cs.failed, fmt.Errorf("enrollment %q (%s) could not be read: %s", e.Name, e.ID, e.Error))
			continue
		case !known:
			cs.notices = append(cs.notices, fmt.Sprintf("enrollment %q (%s) is of type %q, which a sync does not bring in", e.Name, e.ID, e.Type))
			continue
		case kind == store.KindSurvey && !kinds.surveys, kind == store.KindTraining && !kinds.training:
			continue
		}
		ids[kind] = append(ids[kind], e.ID)
		src := &Source{Company: cs.co, ID: e.ID, Name: e.Name, Type: e.Type, Status: e.Status,
			StartDate: keepnetdate.FromString(e.StartDate)}
		src.total.Store(-1)
		if e.Error != "" {
			src.notice("its enrollments/search row could not be read whole: %s", e.Error)
		}
		cs.sources = append(cs.sources, &syncSource{company: cs, src: src, kind: kind, row: e})
	}
	// Surveys first, then training, each in the listing's order.
	slices.SortStableFunc(cs.sources, func(a, b *syncSource) int { return strings.Compare(string(a.kind), string(b.kind)) })
	if !whole {
		return
	}
	cs.listedEnrollments = map[store.Kind][]string{}
	if kinds.surveys {
		cs.listedEnrollments[store.KindSurvey] = ids[store.KindSurvey]
	}
	if kinds.training {
		cs.listedEnrollments[store.KindTraining] = ids[store.KindTraining]
	}
}

// enrollmentKind is the kind of an enrollment of type t, and whether a
// sync knows it.
func enrollmentKind(t string) (store.Kind, bool) {
	switch {
	case strings.EqualFold(t, surveyEnrollmentType):
		return store.KindSurvey, true
	case slices.ContainsFunc(trainingTypes, func(known string) bool { return strings.EqualFold(known, t) }):
		return store.KindTraining, true
	}
	return "", false
}

// addJobs makes a channel's jobs the company's sources, ordered as the
// phishing pull orders them: by campaign name, then run.
func (cs *companySync) addJobs(f *phishingFlow, rows []jobRow) {
	ch := f.shape.channel
	slices.SortStableFunc(rows, func(a, b jobRow) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.campaignID(), b.campaignID()), cmp.Compare(a.InstanceGroup, b.InstanceGroup))
	})
	keys := make([]store.JobKey, 0, len(rows))
	whole := true
	for n, row := range rows {
		if row.key() == "" {
			whole = false
			cs.failed = append(cs.failed, fmt.Errorf("%s/search gave row %d that does not say which job it is (campaign %q, instance group %d): %s",
				f.shape.prefix, n+1, row.campaignID(), row.InstanceGroup, cmp.Or(row.problem, "no campaign ID or instance group")))
			continue
		}
		keys = append(keys, store.JobKey{Channel: string(ch), CampaignID: row.campaignID(), InstanceGroup: row.InstanceGroup})
		src := &Source{Company: cs.co, ID: row.key(), Name: row.Name, Type: string(ch), Status: row.Status, StartDate: row.StartDate}
		src.total.Store(-1)
		if row.problem != "" {
			src.notice("its job search row could not be read whole: %s", row.problem)
		}
		cs.sources = append(cs.sources, &syncSource{company: cs, src: src, job: row, flow: f})
	}
	if whole {
		if cs.listedJobs == nil {
			cs.listedJobs = map[Channel][]store.JobKey{}
		}
		cs.listedJobs[ch] = keys
	}
}

// storeCompany is the company as the store records it.
func (cs *companySync) storeCompany() store.Company {
	return store.Company{ID: cs.co.ID, Name: cs.co.Name, DateFormat: cs.dates.Format}
}

// failure is why the company, or some of its sources, could not be
// synced at all; nil when nothing of it was left out.
func (cs *companySync) failure() error {
	if cs.err != nil {
		return cs.err
	}
	return errors.Join(cs.failed...)
}

// outcome is the company's part of the sync as a CompanyOutcome.
func (cs *companySync) outcome() CompanyOutcome {
	o := CompanyOutcome{Company: cs.co, Records: cs.users, Complete: cs.users - cs.failedUsers, Failed: cs.failedUsers,
		SourcesFetched: cs.fetched, SourcesUnchanged: cs.unchanged, Notices: slices.Clone(cs.notices)}
	for _, src := range cs.sources {
		o.Notices = append(o.Notices, src.src.Notices()...)
	}
	if err := errors.Join(append([]error{cs.failure()}, cs.incomplete...)...); err != nil {
		o.Err, o.Error = err, err.Error()
	}
	return o
}
