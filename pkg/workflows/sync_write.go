package workflows

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/keepnet-flow/keepnet-flow/internal/plural"
	"github.com/keepnet-flow/keepnet-flow/internal/pull"
	"github.com/keepnet-flow/keepnet-flow/internal/store"
)

// syncRecord is a user's record of any flow, as one run carries them all.
type syncRecord struct {
	Survey   *SurveyRecord   `json:"s,omitempty"`
	Training *TrainingRecord `json:"t,omitempty"`
	Phishing *PhishingRecord `json:"p,omitempty"`
}

// readDetails fetches what the sources to fetch show besides their
// summaries, side by side: an enrollment's details (its due date), a job's
// campaign's details (its test flag), once a campaign. A source whose
// details would not come is left out, named in its company's failures.
func (s *syncRun) readDetails(ctx context.Context, fetch []*syncSource) []*syncSource {
	type campaign struct {
		once sync.Once
		raw  json.RawMessage
		err  error
	}
	campaigns := map[string]*campaign{}
	for _, src := range fetch {
		if src.flow != nil {
			key := src.company.co.ID + "\x00" + string(src.flow.shape.channel) + "\x00" + src.job.campaignID()
			if campaigns[key] == nil {
				campaigns[key] = &campaign{}
			}
		}
	}
	var wg sync.WaitGroup
	for _, src := range fetch {
		wg.Go(func() {
			scope := src.company.scope
			if src.flow == nil {
				src.err = limited(ctx, s.lookups, func() error { return readEnrollmentDetails(ctx, scope, src.src) })
				return
			}
			c := campaigns[src.company.co.ID+"\x00"+string(src.flow.shape.channel)+"\x00"+src.job.campaignID()]
			c.once.Do(func() {
				c.err = limited(ctx, s.lookups, func() (err error) {
					c.raw, err = src.flow.shape.campaignDetails(ctx, scope, src.job.campaignID())
					return err
				})
			})
			src.src.Details, src.err = c.raw, c.err
		})
	}
	wg.Wait()
	var out []*syncSource
	for _, src := range fetch {
		if src.err != nil {
			src.company.failed = append(src.company.failed, src.err)
			continue
		}
		out = append(out, src)
	}
	return out
}

// open makes the source's users a source of the sync's run.
func (s *syncSource) open() pull.Source[syncRecord] {
	scope := s.company.scope
	switch {
	case s.flow != nil:
		s.js = &jobSource{flow: s.flow, scope: scope, src: s.src, row: s.job, test: markedAsTest(s.src.Details, s.src.Summary)}
		return pull.Wrap(s.js.run(), func(r *PhishingRecord) syncRecord { return syncRecord{Phishing: r} },
			func(r *syncRecord) *PhishingRecord { return r.Phishing })
	case s.kind == store.KindSurvey:
		return pull.Wrap((&surveySource{scope: scope, src: s.src}).run(), func(r *SurveyRecord) syncRecord { return syncRecord{Survey: r} },
			func(r *syncRecord) *SurveyRecord { return r.Survey })
	default:
		return pull.Wrap((&trainingSource{scope: scope, src: s.src}).run(), func(r *TrainingRecord) syncRecord { return syncRecord{Training: r} },
			func(r *syncRecord) *TrainingRecord { return r.Training })
	}
}

// write fetches the sources' users on one pool and writes each source in
// one transaction, in order: its users as they come, then its complete
// mark, or what kept it from being whole.
func (s *syncRun) write(ctx context.Context, sources []*syncSource) error {
	run := &pull.Run[syncRecord]{Options: pull.Options{Concurrency: s.req.Concurrency, SpoolDir: s.req.SpoolDir}}
	for _, src := range sources {
		run.Sources = append(run.Sources, src.open())
	}
	var w sink
	defer func() {
		if w != nil {
			_ = w.rollback(context.WithoutCancel(ctx)) // the sync's own error is the one to report; the rows are not committed either way
		}
	}()
	progress := func() {
		if s.req.Progress != nil {
			pr := run.Progress()
			s.req.Progress(Progress{Sources: pr.Sources, SourcesDone: pr.SourcesDone, Rows: pr.Rows, RowsDone: pr.RowsDone})
		}
	}
	progress()
	written := 0
	for it, err := range run.Items(ctx) {
		if err != nil {
			return err
		}
		src := sources[it.Source]
		if w == nil {
			// Begun at the first user, or at the end of a source without
			// any: a job's scanner count comes with its first page.
			if w, err = src.begin(ctx, s.y); err != nil {
				return err
			}
		}
		if it.End {
			err := w.commit(ctx, it.Err)
			w = nil
			if err != nil {
				return err
			}
			progress()
			continue
		}
		if err := w.add(ctx, it.Record); err != nil {
			return err
		}
		if written++; written%256 == 0 {
			progress()
		}
	}
	return nil
}

// sink writes one source's users.
type sink interface {
	add(ctx context.Context, r syncRecord) error
	// commit ends the source, whole unless listing is its listing's error
	// or a user could not be stored.
	commit(ctx context.Context, listing error) error
	rollback(ctx context.Context) error
}

// begin starts writing the source.
func (s *syncSource) begin(ctx context.Context, y *store.Sync) (sink, error) {
	switch {
	case s.flow != nil:
		w, err := y.Job(ctx, s.storeJob())
		return newSink(s, w, jobUser), err
	case s.kind == store.KindSurvey:
		w, err := y.Survey(ctx, s.enrollment())
		return newSink(s, w, surveyUser), err
	default:
		w, err := y.Training(ctx, s.enrollment())
		return newSink(s, w, trainingUser), err
	}
}

// writerSink is a store writer with the conversion of its records.
type writerSink[U any] struct {
	src *syncSource
	w   *store.Writer[U]
	// user converts a record; ok is false for a record that cannot be
	// stored (no ID to key it by), failed true for one carrying an error.
	user func(r syncRecord) (u U, ok, failed bool, err error)
	// unkeyed counts the records that could not be stored.
	unkeyed int
}

func newSink[U any](src *syncSource, w *store.Writer[U], user func(syncRecord) (U, bool, bool, error)) sink {
	if w == nil {
		return nil
	}
	return &writerSink[U]{src: src, w: w, user: user}
}

func (k *writerSink[U]) add(ctx context.Context, r syncRecord) error {
	u, ok, failed, err := k.user(r)
	if err != nil {
		return errors.Join(err, k.w.Rollback(ctx))
	}
	cs := k.src.company
	if !ok {
		k.unkeyed++
		cs.failedUsers++
		return nil
	}
	if err := k.w.Add(ctx, u); err != nil {
		return err
	}
	cs.users++
	if failed {
		cs.failedUsers++
	}
	return nil
}

func (k *writerSink[U]) commit(ctx context.Context, listing error) error {
	if k.unkeyed > 0 {
		listing = errors.Join(listing, fmt.Errorf("%s listed without an ID could not be stored", plural.Count(k.unkeyed, "user", "users")))
	}
	if err := k.w.Commit(ctx, listing); err != nil {
		return err
	}
	cs := k.src.company
	cs.fetched++
	if listing != nil {
		cs.incomplete = append(cs.incomplete, fmt.Errorf("%s %q (%s): %w", k.src.src.kind(), k.src.src.Name, k.src.src.ID, listing))
	}
	return nil
}

func (k *writerSink[U]) rollback(ctx context.Context) error { return k.w.Rollback(ctx) }
