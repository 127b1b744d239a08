package workflows

import (
	"errors"
	"fmt"
	"strings"
	"sync"
)

// matches records which of a request's names (enrollments, campaigns) some
// company had, as the companies are looked up side by side.
type matches struct {
	mu   sync.Mutex
	seen map[string]bool
}

func (m *matches) add(name string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.seen == nil {
		m.seen = map[string]bool{}
	}
	m.seen[name] = true
}

func (m *matches) has(name string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.seen[name]
}

// unmatched is the *InputError of a pull from all companies for the first
// name no company had (field names it, kind says what was looked for): a
// name that is nowhere is a typo, not a company to skip. When a company
// could not be looked up, the name may be there, so nothing is said.
func unmatched[R any](m *matches, field, kind string, names []string, sel CompanySelection, p *Pull[R]) error {
	if !sel.All || len(p.Failed) > 0 {
		return nil
	}
	for _, q := range names {
		if !m.has(q) {
			return &InputError{Field: field, Value: q, Reason: fmt.Sprintf("matches no %s in any of the %d companies these credentials manage", kind, companiesOf(p))}
		}
	}
	return nil
}

// companiesOf counts the companies a pull looked in: those with sources
// and those skipped.
func companiesOf[R any](p *Pull[R]) int {
	seen := map[string]bool{}
	for _, s := range p.Sources {
		seen[s.Company.ID] = true
	}
	return len(seen) + len(p.Skipped)
}

// resolveNames resolves each of a request's names in one company. In a pull
// from all companies, a name the company lacks is left out, and what the
// misses say is the company's reason to be skipped should nothing else
// resolve; anywhere else it is bad input, as is any other failure to
// resolve.
func resolveNames[T any](names []string, all bool, seen *matches, resolve func(string) (T, error)) ([]T, string, error) {
	var found []T
	var misses []string
	for _, q := range names {
		v, err := resolve(q)
		var ie *InputError
		switch {
		case err != nil && all && noSuch(err) && errors.As(err, &ie):
			misses = append(misses, ie.Error())
			continue
		case err != nil:
			return nil, "", err
		}
		seen.add(q)
		found = append(found, v)
	}
	return found, strings.Join(misses, "; "), nil
}
