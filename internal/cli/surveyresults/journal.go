package surveyresults

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"

	"github.com/keepnet-flow/keepnet-flow/internal/atomicfile"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/cmdutil"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// journalSuffix names a --resume journal: FILE.journal beside -o FILE.
const journalSuffix = ".journal"

// journalVersion is the journal format's version, in its first line.
const journalVersion = 1

// journalHeader is a journal's first line: what run it belongs to. A rerun
// may use the journal only with the same arguments, since its records
// answer those and no others.
type journalHeader struct {
	Version    int      `json:"keepnetFlowSurveyJournal"`
	Enrollment string   `json:"enrollment"`
	Companies  []string `json:"companies,omitempty"`
	All        bool     `json:"allCompanies,omitempty"`
}

// surveyJournal keeps the complete records of a --resume run, one JSON
// line each after the header, so that a rerun fetches only the users it
// lacks. Records are found by company and user ID and read back from the
// file when asked for, so memory does not grow with the journal.
type surveyJournal struct {
	path   string
	header journalHeader
	// file is nil until start for a run without a journal yet.
	file *os.File
	// empty is set for a journal file that exists but holds nothing yet:
	// start writes its header.
	empty bool
	// known maps company ID + "/" + user ID to a record's place in file;
	// it is only read once the journal is open.
	known map[string]span
}

type span struct{ off, len int64 }

func journalKey(companyID, userID string) string { return companyID + "/" + userID }

// openJournal opens the journal of output for the run header describes,
// if there is one; start creates it. A journal of another run is bad
// input: using it would mix records of two requests, and deleting it would
// lose the other run's work.
func openJournal(output string, header journalHeader) (*surveyJournal, error) {
	j := &surveyJournal{path: output + journalSuffix, header: header, known: map[string]span{}}
	// Never through a symlink: the journal holds users' answers, and a
	// link planted beside the output would send them elsewhere.
	f, err := atomicfile.OpenExisting(j.path)
	if errors.Is(err, fs.ErrNotExist) {
		return j, nil
	}
	if errors.Is(err, atomicfile.ErrSymlink) {
		return nil, cmdutil.InvalidValue("resume", j.path, "is a symbolic link; a journal of users' answers is never written through one: remove it or choose another -o")
	}
	if err != nil {
		return nil, cmdutil.InvalidValue("resume", j.path, "cannot be read: "+err.Error())
	}
	j.file = f
	end, err := j.load(header)
	if err != nil {
		_ = f.Close() // the load error is the one to report
		return nil, err
	}
	if end == 0 {
		// Empty (or torn in its header): start writes it anew.
		j.empty = true
	}
	// A run killed mid-line leaves half a record: cut it off, so the next
	// one starts on a line of its own.
	if err := f.Truncate(end); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("journal %s: %w", j.path, err)
	}
	if _, err := f.Seek(end, io.SeekStart); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("journal %s: %w", j.path, err)
	}
	return j, nil
}

// start creates the journal if there is none yet. It is called once the
// run's input has been checked, so that bad input leaves no file.
func (j *surveyJournal) start() error {
	if j.file != nil && !j.empty {
		return nil
	}
	f := j.file
	if f == nil {
		// Created only where nothing is (no file, no symlink), mode 0600:
		// the journal holds the same personal data as the output.
		var err error
		if f, err = atomicfile.CreateExclusive(j.path); err != nil {
			return fmt.Errorf("journal %s: %w", j.path, err)
		}
	}
	line, err := json.Marshal(j.header)
	if err == nil {
		err = f.Truncate(0)
	}
	if err == nil {
		_, err = f.WriteAt(append(line, '\n'), 0)
	}
	if err == nil {
		_, err = f.Seek(int64(len(line))+1, io.SeekStart)
	}
	if err != nil {
		_ = f.Close() // the write error is the one to report
		return fmt.Errorf("journal %s: %w", j.path, err)
	}
	j.file, j.empty = f, false
	return nil
}

// load indexes the journal's records and returns where its last complete
// line ends (0 for an empty journal).
func (j *surveyJournal) load(want journalHeader) (int64, error) {
	r := bufio.NewReader(j.file)
	var off int64
	first := true
	for {
		line, err := r.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			return off, nil // a last line without its newline is incomplete
		}
		if err != nil {
			return 0, fmt.Errorf("journal %s: %w", j.path, err)
		}
		if first {
			var got journalHeader
			if json.Unmarshal(line, &got) != nil || got.Version != journalVersion {
				return 0, cmdutil.InvalidValue("resume", j.path, "is not a survey-results journal; move it away or choose another -o")
			}
			if got.Enrollment != want.Enrollment || got.All != want.All || !slices.Equal(got.Companies, want.Companies) {
				return 0, cmdutil.InvalidValue("resume", j.path, fmt.Sprintf("was kept by a run with other arguments (%s); rerun with those, or delete it to start over", describeJournal(got)))
			}
			first = false
		} else {
			var rec workflows.SurveyRecord
			if json.Unmarshal(line, &rec) != nil {
				return off, nil // torn by a kill: what follows is not to be trusted
			}
			j.known[journalKey(rec.CompanyID, rec.TargetUserResourceID)] = span{off, int64(len(line))}
		}
		off += int64(len(line))
	}
}

func describeJournal(h journalHeader) string {
	sel := "--all-companies"
	if !h.All {
		sel = fmt.Sprintf("companies %q", h.Companies)
	}
	return fmt.Sprintf("enrollment %q, %s", h.Enrollment, sel)
}

// reuse is workflows.SurveyRequest.Reuse: the journal's record of the
// user, if it has one. Safe for concurrent use.
func (j *surveyJournal) reuse(partial workflows.SurveyRecord) (workflows.SurveyRecord, bool) {
	s, ok := j.known[journalKey(partial.CompanyID, partial.TargetUserResourceID)]
	if !ok || j.file == nil {
		return workflows.SurveyRecord{}, false
	}
	buf := make([]byte, s.len)
	if _, err := j.file.ReadAt(buf, s.off); err != nil {
		return workflows.SurveyRecord{}, false // fetched again instead
	}
	var rec workflows.SurveyRecord
	if err := json.NewDecoder(bytes.NewReader(buf)).Decode(&rec); err != nil {
		return workflows.SurveyRecord{}, false
	}
	// The journal's record, under the company and enrollment of this run.
	rec.CompanyID, rec.CompanyName = partial.CompanyID, partial.CompanyName
	rec.EnrollmentID, rec.EnrollmentName = partial.EnrollmentID, partial.EnrollmentName
	return rec, true
}

// add keeps a complete record the journal does not have yet. Each goes to
// the file at once, so a run killed later still keeps it.
func (j *surveyJournal) add(rec workflows.SurveyRecord) error {
	if rec.Error != "" {
		return nil
	}
	if _, ok := j.known[journalKey(rec.CompanyID, rec.TargetUserResourceID)]; ok {
		return nil
	}
	line, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("journal %s: %w", j.path, err)
	}
	if _, err := j.file.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("journal %s: %w", j.path, err)
	}
	return nil
}

func (j *surveyJournal) close() error {
	if j.file == nil {
		return nil
	}
	return j.file.Close()
}

// remove deletes the journal of a run whose output is complete: the file
// this run opened or created, never one put in its place since.
func (j *surveyJournal) remove() error {
	if j.file == nil {
		return nil
	}
	err := atomicfile.RemoveOwn(j.path, j.file)
	if cerr := j.close(); cerr != nil && !errors.Is(cerr, fs.ErrClosed) {
		err = errors.Join(err, cerr)
	}
	if err != nil {
		return fmt.Errorf("journal %s: %w", j.path, err)
	}
	return nil
}

// lockOutput takes the lock of a --resume run on output (FILE.lock beside
// it): two runs resuming one output would share and remove one journal
// under each other. The second refuses at once rather than waiting to
// fetch again what the first has just written.
func lockOutput(output string) (*atomicfile.Lock, error) {
	l, err := atomicfile.TryLock(output + lockSuffix)
	switch {
	case errors.Is(err, atomicfile.ErrLocked):
		return nil, cmdutil.InvalidValue("output", output, "is being written by another keepnet-flow run with --resume (it holds "+output+lockSuffix+"); wait for it to end, or choose another -o")
	case errors.Is(err, atomicfile.ErrSymlink):
		return nil, cmdutil.InvalidValue("output", output+lockSuffix, "is a symbolic link; remove it")
	case err != nil:
		return nil, cmdutil.InvalidValue("output", output+lockSuffix, "cannot be created: "+err.Error())
	}
	return l, nil
}

// lockSuffix names the lock of a --resume run: FILE.lock beside -o FILE.
const lockSuffix = ".lock"
