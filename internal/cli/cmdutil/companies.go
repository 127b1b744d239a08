package cmdutil

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// CompanyFlags are the company selection of a command that runs in many
// companies: --company repeated, --all-companies, --companies-file.
type CompanyFlags struct {
	Companies []string
	All       bool
	File      string
}

// AddCompanyFlags registers the selection flags on cmd, with completion of
// --company from the service. Commands check the combinations themselves
// (CheckCompanyFlags) or with cobra's flag groups.
func AddCompanyFlags(f *Factory, cmd *cobra.Command, allHelp string) *CompanyFlags {
	c := &CompanyFlags{}
	flags := cmd.Flags()
	flags.StringArrayVar(&c.Companies, "company", nil, "customer company, by name or ID; repeat for several")
	flags.BoolVar(&c.All, "all-companies", false, allHelp)
	flags.StringVar(&c.File, "companies-file", "", "read companies from `FILE`: one name or ID a line; blank lines and lines starting with # are ignored")
	// The flag exists, so registering cannot fail.
	_ = cmd.RegisterFlagCompletionFunc("company", Complete(f, CompleteCompanies))
	return c
}

// Any reports whether any company was selected.
func (c *CompanyFlags) Any() bool { return len(c.Companies) > 0 || c.All || c.File != "" }

// Single returns the company when exactly one was named with --company and
// nothing else: the one-company form of a command.
func (c *CompanyFlags) Single() (string, bool) {
	if len(c.Companies) == 1 && !c.All && c.File == "" {
		return c.Companies[0], true
	}
	return "", false
}

// Across reports whether the companies are selected as a set (several
// --company, a file, all of them) rather than one named.
func (c *CompanyFlags) Across() bool { return c.All || c.File != "" || len(c.Companies) > 1 }

// Refs are the companies named by --company and --companies-file, in that
// order; it reads the file.
func (c *CompanyFlags) Refs() ([]string, error) {
	refs := slices.Clone(c.Companies)
	if c.File == "" {
		return refs, nil
	}
	names, err := ReadCompaniesFile(c.File)
	if err != nil {
		return nil, err
	}
	return append(refs, names...), nil
}

// Selection is the whole selection: --company values first, then the
// file's, in order, or all companies.
func (c *CompanyFlags) Selection() (workflows.CompanySelection, error) {
	refs, err := c.Refs()
	if err != nil {
		return workflows.CompanySelection{}, err
	}
	return workflows.CompanySelection{Companies: refs, All: c.All}, nil
}

// Check refuses a selection that is blank, missing, or both all and
// named companies.
func (c *CompanyFlags) Check() error {
	if err := c.CheckNotEmpty(); err != nil {
		return err
	}
	switch {
	case c.All && (len(c.Companies) > 0 || c.File != ""):
		return InvalidValue("all-companies", "", "cannot be combined with --company or --companies-file; choose one")
	case !c.Any():
		return InvalidValue("company", "", "is missing; pass --company (repeatable), --companies-file or --all-companies")
	}
	return nil
}

// CheckNotEmpty refuses a --company given as blank.
func (c *CompanyFlags) CheckNotEmpty() error {
	for _, co := range c.Companies {
		if strings.TrimSpace(co) == "" {
			return InvalidValue("company", "", "is empty; pass a name or ID")
		}
	}
	return nil
}

// ReadCompaniesFile reads one company name or ID a line. Only whole lines
// are comments: a # inside a line is part of the name, since company names
// may hold one ("Acme #2"), and cutting it would match another company.
func ReadCompaniesFile(path string) ([]string, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, InvalidValue("companies-file", path, "cannot be read: "+err.Error())
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
		return nil, InvalidValue("companies-file", path, fmt.Sprintf("cannot be read: %v", err))
	}
	if len(names) == 0 {
		return nil, InvalidValue("companies-file", path, "names no company: give one name or ID a line")
	}
	return names, nil
}
