package workflows

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// maxCandidates bounds how many candidates an ambiguity error lists, so the
// reason stays one readable line.
const maxCandidates = 8

// maxNameSuggestions bounds the "did you mean" list of an unknown name.
const maxNameSuggestions = 3

// named is one thing a user can refer to by name or ID.
type named struct {
	ID   string
	Name string
}

// matchByNameOrID picks the one item the query means. The rules are the
// vendor UI's: an exact ID match, else an exact case-insensitive name, else a
// single case-insensitive partial match. Names are then compared as people
// type them (see loose): exactly, else by a single partial match. Anything
// else is an *InputError that lists the candidates with their IDs, or, for
// a name that matches nothing, the closest names. The error quotes the query
// exactly as given.
func matchByNameOrID[T any](field, query string, items []T, nameOf func(T) named) (T, error) {
	var zero T
	q := strings.TrimSpace(query)
	if q == "" {
		return zero, &InputError{Field: field, Reason: "is empty"}
	}
	for _, it := range items {
		if nameOf(it).ID == q {
			return it, nil
		}
	}
	lq := strings.ToLower(q)
	found, err := pick(field, query, items, nameOf, func(name string) string { return strings.ToLower(strings.TrimSpace(name)) }, lq)
	if err != nil || found != nil {
		return deref(found), err
	}
	if fq := loose(q); fq != "" {
		found, err = pick(field, query, items, nameOf, loose, fq)
		if err != nil || found != nil {
			return deref(found), err
		}
	}
	return zero, &InputError{
		Field:       field,
		Value:       query,
		Reason:      "matches no " + field + " by name or ID",
		Suggestions: closeNames(q, items, nameOf),
		unknown:     true,
	}
}

// pick applies the exact-then-single-partial rule to names as key spells
// them: the one item, an ambiguity error, or neither (nil, nil).
func pick[T any](field, query string, items []T, nameOf func(T) named, key func(string) string, q string) (*T, error) {
	var exact, partial []T
	for _, it := range items {
		name := key(nameOf(it).Name)
		switch {
		case name == q:
			exact = append(exact, it)
		case strings.Contains(name, q):
			partial = append(partial, it)
		}
	}
	switch {
	case len(exact) == 1:
		return &exact[0], nil
	case len(exact) > 1:
		return nil, ambiguous(field, query, exact, nameOf)
	case len(partial) == 1:
		return &partial[0], nil
	case len(partial) > 1:
		return nil, ambiguous(field, query, partial, nameOf)
	}
	return nil, nil
}

func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}

// loose is a name as people type it: compatibility-decomposed (NFKD) with
// the combining marks dropped, so "Zoë" and "Zoe", "ﬁ" and "fi" are alike;
// case-folded; apostrophes of any style dropped ("O’Brien", "O'Brien",
// "OBrien"); and every run of spaces, punctuation and symbols one space, so
// "Acme  Manufacturing", "Acme-Manufacturing" and "acme_manufacturing" are
// one name.
func loose(s string) string {
	var b strings.Builder
	gap := false
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case isApostrophe(r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if gap && b.Len() > 0 {
				b.WriteByte(' ')
			}
			gap = false
			b.WriteRune(r)
		default:
			gap = true
		}
	}
	return cases.Fold().String(b.String())
}

func isApostrophe(r rune) bool {
	switch r {
	case '\'', '’', '‘', 'ʼ', 'ʻ', '`', '´', '′', '＇':
		return true
	}
	return false
}

// closeNames ranks the items' names by edit distance to q, compared as
// loose spells them, and returns the few close enough to be a typo of it.
// Ties keep the items' order.
func closeNames[T any](q string, items []T, nameOf func(T) named) []string {
	fq := loose(q)
	if fq == "" {
		return nil
	}
	limit := max(2, len([]rune(fq))/3)
	type scored struct {
		n     named
		score int
	}
	var hits []scored
	for _, it := range items {
		n := nameOf(it)
		if d := levenshtein(fq, loose(n.Name)); d <= limit {
			hits = append(hits, scored{n, d})
		}
	}
	slices.SortStableFunc(hits, func(a, b scored) int { return cmp.Compare(a.score, b.score) })
	var out []string
	for _, h := range hits[:min(len(hits), maxNameSuggestions)] {
		out = append(out, fmt.Sprintf("%q (%s)", h.n.Name, h.n.ID))
	}
	return out
}

func ambiguous[T any](field, query string, items []T, nameOf func(T) named) error {
	list := make([]string, 0, len(items))
	for _, it := range items {
		n := nameOf(it)
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
		Value:  query,
		Reason: fmt.Sprintf("is ambiguous: %d match: %s%s; pass the ID or the exact name", len(items), strings.Join(list, ", "), more),
	}
}
