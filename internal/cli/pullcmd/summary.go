package pullcmd

import (
	"errors"
	"fmt"
	"slices"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/cmdutil"
	"github.com/keepnet-flow/keepnet-flow/internal/table"
	"github.com/keepnet-flow/keepnet-flow/internal/termsafe"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// oneCompany is the company of a pull from one company named, or nil for
// a pull across companies.
func (w *writing[R]) oneCompany() *workflows.Company {
	switch {
	case w.across:
		return nil
	case len(w.pull.Sources) > 0:
		return &w.pull.Sources[0].Company
	case len(w.pull.Skipped) > 0:
		return &w.pull.Skipped[0].Company
	}
	return nil
}

// closeOneCompany prints the closing line of a one-company pull and
// returns the run's outcome.
func (w *writing[R]) closeOneCompany(co workflows.Company) error {
	progress := w.spec.IO.Progress()
	fmt.Fprintf(progress, "keepnet-flow: %s of %s (%s) written to %s", cmdutil.Count(w.done, "user", "users"), w.spec.Of(w.pull), termsafe.String(co.Name), w.out.Name())
	if w.failed > 0 {
		fmt.Fprintf(progress, "; %d incomplete", w.failed)
	}
	fmt.Fprintln(progress, cmdutil.PaceSummary(w.client.Pace()))
	w.rerunHint()
	if len(w.shortfalls) > 0 {
		return cmdutil.Incompletef("the output is incomplete: %s", w.shortfall(w.shortfalls[0]))
	}
	if w.failed > 0 {
		return fmt.Errorf("%d of %s could not be fetched completely (their records carry the error): %w", w.failed, cmdutil.Count(w.done, "user", "users"), workflows.ErrIncomplete)
	}
	return nil
}

// closeAcrossCompanies prints the closing summary of a pull across
// companies, one row per company, and returns the run's outcome.
func (w *writing[R]) closeAcrossCompanies() error {
	sum := w.pull.Outcomes()
	failures := len(w.companyFails) > 0
	t := table.Table{Headers: []string{"COMPANY", "ID", "USERS", "COMPLETE", "FAILED"}}
	if failures {
		t.Headers = append(t.Headers, "ERROR")
	}
	for _, c := range sum {
		row := []string{c.Company.Name, c.Company.ID, fmt.Sprint(c.Records), fmt.Sprint(c.Complete), fmt.Sprint(c.Failed)}
		if failures {
			problem := ""
			if c.Err != nil {
				problem = cmdutil.OneLine(c.Err.Error())
			}
			row = append(row, problem)
		}
		t.Rows = append(t.Rows, row)
	}
	progress := w.spec.IO.Progress()
	fmt.Fprintf(progress, "keepnet-flow: %s of %s written to %s", cmdutil.Count(w.done, "user", "users"), cmdutil.Count(len(sum), "company", "companies"), w.out.Name())
	if w.failed > 0 {
		fmt.Fprintf(progress, "; %d incomplete", w.failed)
	}
	if failures {
		fmt.Fprintf(progress, "; %s failed", cmdutil.Count(len(w.companyFails), "company", "companies"))
	}
	fmt.Fprintln(progress, cmdutil.PaceSummary(w.client.Pace()))
	if len(sum) > 0 {
		if err := table.Write(progress, table.Text, t, nil); err != nil {
			return err
		}
	}
	for _, ce := range w.shortfalls {
		fmt.Fprintf(progress, "keepnet-flow: company %q (%s): %s\n", ce.Company.Name, ce.Company.ID, w.shortfall(ce))
	}
	w.rerunHint()
	switch {
	case failures:
		return fmt.Errorf("%d of %s could not be pulled completely, first %v: %w", len(w.companyFails), cmdutil.Count(len(sum), "company", "companies"), w.companyFails[0], workflows.ErrIncomplete)
	case w.failed > 0:
		return fmt.Errorf("%d of %s could not be fetched completely (their records carry the error): %w", w.failed, cmdutil.Count(w.done, "user", "users"), workflows.ErrIncomplete)
	}
	return nil
}

// notices tells, on stderr, what the pull found worth telling of each
// company that is no record's error (a summary the users disagree with,
// test campaigns left out, activity the service counts as a scanner's).
// A skipped company's reason has been told already.
func (w *writing[R]) notices() {
	progress := w.spec.IO.Progress()
	for _, o := range slices.Concat(w.pull.Outcomes(), w.pull.Skipped) {
		for _, n := range o.Notices {
			if n == o.Skipped {
				continue
			}
			fmt.Fprintf(progress, "keepnet-flow: company %q (%s): %s\n", o.Company.Name, o.Company.ID, cmdutil.OneLine(cmdutil.FlagWords(n)))
		}
	}
}

// rerunHint says how to finish an incomplete run that kept a journal.
func (w *writing[R]) rerunHint() {
	if w.journal == nil || w.complete() {
		return
	}
	fmt.Fprintf(w.spec.IO.Progress(), "keepnet-flow: rerun with --resume to fetch only what is missing; %s keeps the rest\n", w.journal.Path())
}

// shortfall says, in a reader's words, what a company's listing of users
// came up short by: how many users the service reported, how many its
// pages gave, and that those were written.
func (w *writing[R]) shortfall(ce *workflows.CompanyError) string {
	var le *workflows.ListingError
	if !errors.As(ce, &le) {
		return cmdutil.OneLine(ce.Err.Error())
	}
	in := le.Listing
	if w.spec.In != nil {
		in = w.spec.In(w.pull, ce.Company, le)
	}
	return fmt.Sprintf("the service reported %s in %s but its listing gave only %d of them, however often it was read (%s); those %d are written",
		cmdutil.Count(int(le.Reported), "user", "users"), in, le.Distinct, cmdutil.Count(le.Passes, "pass", "passes"), le.Distinct)
}

// howFar says how far the pull got, for the line printed when a signal
// stops it.
func (w *writing[R]) howFar() string {
	s := "while looking up the companies and what to pull"
	if w.pull != nil {
		pr := w.pull.Progress()
		of := ""
		if w.across {
			of = " of " + cmdutil.Count(companiesOf(w.pull), "company", "companies")
		}
		if pr.Rows >= 0 {
			s = fmt.Sprintf("after writing %d of the %d users%s", w.done, pr.Rows, of)
		} else {
			s = fmt.Sprintf("after writing %d users%s", w.done, of)
		}
	}
	if w.journal != nil {
		s += fmt.Sprintf("; the complete records are kept in %s for a rerun with --resume", w.journal.Path())
	}
	return s + "; " + w.out.Unfinished()
}

// companiesOf counts the companies of the pull's sources.
func companiesOf[R any](p *workflows.Pull[R]) int {
	seen := map[string]bool{}
	for _, s := range p.Sources {
		seen[s.Company.ID] = true
	}
	return len(seen)
}
