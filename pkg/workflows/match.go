package workflows

import (
	"fmt"
	"slices"
	"strings"
)

// maxCandidates bounds how many candidates an ambiguity error lists, so the
// reason stays one readable line.
const maxCandidates = 8

// Named is one thing a user can refer to by name or ID.
type Named struct {
	ID   string
	Name string
}

// matchByNameOrID picks the one item the query means. The rules are the
// vendor UI's: an exact ID match, else an exact case-insensitive name, else a
// single case-insensitive partial match. Anything else is an *InputError that
// lists the candidates with their IDs.
func matchByNameOrID[T any](field, query string, items []T, named func(T) Named) (T, error) {
	var zero T
	q := strings.TrimSpace(query)
	if q == "" {
		return zero, &InputError{Field: field, Reason: "is empty"}
	}
	for _, it := range items {
		if named(it).ID == q {
			return it, nil
		}
	}
	var exact, partial []T
	lq := strings.ToLower(q)
	for _, it := range items {
		name := strings.ToLower(strings.TrimSpace(named(it).Name))
		switch {
		case name == lq:
			exact = append(exact, it)
		case strings.Contains(name, lq):
			partial = append(partial, it)
		}
	}
	switch {
	case len(exact) == 1:
		return exact[0], nil
	case len(exact) > 1:
		return zero, ambiguous(field, q, exact, named)
	case len(partial) == 1:
		return partial[0], nil
	case len(partial) > 1:
		return zero, ambiguous(field, q, partial, named)
	}
	return zero, &InputError{Field: field, Value: q, Reason: "matches no " + field + " by name or ID", unknown: true}
}

func ambiguous[T any](field, q string, items []T, named func(T) Named) error {
	list := make([]string, 0, len(items))
	for _, it := range items {
		n := named(it)
		list = append(list, fmt.Sprintf("%q (%s)", n.Name, n.ID))
	}
	slices.Sort(list)
	more := ""
	if len(list) > maxCandidates {
		more = fmt.Sprintf(" and %d more", len(list)-maxCandidates)
		list = list[:maxCandidates]
	}
	return &InputError{
		Field:  field,
		Value:  q,
		Reason: fmt.Sprintf("is ambiguous: %d match: %s%s; pass the ID or the exact name", len(items), strings.Join(list, ", "), more),
	}
}
