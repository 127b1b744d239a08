package specnames

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// MaxNameLength bounds every derived Go type name.
const MaxNameLength = 80

// genericSuffixes names the vendor's generic wrappers the way a person would
// read them: DataResponse<PagedResults<User>> becomes UserPageResponse.
var genericSuffixes = map[string]string{
	"DataResponse":  "Response",
	"ServiceResult": "Result",
	"PagedResults":  "Page",
	"List":          "List",
	"IEnumerable":   "List",
	"ICollection":   "List",
	"Dictionary":    "Map",
	"KeyValuePair":  "Pair",
	"Tuple":         "Tuple",
}

// namespaceNoise are namespace segments that say nothing about a type's
// domain; collisions are first resolved with the other segments.
var namespaceNoise = map[string]bool{
	"KeepnetLabs": true, "System": true, "Collections": true, "Generic": true,
	"ApplicationService": true, "DistributedService": true, "Rest": true,
	"Models": true, "Model": true, "Dto": true, "DTO": true, "Dtos": true,
	"Core": true, "Common": true, "Domain": true, "Entities": true,
	"Enums": true, "Enum": true, "JsonModels": true, "Api": true,
	"Services": true, "Service": true, "Contracts": true,
}

// GoNames derives a Go type name for every schema key of a Swashbuckle
// document. The result depends only on the version-free type names, so an
// assembly version bump leaves every name unchanged, and it is the same for
// the same set of keys whatever their order.
func GoNames(schemaKeys []string) (map[string]string, error) {
	parsed := make(map[string]*dotnetType, len(schemaKeys))
	for _, k := range schemaKeys {
		t, err := parseDotnetType(k)
		if err != nil {
			return nil, err
		}
		parsed[k] = t
	}

	leaves := map[string]*dotnetType{}
	var collect func(t *dotnetType)
	collect = func(t *dotnetType) {
		if len(t.Args) == 0 {
			leaves[t.leafKey()] = t
		}
		for _, a := range t.Args {
			collect(a)
		}
	}
	for _, t := range parsed {
		collect(t)
	}
	leafNames := resolveLeafNames(leaves)

	var compose func(t *dotnetType) string
	compose = func(t *dotnetType) string {
		if len(t.Args) == 0 {
			return leafNames[t.leafKey()]
		}
		var b strings.Builder
		for _, a := range t.Args {
			b.WriteString(compose(a))
		}
		b.WriteString(genericSuffix(t))
		return b.String()
	}

	// Composed names can still meet: the vendor has the same wrapper in two
	// namespaces (KeepnetLabs.Core.ServiceResult and
	// KeepnetLabs.Common.Core.Models.ServiceResult). Such names take the
	// wrapper's namespace before the suffix: StringCoreResult, StringModelsResult.
	groups := map[string][]string{}
	for k, t := range parsed {
		n := compose(t)
		groups[n] = append(groups[n], k)
	}
	names := make(map[string]string, len(parsed))
	for n, keys := range groups {
		if len(keys) == 1 {
			names[keys[0]] = n
			continue
		}
		for k, q := range disambiguate(keys, func(k string) []string {
			t := parsed[k]
			return qualifiers(t.Namespace, n)
		}) {
			t := parsed[k]
			if len(t.Args) == 0 {
				names[k] = q + n
				continue
			}
			prefix := strings.TrimSuffix(n, genericSuffix(t))
			names[k] = prefix + q + genericSuffix(t)
		}
	}
	seen := map[string]string{}
	for k, n := range names {
		if len(n) > MaxNameLength {
			return nil, fmt.Errorf("name %s for %s is longer than %d characters", n, parsed[k].canonical(), MaxNameLength)
		}
		if other, dup := seen[n]; dup {
			return nil, fmt.Errorf("schemas %s and %s both map to %s", parsed[other].canonical(), parsed[k].canonical(), n)
		}
		seen[n] = k
	}
	return names, nil
}

func genericSuffix(t *dotnetType) string {
	base := t.Nesting[len(t.Nesting)-1]
	if s, ok := genericSuffixes[base]; ok {
		return s
	}
	// CustomCompanyPagedResults<T> → TCustomCompanyPage.
	if strings.HasSuffix(base, "PagedResults") {
		return strings.TrimSuffix(base, "PagedResults") + "Page"
	}
	return base
}

// nestedName joins Outer+Inner. An inner name that already carries its
// outer's name (DomainRecordRequest+CreateDomainRecordRequest) stands alone;
// otherwise the outer qualifies it (AllowListEnum+Status → AllowListEnumStatus).
func nestedName(nesting []string) string {
	name := nesting[len(nesting)-1]
	for i := len(nesting) - 2; i >= 0; i-- {
		if !strings.Contains(name, nesting[i]) {
			name = nesting[i] + name
		}
	}
	return name
}

// resolveLeafNames gives each non-generic type a unique short name. Types
// whose short names collide are qualified with their nearest distinguishing
// namespace segments, e.g. DAL.Models.Filter → DALFilter.
func resolveLeafNames(leaves map[string]*dotnetType) map[string]string {
	groups := map[string][]string{}
	for key, t := range leaves {
		n := goIdent(nestedName(t.Nesting))
		groups[n] = append(groups[n], key)
	}
	out := make(map[string]string, len(leaves))
	for short, keys := range groups {
		if len(keys) == 1 {
			out[keys[0]] = short
			continue
		}
		for k, q := range disambiguate(keys, func(k string) []string {
			return qualifiers(leaves[k].Namespace, short)
		}) {
			out[k] = q + short
		}
	}
	return out
}

// disambiguate picks, for keys that share a name, the least specific level of
// qualifiers at which all of them differ. Should none exist, the keys are
// numbered in sorted order, which is still deterministic.
func disambiguate(keys []string, qualifiersOf func(string) []string) map[string]string {
	slices.Sort(keys)
	candidates := make([][]string, len(keys))
	levels := 0
	for i, k := range keys {
		candidates[i] = qualifiersOf(k)
		levels = max(levels, len(candidates[i]))
	}
	for level := range levels {
		picked := make(map[string]string, len(keys))
		distinct := map[string]bool{}
		for i, c := range candidates {
			q := goIdent(c[min(level, len(c)-1)])
			picked[keys[i]] = q
			distinct[q] = true
		}
		if len(distinct) == len(keys) {
			return picked
		}
	}
	numbered := make(map[string]string, len(keys))
	for i, k := range keys {
		numbered[k] = "N" + strconv.Itoa(i+1)
	}
	return numbered
}

// qualifiers lists prefixes of increasing specificity for a namespace, built
// from the segments nearest the type. Segments that say nothing about the
// domain (Dto, Models, …) are used only when nothing else tells the types
// apart, and segments the name already contains are skipped, so that
// Playbook.PlaybookAction is qualified as IncidentResponderPlaybookAction,
// not PlaybookPlaybookAction.
func qualifiers(namespace []string, name string) []string {
	var all, meaningful []string
	for _, s := range namespace {
		if s == "KeepnetLabs" || strings.Contains(name, s) {
			continue
		}
		all = append(all, s)
		if !namespaceNoise[s] {
			meaningful = append(meaningful, s)
		}
	}
	if len(meaningful) == 0 {
		meaningful = all
	}
	var out []string
	for k := 1; k <= len(meaningful); k++ {
		out = append(out, strings.Join(meaningful[len(meaningful)-k:], ""))
	}
	if len(out) == 0 {
		out = append(out, "")
	}
	return out
}

// goIdent makes a segment an exported Go identifier.
func goIdent(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' {
			b.WriteRune(r)
		}
	}
	out := b.String()
	if out == "" {
		return out
	}
	if unicode.IsDigit(rune(out[0])) {
		out = "T" + out
	}
	return strings.ToUpper(out[:1]) + out[1:]
}
