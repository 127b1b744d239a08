package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// companyFlags are the company selection of a command that runs in many
// companies: --company repeated, --all-companies, --companies-file.
type companyFlags struct {
	companies []string
	all       bool
	file      string
}

// addCompanyFlags registers the selection flags on cmd; one of them is
// required, and --all-companies goes with neither of the others.
func addCompanyFlags(a *app, cmd *cobra.Command) *companyFlags {
	f := &companyFlags{}
	flags := cmd.Flags()
	flags.StringArrayVar(&f.companies, "company", nil, "customer company, by name or ID; repeat for several")
	flags.BoolVar(&f.all, "all-companies", false, "every company these credentials manage")
	flags.StringVar(&f.file, "companies-file", "", "read companies from `FILE`: one name or ID a line; blank lines and lines starting with # are ignored")
	cmd.MarkFlagsOneRequired("company", "all-companies", "companies-file")
	cmd.MarkFlagsMutuallyExclusive("all-companies", "company")
	cmd.MarkFlagsMutuallyExclusive("all-companies", "companies-file")
	// The flag exists, so registering cannot fail.
	_ = cmd.RegisterFlagCompletionFunc("company", a.complete(a.completeCompanies))
	return f
}

// single returns the company when exactly one was named with --company and
// nothing else: the one-company form of the command.
func (f *companyFlags) single() (string, bool) {
	if len(f.companies) == 1 && !f.all && f.file == "" {
		return f.companies[0], true
	}
	return "", false
}

// selection reads --companies-file, if given, and returns the whole
// selection: --company values first, then the file's, in order.
func (f *companyFlags) selection() (workflows.CompanySelection, error) {
	sel := workflows.CompanySelection{Companies: f.companies, All: f.all}
	if f.file == "" {
		return sel, nil
	}
	names, err := readCompaniesFile(f.file)
	if err != nil {
		return workflows.CompanySelection{}, err
	}
	sel.Companies = append(append([]string(nil), f.companies...), names...)
	return sel, nil
}

// readCompaniesFile reads one company name or ID a line. Only whole lines
// are comments: a # inside a line is part of the name, since company names
// may hold one ("Acme #2"), and cutting it would match another company.
func readCompaniesFile(path string) ([]string, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, &workflows.InputError{Field: "companies-file", Value: path, Reason: "cannot be read: " + err.Error()}
	}
	defer func() { _ = file.Close() }() // read only; closing loses nothing
	var names []string
	sc := bufio.NewScanner(file)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if n == 1 {
			line = strings.TrimSpace(strings.TrimPrefix(line, "\ufeff")) // a BOM from a Windows editor
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		names = append(names, line)
	}
	if err := sc.Err(); err != nil {
		return nil, &workflows.InputError{Field: "companies-file", Value: path, Reason: fmt.Sprintf("cannot be read: %v", err)}
	}
	if len(names) == 0 {
		return nil, &workflows.InputError{Field: "companies-file", Value: path, Reason: "names no company: give one name or ID a line"}
	}
	return names, nil
}
