package main

import (
	"cmp"
	"fmt"
	"io"
	"slices"

	"github.com/oasdiff/oasdiff/checker"
	"github.com/oasdiff/oasdiff/diff"
	"github.com/oasdiff/oasdiff/load"
)

// breakingChange is one of oasdiff's findings, reduced to what the report
// prints.
type breakingChange struct {
	Level     checker.Level // checker.ERR or checker.WARN
	Operation operation     // zero for changes outside paths (components, security)
	Section   string        // oasdiff's section: paths, components, security, …
	Text      string
	Workflow  bool // the operation is one pkg/workflows calls
}

// report is the outcome of comparing two specs.
type report struct {
	Base, Candidate string
	Workflow, Other []breakingChange
}

func (r *report) count() int { return len(r.Workflow) + len(r.Other) }

// promotedForWorkflows are oasdiff INFO findings that count as breaking
// (WARN) in the operations the workflows use. The vendor marks no response
// property required, so oasdiff's "required response property removed"
// never fires on its spec; a flow reading a field that vanished would go
// unreported without this.
var promotedForWorkflows = map[string]bool{
	checker.ResponseOptionalPropertyRemovedId: true,
}

// breakingChanges runs oasdiff's backward-compatibility checks, the same
// rules as `oasdiff breaking`: ERR is a change that breaks clients, WARN one
// that may. oasdiff compares operations by their resolved schemas, not by
// component names, so the vendor renaming every schema on an assembly
// version bump yields no finding at these levels (only INFO "schema
// removed" notes, which are not reported).
func breakingChanges(base, candidate *load.SpecInfo, uses operationSet) (*report, error) {
	d, sources, err := diff.GetWithOperationsSourcesMap(diff.NewConfig(), base, candidate)
	if err != nil {
		return nil, fmt.Errorf("diff %s against %s: %w", base.Url, candidate.Url, err)
	}
	cfg := checker.NewConfig(checker.GetAllChecks())
	localize := checker.NewDefaultLocalizer()
	r := &report{Base: base.Url, Candidate: candidate.Url}
	seen := map[breakingChange]bool{}
	for _, c := range checker.CheckBackwardCompatibilityUntilLevel(cfg, d, sources, checker.INFO) {
		bc := breakingChange{
			Level:     c.GetLevel(),
			Operation: operation{Method: c.GetOperation(), Path: c.GetPath()},
			Section:   c.GetSection(),
			Text:      c.GetUncolorizedText(localize),
		}
		bc.Workflow = bc.Operation.Path != "" && uses.contains(bc.Operation)
		if bc.Level < checker.WARN {
			if !bc.Workflow || !promotedForWorkflows[c.GetId()] {
				continue
			}
			bc.Level = checker.WARN
		}
		// oasdiff reports some findings once per schema that carries them;
		// the reader needs each line once.
		if seen[bc] {
			continue
		}
		seen[bc] = true
		if bc.Workflow {
			r.Workflow = append(r.Workflow, bc)
		} else {
			r.Other = append(r.Other, bc)
		}
	}
	slices.SortFunc(r.Workflow, compareChanges)
	slices.SortFunc(r.Other, compareChanges)
	return r, nil
}

// compareChanges groups a report by operation, errors before warnings.
func compareChanges(a, b breakingChange) int {
	return cmp.Or(
		cmp.Compare(a.Operation.Path, b.Operation.Path),
		cmp.Compare(a.Operation.Method, b.Operation.Method),
		cmp.Compare(b.Level, a.Level),
		cmp.Compare(a.Section, b.Section),
		cmp.Compare(a.Text, b.Text),
	)
}

// write renders the report: a header with counts, then the changes to the
// operations the workflows use, then the rest.
func (r *report) write(w io.Writer) error {
	var errs, warns int
	for _, c := range slices.Concat(r.Workflow, r.Other) {
		if c.Level == checker.ERR {
			errs++
		} else {
			warns++
		}
	}
	p := &printer{w: w}
	if r.count() == 0 {
		p.printf("spec-diff: no breaking changes from %s to %s\n", r.Base, r.Candidate)
	} else {
		p.printf("spec-diff: %s (%d ERR, %d WARN) from %s to %s; %d in operations keepnet-flow uses\n",
			plural(r.count(), "breaking change"), errs, warns, r.Base, r.Candidate, len(r.Workflow))
	}
	p.section("Operations keepnet-flow uses:", r.Workflow)
	p.section("Other operations:", r.Other)
	return p.err
}

// printer keeps the first write error, so rendering reads as a sequence of
// lines and still reports a closed stdout.
type printer struct {
	w   io.Writer
	err error
}

func (p *printer) printf(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

func (p *printer) section(title string, changes []breakingChange) {
	p.printf("\n%s\n", title)
	if len(changes) == 0 {
		p.printf("(none)\n")
	}
	for _, c := range changes {
		where := c.Operation.Method + " " + c.Operation.Path
		if c.Operation.Path == "" {
			where = "(" + c.Section + ")"
		}
		p.printf("%-4s  %s: %s\n", levelName(c.Level), where, c.Text)
	}
}

func levelName(l checker.Level) string {
	if l == checker.ERR {
		return "ERR"
	}
	return "WARN"
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
