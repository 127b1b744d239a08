package surveyresults

import (
	"errors"
	"fmt"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/cmdutil"
	"github.com/keepnet-flow/keepnet-flow/internal/table"
	"github.com/keepnet-flow/keepnet-flow/internal/termsafe"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// closeOneCompany prints the closing line of a one-company pull and
// returns the run's outcome.
func (w *writing) closeOneCompany() error {
	progress := w.opts.IO.Progress()
	s := w.pull.Sources[0]
	fmt.Fprintf(progress, "keepnet-flow: %s of %q (%s) written to %s", cmdutil.Count(w.done, "user", "users"), s.Name, termsafe.String(s.Company.Name), w.out.Name())
	if w.failed > 0 {
		fmt.Fprintf(progress, "; %d incomplete", w.failed)
	}
	fmt.Fprintln(progress, paceSummary(w.client.Pace()))
	w.rerunHint()
	if len(w.shortfalls) > 0 {
		return cmdutil.Incompletef("the output is incomplete: %s", shortfall(w.shortfalls[0], s.Name))
	}
	if w.failed > 0 {
		return fmt.Errorf("%d of %s could not be fetched completely (their records carry the error): %w", w.failed, cmdutil.Count(w.done, "user", "users"), workflows.ErrIncomplete)
	}
	return nil
}

// closeAcrossCompanies prints the closing summary of a pull across
// companies, one row per company, and returns the run's outcome.
func (w *writing) closeAcrossCompanies() error {
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
	progress := w.opts.IO.Progress()
	fmt.Fprintf(progress, "keepnet-flow: %s of %s written to %s", cmdutil.Count(w.done, "user", "users"), cmdutil.Count(len(sum), "company", "companies"), w.out.Name())
	if w.failed > 0 {
		fmt.Fprintf(progress, "; %d incomplete", w.failed)
	}
	if failures {
		fmt.Fprintf(progress, "; %s failed", cmdutil.Count(len(w.companyFails), "company", "companies"))
	}
	fmt.Fprintln(progress, paceSummary(w.client.Pace()))
	if err := table.Write(progress, table.Text, t, nil); err != nil {
		return err
	}
	for _, ce := range w.shortfalls {
		fmt.Fprintf(progress, "keepnet-flow: company %q (%s): %s\n", ce.Company.Name, ce.Company.ID, shortfall(ce, w.opts.Enrollment))
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

// rerunHint says how to finish an incomplete run that kept a journal.
func (w *writing) rerunHint() {
	if w.journal == nil || (w.failed == 0 && len(w.shortfalls) == 0 && len(w.companyFails) == 0) {
		return
	}
	fmt.Fprintf(w.opts.IO.Progress(), "keepnet-flow: rerun with --resume to fetch only what is missing; %s keeps the rest\n", w.journal.path)
}

// shortfall says, in a reader's words, what a company's listing of the
// survey's users came up short by: how many users the service reported,
// how many its pages gave, and that those were written.
func shortfall(ce *workflows.CompanyError, survey string) string {
	var le *workflows.ListingError
	if !errors.As(ce, &le) {
		return cmdutil.OneLine(ce.Err.Error())
	}
	return fmt.Sprintf("the service reported %s in survey %q but its listing gave only %d of them, however often it was read (%s); those %d are written",
		cmdutil.Count(int(le.Reported), "user", "users"), survey, le.Distinct, cmdutil.Count(le.Passes, "pass", "passes"), le.Distinct)
}

// howFar says how far the pull got, for the line printed when a signal
// stops it.
func (w *writing) howFar() string {
	s := "while looking up the companies and the enrollment"
	if w.pull != nil {
		pr := w.pull.Progress()
		of := ""
		if w.grouped {
			of = " of " + cmdutil.Count(pr.Sources, "company", "companies")
		}
		if pr.Rows >= 0 {
			s = fmt.Sprintf("after writing %d of the %d users%s", w.done, pr.Rows, of)
		} else {
			s = fmt.Sprintf("after writing %d users%s", w.done, of)
		}
	}
	if w.journal != nil {
		s += fmt.Sprintf("; the complete records are kept in %s for a rerun with --resume", w.journal.path)
	}
	return s + "; " + w.out.Unfinished()
}
