package main

import (
	"fmt"
	"slices"

	"github.com/keepnet-flow/keepnet-flow/internal/output"
	"github.com/keepnet-flow/keepnet-flow/internal/table"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// companyRefs are the companies named by --company and --companies-file,
// in that order.
func (f surveyResultsFlags) companyRefs() ([]string, error) {
	refs := slices.Clone(f.companies)
	if f.companiesFile == "" {
		return refs, nil
	}
	names, err := readCompaniesFile(f.companiesFile)
	if err != nil {
		return nil, err
	}
	return append(refs, names...), nil
}

// acrossCompanies reports whether the run selects companies as a set (and
// writes the grouped json document) rather than naming one.
func (f surveyResultsFlags) acrossCompanies() bool {
	return f.allCompanies || f.companiesFile != "" || len(f.companies) > 1
}

// closeAcrossCompanies prints the closing summary of a pull across
// companies, one row per company, and returns the run's outcome.
func closeAcrossCompanies(a *app, pull *workflows.Pull[workflows.SurveyRecord], out *output.Target, done, failed int, companyFails []*workflows.CompanyError, journal *surveyJournal, pace keepnet.PaceStats) error {
	sum := pull.Outcomes()
	t := table.Table{Headers: []string{"COMPANY", "ID", "USERS", "COMPLETE", "FAILED"}}
	for _, c := range sum {
		row := []string{c.Company.Name, c.Company.ID, fmt.Sprint(c.Records), fmt.Sprint(c.Complete), fmt.Sprint(c.Failed)}
		if len(companyFails) > 0 {
			problem := ""
			if c.Err != nil {
				problem = oneLine(c.Err.Error())
			}
			row = append(row, problem)
		}
		t.Rows = append(t.Rows, row)
	}
	if len(companyFails) > 0 {
		t.Headers = append(t.Headers, "ERROR")
	}
	w := a.progress()
	fmt.Fprintf(w, "keepnet-flow: %d users of %d companies written to %s", done, len(sum), out.Name())
	if failed > 0 {
		fmt.Fprintf(w, "; %d incomplete", failed)
	}
	if len(companyFails) > 0 {
		fmt.Fprintf(w, "; %d companies failed", len(companyFails))
	}
	fmt.Fprintln(w, paceSummary(pace))
	if err := table.Write(w, table.Text, t, nil); err != nil {
		return err
	}
	if journal != nil && (failed > 0 || len(companyFails) > 0) {
		fmt.Fprintf(w, "keepnet-flow: rerun with --resume to fetch only what is missing; %s keeps the rest\n", journal.path)
	}
	switch {
	case len(companyFails) > 0:
		return fmt.Errorf("%d of %d companies could not be pulled completely, first %v: %w", len(companyFails), len(sum), companyFails[0], workflows.ErrIncomplete)
	case failed > 0:
		return fmt.Errorf("%d of %d users could not be fetched completely (their records carry the error): %w", failed, done, workflows.ErrIncomplete)
	}
	return nil
}
