package pullcmd

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"reflect"

	"github.com/keepnet-flow/keepnet-flow/internal/atomicfile"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/cmdutil"
)

// journalSuffix names a --resume journal: FILE.journal beside -o FILE.
const journalSuffix = ".journal"

// lockSuffix names the lock of a --resume run: FILE.lock beside -o FILE.
const lockSuffix = ".lock"

// JournalSpec is what a command's journal holds and how it reads it.
type JournalSpec[R any] struct {
	// Command names the command, for the refusal of another command's
	// file ("is not a survey-results journal").
	Command string
	// VersionKey is the member of Header that holds the format's version:
	// a first line without it, or with another value, is not a journal of
	// this command.
	VersionKey string
	// Header is the run's arguments, a struct marshalled as a JSON object:
	// the journal's first line. A rerun may use the journal only with the
	// same arguments, since its records answer those and no others.
	Header any
	// Describe says which arguments a journal's first line names, for the
	// refusal of a journal of other arguments.
	Describe func(header []byte) string
	// Key identifies a record: its company, its source and its user row.
	Key func(R) string
	// Complete reports whether a record is worth keeping (it carries no
	// error).
	Complete func(R) bool
	// Adopt is a kept record under the company and source of partial,
	// the record a listed row starts in this run.
	Adopt func(kept, partial R) R
}

// Journal keeps the complete records of a --resume run, one JSON line
// each after the header, so that a rerun fetches only the users it lacks.
// Records are found by Key and read back from the file when asked for, so
// memory does not grow with the journal.
type Journal[R any] struct {
	spec   JournalSpec[R]
	path   string
	header []byte
	// file is nil until Start for a run without a journal yet.
	file *os.File
	// empty is set for a journal file that exists but holds nothing yet:
	// Start writes its header.
	empty bool
	// known maps a record's key to its place in file; it is only read
	// once the journal is open.
	known map[string]span
}

type span struct{ off, len int64 }

// OpenJournal opens the journal of output for the run spec describes, if
// there is one; Start creates it. A journal of another run is bad input:
// using it would mix records of two requests, and deleting it would lose
// the other run's work.
func OpenJournal[R any](output string, spec JournalSpec[R]) (*Journal[R], error) {
	header, err := json.Marshal(spec.Header)
	if err != nil {
		return nil, fmt.Errorf("journal header: %w", err)
	}
	j := &Journal[R]{spec: spec, path: output + journalSuffix, header: header, known: map[string]span{}}
	// Never through a symlink: the journal holds users' records, and a
	// link planted beside the output would send them elsewhere.
	f, err := atomicfile.OpenExisting(j.path)
	if errors.Is(err, fs.ErrNotExist) {
		return j, nil
	}
	if errors.Is(err, atomicfile.ErrSymlink) {
		return nil, cmdutil.InvalidValue("resume", j.path, "is a symbolic link; a journal of users' records is never written through one: remove it or choose another -o")
	}
	if err != nil {
		return nil, cmdutil.InvalidValue("resume", j.path, "cannot be read: "+err.Error())
	}
	j.file = f
	end, err := j.load()
	if err != nil {
		_ = f.Close() // the load error is the one to report
		return nil, err
	}
	if end == 0 {
		// Empty (or torn in its header): Start writes it anew.
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

// Path is the journal's file name.
func (j *Journal[R]) Path() string { return j.path }

// Start creates the journal if there is none yet. It is called once the
// run's input has been checked, so that bad input leaves no file.
func (j *Journal[R]) Start() error {
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
	err := f.Truncate(0)
	if err == nil {
		_, err = f.WriteAt(append(j.header, '\n'), 0)
	}
	if err == nil {
		_, err = f.Seek(int64(len(j.header))+1, io.SeekStart)
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
func (j *Journal[R]) load() (int64, error) {
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
			if err := j.checkHeader(line); err != nil {
				return 0, err
			}
			first = false
		} else {
			var rec R
			if json.Unmarshal(line, &rec) != nil {
				return off, nil // torn by a kill: what follows is not to be trusted
			}
			j.known[j.spec.Key(rec)] = span{off, int64(len(line))}
		}
		off += int64(len(line))
	}
}

// checkHeader refuses a first line that is not this command's, or is of a
// run with other arguments. Both are compared as JSON values, so a
// header's member order or spacing does not matter.
func (j *Journal[R]) checkHeader(line []byte) error {
	var got, want map[string]any
	if json.Unmarshal(line, &got) != nil || json.Unmarshal(j.header, &want) != nil || got[j.spec.VersionKey] == nil || got[j.spec.VersionKey] != want[j.spec.VersionKey] {
		return cmdutil.InvalidValue("resume", j.path, "is not a "+j.spec.Command+" journal; move it away or choose another -o")
	}
	if !reflect.DeepEqual(got, want) {
		return cmdutil.InvalidValue("resume", j.path, fmt.Sprintf("was kept by a run with other arguments (%s); rerun with those, or delete it to start over", j.spec.Describe(bytes.TrimSpace(line))))
	}
	return nil
}

// Reuse is the journal's record of the user partial starts, if it has
// one, under partial's company and source. Safe for concurrent use.
func (j *Journal[R]) Reuse(partial R) (R, bool) {
	var rec R
	s, ok := j.known[j.spec.Key(partial)]
	if !ok || j.file == nil {
		return rec, false
	}
	buf := make([]byte, s.len)
	if _, err := j.file.ReadAt(buf, s.off); err != nil {
		return rec, false // fetched again instead
	}
	if err := json.NewDecoder(bytes.NewReader(buf)).Decode(&rec); err != nil {
		return rec, false
	}
	return j.spec.Adopt(rec, partial), true
}

// Add keeps a complete record the journal does not have yet. Each goes to
// the file at once, so a run killed later still keeps it.
func (j *Journal[R]) Add(rec R) error {
	if !j.spec.Complete(rec) {
		return nil
	}
	if _, ok := j.known[j.spec.Key(rec)]; ok {
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

// Close closes the journal's file, keeping it.
func (j *Journal[R]) Close() error {
	if j.file == nil {
		return nil
	}
	return j.file.Close()
}

// Remove deletes the journal of a run whose output is complete: the file
// this run opened or created, never one put in its place since.
func (j *Journal[R]) Remove() error {
	if j.file == nil {
		return nil
	}
	err := atomicfile.RemoveOwn(j.path, j.file)
	if cerr := j.Close(); cerr != nil && !errors.Is(cerr, fs.ErrClosed) {
		err = errors.Join(err, cerr)
	}
	if err != nil {
		return fmt.Errorf("journal %s: %w", j.path, err)
	}
	return nil
}

// LockOutput takes the lock of a --resume run on output (FILE.lock beside
// it): two runs resuming one output would share and remove one journal
// under each other. The second refuses at once rather than waiting to
// fetch again what the first has just written.
func LockOutput(output string) (*atomicfile.Lock, error) {
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
