package workflows

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"sync"
	"sync/atomic"

	"github.com/keepnet-flow/keepnet-flow/internal/atomicfile"
)

// CompanySummary is how one company's part of a multi-company pull ended.
type CompanySummary struct {
	Company    Company
	Enrollment SurveyEnrollment
	// Users counts the company's records; Complete those without an error,
	// Failed those with one.
	Users, Complete, Failed int
	// Err is set when the company's pull broke off or came up short (its
	// users/search listing), or its survey could not be looked up.
	Err error
}

// SurveysProgress is how far a multi-company pull has got.
type SurveysProgress struct {
	Companies, CompaniesDone int
	// Users is the server's user count summed over the companies, or -1
	// while some company's count is not known yet; UsersDone counts the
	// records fetched so far, yielded or not.
	Users, UsersDone int
}

// Records streams every company's records: all of the first company's users
// in the order users/search lists them, then the next company's, and so on,
// so two pulls of the same surveys give the same output. The companies are
// fetched side by side, on Concurrency workers shared by all of them, so
// the request budget stays busy until the last company is done; records of
// a company that is not being yielded yet wait in a spool file with no
// name, not in memory.
//
// A company that fails ends with a *CompanyError (its records before the
// failure have been yielded), and the next company follows: the caller may
// keep ranging. Companies whose survey could not be looked up come first,
// each as a *CompanyError. Any other error (a cancelled context) ends the
// sequence. Records owns the pulls in Surveys while it runs: do not range
// over their Users at the same time.
func (p *SurveysPull) Records(ctx context.Context) iter.Seq2[SurveyRecord, error] {
	return func(yield func(SurveyRecord, error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()

		p.summaries = p.summaries[:0]
		for _, f := range p.Failed {
			p.summaries = append(p.summaries, CompanySummary{Company: f.Company, Err: f.Err})
			if !yield(SurveyRecord{CompanyID: f.Company.ID, CompanyName: f.Company.Name}, f) {
				return
			}
		}

		queues := make([]*recordQueue, len(p.Surveys))
		defer func() {
			for _, q := range queues {
				q.close()
			}
		}()
		for i := range p.Surveys {
			// The first company is yielded as it comes, so it needs no
			// spool: a pull from one company costs what SurveyPull.Users
			// does.
			if i == 0 {
				queues[i] = &recordQueue{}
				continue
			}
			q, err := newRecordQueue(p.spoolDir)
			if err != nil {
				yield(SurveyRecord{}, err)
				return
			}
			queues[i] = q
		}
		p.queues.Store(&queues)

		// One pool for every company: a company that has run out of users
		// leaves its share to the others.
		pool := newRequestPool(p.concurrency)
		var pulls sync.WaitGroup
		defer func() {
			cancel()
			pulls.Wait()
			pool.close()
			// The pulls are the caller's again, on pools of their own.
			for _, s := range p.Surveys {
				s.pool = nil
			}
		}()
		for i, s := range p.Surveys {
			s.pool = pool
			if i > 0 {
				pulls.Go(func() { queues[i].fill(ctx, s) })
			}
		}

		for i, s := range p.Surveys {
			sum := CompanySummary{Company: s.Company, Enrollment: s.Enrollment}
			stopped := false
			records := queues[i].drain
			if i == 0 {
				records = queues[i].pass(s)
			}
			err := records(ctx, func(u UserResult) bool {
				sum.Users++
				if u.Error != "" {
					sum.Failed++
				} else {
					sum.Complete++
				}
				if !yield(SurveyRecord{CompanyID: s.Company.ID, CompanyName: s.Company.Name, EnrollmentID: s.Enrollment.ID, EnrollmentName: s.Enrollment.Name, UserResult: u}, nil) {
					stopped = true
					return false
				}
				return true
			})
			if stopped {
				return
			}
			if ctx.Err() != nil {
				yield(SurveyRecord{}, fmt.Errorf("survey pull stopped: %w", context.Cause(ctx)))
				return
			}
			sum.Err = err
			p.summaries = append(p.summaries, sum)
			if err != nil {
				if !yield(SurveyRecord{CompanyID: s.Company.ID, CompanyName: s.Company.Name}, &CompanyError{Company: s.Company, Err: err}) {
					return
				}
			}
		}
	}
}

// Summary is how each company's part ended, in the order Records yielded
// them (failed lookups first); complete only once Records has ended.
func (p *SurveysPull) Summary() []CompanySummary { return p.summaries }

// Progress is how far Records has got; it is safe to call while Records
// runs, e.g. from a progress display.
func (p *SurveysPull) Progress() SurveysProgress {
	pr := SurveysProgress{Companies: len(p.Surveys)}
	var queues []*recordQueue
	if q := p.queues.Load(); q != nil {
		queues = *q
	}
	for i, s := range p.Surveys {
		if total := s.Total(); total >= 0 && pr.Users >= 0 {
			pr.Users += total
		} else {
			pr.Users = -1
		}
		if i < len(queues) {
			pr.UsersDone += int(queues[i].count.Load())
			if queues[i].finished.Load() {
				pr.CompaniesDone++
			}
		}
	}
	return pr
}

// recordQueue holds one company's records from its pull until Records
// yields them: JSON lines in a nameless file, appended by the pull and read
// by Records at its own pace.
type recordQueue struct {
	file  *os.File
	ready chan struct{} // a record was added or the pull ended

	mu   sync.Mutex
	size int64 // bytes of complete records in file
	done bool
	err  error

	count    atomic.Int64
	finished atomic.Bool
}

func newRecordQueue(dir string) (*recordQueue, error) {
	// Records hold names, emails and answers: a file without a name leaves
	// nothing behind however the run ends.
	f, err := atomicfile.Anonymous(dir)
	if err != nil {
		return nil, fmt.Errorf("survey spool: %w", err)
	}
	return &recordQueue{file: f, ready: make(chan struct{}, 1)}, nil
}

// fill runs the company's pull into the queue.
func (q *recordQueue) fill(ctx context.Context, s *SurveyPull) {
	var err error
	for u, uerr := range s.Users(ctx) {
		if uerr != nil {
			err = uerr
			break
		}
		if err = q.put(u); err != nil {
			break
		}
	}
	q.mu.Lock()
	q.done, q.err = true, err
	q.mu.Unlock()
	q.finished.Store(true)
	q.notify()
}

func (q *recordQueue) put(u UserResult) error {
	line, err := json.Marshal(u)
	if err != nil {
		return fmt.Errorf("survey spool: %w", err)
	}
	line = append(line, '\n')
	q.mu.Lock()
	_, err = q.file.WriteAt(line, q.size)
	if err == nil {
		q.size += int64(len(line))
	}
	q.mu.Unlock()
	if err != nil {
		return fmt.Errorf("survey spool: %w", err)
	}
	q.count.Add(1)
	q.notify()
	return nil
}

func (q *recordQueue) notify() {
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

// errSpoolStop ends a drain whose consumer stopped.
var errSpoolStop = errors.New("stopped")

// drain hands each record to use, in order, until the pull has ended and
// every record is used; it returns the pull's error. Only the bytes of
// complete records are read, so it never sees half a record.
func (q *recordQueue) drain(ctx context.Context, use func(UserResult) bool) error {
	var off int64
	for {
		q.mu.Lock()
		size, done, err := q.size, q.done, q.err
		q.mu.Unlock()
		if off < size {
			dec := json.NewDecoder(io.NewSectionReader(q.file, off, size-off))
			for {
				var u UserResult
				if derr := dec.Decode(&u); derr == io.EOF {
					break
				} else if derr != nil {
					return fmt.Errorf("survey spool: %w", derr)
				}
				if !use(u) {
					return errSpoolStop
				}
			}
			off = size
			continue
		}
		if done {
			return err
		}
		select {
		case <-q.ready:
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
}

// pass is drain for a company yielded as its pull goes, without a spool:
// the queue only counts.
func (q *recordQueue) pass(s *SurveyPull) func(context.Context, func(UserResult) bool) error {
	return func(ctx context.Context, use func(UserResult) bool) error {
		defer q.finished.Store(true)
		for u, err := range s.Users(ctx) {
			if err != nil {
				return err
			}
			q.count.Add(1)
			if !use(u) {
				return errSpoolStop
			}
		}
		return nil
	}
}

func (q *recordQueue) close() {
	if q != nil && q.file != nil {
		_ = q.file.Close() // a spool with no name: nothing to lose
		q.file = nil
	}
}
