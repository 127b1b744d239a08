package workflows

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/sync/semaphore"

	"github.com/keepnet-flow/keepnet-flow/internal/plural"
	"github.com/keepnet-flow/keepnet-flow/internal/store"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
)

// SyncRequest says whose results Sync brings into the database, and how.
type SyncRequest struct {
	// Companies says which companies (see ResolveCompanies). With All, a
	// company the service no longer lists is marked gone.
	Companies CompanySelection
	// Kinds are what is synced: "survey", "training", "phishing",
	// "smishing" and "quishing". Empty syncs all five.
	Kinds []string
	// Full fetches every enrollment's and job's users, whether its
	// summary says they may have changed or not.
	Full bool
	// Wait, while another sync is writing to the database, waits for it to
	// finish instead of failing at once.
	Wait bool
	// Concurrency bounds the requests in flight at once across all the
	// companies. Zero means DefaultConcurrency.
	Concurrency int
	// SpoolDir is where the users of enrollments and jobs not yet being
	// written wait, in files that have no name; empty means os.TempDir().
	SpoolDir string
	// Progress, when set, is told how far the fetching has got, from
	// Sync's goroutine: after each enrollment or job written, and every
	// few hundred users.
	Progress func(Progress)
}

// SyncResult says what a sync wrote.
type SyncResult struct {
	// SyncID is the sync's row in the database's sync_runs table.
	SyncID int64
	// Companies are each company's part, in the order they were selected
	// (for all companies, the order the service lists them): Records
	// counts its users written, Failed those written with an error,
	// SourcesFetched and SourcesUnchanged its enrollments and jobs, and
	// Error what could not be synced.
	Companies []CompanyOutcome
	// SourcesFetched are the enrollments and jobs whose users were
	// fetched and written; SourcesUnchanged those recorded from their
	// summary alone; Users the user rows written and FailedUsers those
	// that carry an error.
	SourcesFetched, SourcesUnchanged, Users, FailedUsers int
}

// Sync brings the companies' results into db, a SQLite (modernc.org/sqlite)
// or PostgreSQL (pgx's stdlib) database, whose schema it creates or
// migrates (docs/schema.md in the repository documents it): the companies;
// their survey and training enrollments, each with its summary, its users'
// results and the surveys' answers; their phishing, smishing and quishing
// jobs, each with its totals and its users' behaviour.
//
// A sync is incremental: an enrollment or job that is finished and whose
// summary has not moved since its users were last written whole is
// recorded from its listing and summary alone, its users kept as they
// are (Full fetches them all). Each enrollment's or job's rows are written
// in one transaction, so a sync stopped at any point, even killed, leaves
// the database as its last commit left it, and the next sync completes
// it. What the service no longer lists is marked gone, never deleted, and
// only after a listing was read whole.
//
// Bad input is an *InputError, and so is a company unknown or ambiguous;
// db is first used once the companies are resolved, so neither touches it.
// While another sync writes to the database, Sync fails naming it, unless
// Wait. A company whose results could not be synced completely is recorded
// in the database with the reason and the others go on: the result has
// every company's part, and the error wraps ErrIncomplete. The caller
// keeps db open and closes it.
func Sync(ctx context.Context, c *keepnet.Client, db *sql.DB, req SyncRequest) (SyncResult, error) {
	kinds, err := checkSyncKinds(req.Kinds)
	if err != nil {
		return SyncResult{}, err
	}
	if req.Concurrency < 0 {
		return SyncResult{}, &InputError{Field: "concurrency", Value: fmt.Sprint(req.Concurrency), Reason: "must be at least 1"}
	}
	if req.Concurrency == 0 {
		req.Concurrency = DefaultConcurrency
	}
	companies, err := ResolveCompanies(ctx, c, req.Companies)
	if err != nil {
		return SyncResult{}, err
	}
	st, err := store.Open(ctx, db, "")
	if err != nil {
		return SyncResult{}, err
	}
	y, err := st.BeginSync(ctx, store.SyncOptions{Selection: selectionText(req.Companies, companies), Full: req.Full,
		Version: keepnet.Build().Version, Wait: req.Wait})
	if err != nil {
		return SyncResult{}, err
	}
	s := &syncRun{c: c, y: y, req: req, kinds: kinds, lookups: lookupLimit(req.Concurrency)}
	err = s.run(ctx, companies)
	if ferr := y.Finish(ctx, err); ferr != nil {
		err = errors.Join(err, ferr)
	}
	res := s.result()
	if err != nil {
		return res, err
	}
	return res, s.incomplete()
}

// syncRun is one sync under way.
type syncRun struct {
	c       *keepnet.Client
	y       *store.Sync
	req     SyncRequest
	kinds   syncKinds
	lookups *semaphore.Weighted
	// formats are the companies' date-format settings as stored, by
	// company ID (see settleDates).
	formats map[string]string

	// companies are the companies' parts, in order.
	companies []*companySync
}

// run looks every company up, records what is unchanged, and fetches and
// writes the rest, company by company.
func (s *syncRun) run(ctx context.Context, companies []Company) error {
	formats, err := s.y.DateFormats(ctx)
	if err != nil {
		return err
	}
	s.formats = formats
	s.companies = s.lookUp(ctx, companies)
	if err := ctx.Err(); err != nil {
		return context.Cause(ctx)
	}
	cos := make([]store.Company, len(s.companies))
	for i, cs := range s.companies {
		cos[i] = cs.storeCompany()
	}
	if err := s.y.Companies(ctx, cos, s.req.Companies.All); err != nil {
		return err
	}
	var fetch []*syncSource
	for _, cs := range s.companies {
		changed, err := s.decide(ctx, cs)
		if err != nil {
			return err
		}
		fetch = append(fetch, changed...)
	}
	sources := s.readDetails(ctx, fetch)
	if err := ctx.Err(); err != nil {
		return context.Cause(ctx)
	}
	if err := s.write(ctx, sources); err != nil {
		return err
	}
	for _, cs := range s.companies {
		if err := s.y.CompanyDone(ctx, store.CompanyOutcome{Company: cs.storeCompany(), Err: cs.failure()}); err != nil {
			return err
		}
	}
	return nil
}

// result is every company's part as far as the sync got.
func (s *syncRun) result() SyncResult {
	res := SyncResult{SyncID: s.y.ID()}
	for _, cs := range s.companies {
		o := cs.outcome()
		res.Companies = append(res.Companies, o)
		res.SourcesFetched += o.SourcesFetched
		res.SourcesUnchanged += o.SourcesUnchanged
		res.Users += o.Records
		res.FailedUsers += o.Failed
	}
	return res
}

// incomplete is the error of a sync that finished without every company
// synced whole, wrapping ErrIncomplete; nil when all were.
func (s *syncRun) incomplete() error {
	var first *companySync
	n, users := 0, 0
	for _, cs := range s.companies {
		o := cs.outcome()
		if o.Err != nil {
			n++
			if first == nil {
				first = cs
			}
		}
		users += o.Failed
	}
	switch {
	case n > 0:
		return fmt.Errorf("%d of %s could not be synced completely, first %v: %w", n,
			plural.Count(len(s.companies), "company", "companies"), &CompanyError{Company: first.co, Err: first.outcome().Err}, ErrIncomplete)
	case users > 0:
		return fmt.Errorf("%s could not be fetched completely (each is stored with its error): %w", plural.Count(users, "user", "users"), ErrIncomplete)
	}
	return nil
}

// selectionText is what sync_runs records the sync was asked for.
func selectionText(sel CompanySelection, companies []Company) string {
	if sel.All {
		return "all companies"
	}
	names := make([]string, len(companies))
	for i, co := range companies {
		names[i] = fmt.Sprintf("%s (%s)", co.Name, co.ID)
	}
	return strings.Join(names, ", ")
}

// syncKinds are what a sync brings in.
type syncKinds struct {
	surveys, training bool
	channels          []Channel
}

// syncKindNames are SyncRequest.Kinds' words, in the order a company's
// sources are written.
var syncKindNames = []string{"survey", "training", string(ChannelPhishing), string(ChannelSmishing), string(ChannelQuishing)}

func checkSyncKinds(names []string) (syncKinds, error) {
	if len(names) == 0 {
		names = syncKindNames
	}
	var k syncKinds
	for _, name := range names {
		switch n := strings.ToLower(strings.TrimSpace(name)); n {
		case "survey", "surveys":
			k.surveys = true
		case "training", "trainings":
			k.training = true
		case string(ChannelPhishing), string(ChannelSmishing), string(ChannelQuishing):
			if !slices.Contains(k.channels, Channel(n)) {
				k.channels = append(k.channels, Channel(n))
			}
		default:
			return k, &InputError{Field: "kind", Value: name, Reason: "is not something a sync brings in; the kinds are " + strings.Join(syncKindNames, ", ")}
		}
	}
	// The channels in their usual order, whatever the request's.
	slices.SortFunc(k.channels, func(a, b Channel) int {
		return slices.Index(syncKindNames, string(a)) - slices.Index(syncKindNames, string(b))
	})
	return k, nil
}

func (k syncKinds) enrollments() bool { return k.surveys || k.training }
