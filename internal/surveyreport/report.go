package surveyreport

import (
	"cmp"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// The report a Builder's records make: each company's aggregate over the
// union of questions, and the overall one.

// Report returns the aggregate so far. Companies come in the order they
// were first seen; each lists the union of questions and options, in the
// order they were first seen across companies.
func (b *Builder) Report() Report {
	overall := b.overall()
	r := Report{Companies: make([]CompanySurvey, 0, len(b.companies)), Overall: overall}
	for _, c := range b.companies {
		r.Companies = append(r.Companies, CompanySurvey{
			CompanyID:      c.key.CompanyID,
			CompanyName:    c.key.CompanyName,
			EnrollmentID:   c.key.EnrollmentID,
			EnrollmentName: c.key.EnrollmentName,
			Aggregate:      c.aggregate(overall.Questions),
		})
	}
	return r
}

// overall merges the companies' counts. Options listed by a session come
// first, in the listed order; unlisted ones follow as first seen, except
// that unlisted options whose SCORM codes all start with a number ("1_…",
// "2_…") are put in that numeric order.
func (b *Builder) overall() Aggregate {
	all := &companyBuilder{statuses: map[string]int{}, byID: map[string]*Question{}}
	for _, c := range b.companies {
		all.users += c.users
		for s, n := range c.statuses {
			all.statuses[s] += n
		}
	}
	// Listed options first, from every company, so that one company's
	// unlisted answers do not decide the order.
	for _, c := range b.companies {
		for _, q := range c.questions {
			m := all.question(q.QuestionID, q.Question)
			if q.listed && !m.listed {
				m.listOptions(optionNames(q.Options))
			}
		}
	}
	for _, c := range b.companies {
		for _, q := range c.questions {
			m := all.byID[q.QuestionID]
			m.Answered += q.Answered
			if q.codes == nil {
				m.becomeFreeText()
			}
			if m.codes == nil {
				continue
			}
			for _, o := range q.Options {
				i := m.optionIndex(o.Option)
				if i < 0 {
					m.Options = append(m.Options, OptionCount{Option: o.Option})
					i = len(m.Options) - 1
				}
				m.Options[i].Count += o.Count
			}
			for opt, code := range q.codes {
				if _, seen := m.codes[opt]; !seen {
					m.codes[opt] = code
				}
			}
		}
	}
	// Records that list options for some questions list them for every
	// choice question: a question without a list is then free text.
	anyListed := slices.ContainsFunc(all.questions, func(q *Question) bool { return q.listed })
	out := Aggregate{Users: all.users, Statuses: all.statuses, Questions: make([]Question, 0, len(all.questions))}
	for _, q := range all.questions {
		if !q.listed && q.codes != nil {
			sortByNumberedCodes(q)
		}
		if !q.listed && (anyListed || len(q.Options) > MaxUnlistedOptions) {
			q.becomeFreeText()
		}
		out.Questions = append(out.Questions, *q)
	}
	return out
}

// aggregate is the company's counts over the report's questions and
// options (the union, in the overall order).
func (c *companyBuilder) aggregate(union []Question) Aggregate {
	out := Aggregate{Users: c.users, Statuses: maps.Clone(c.statuses), Questions: make([]Question, 0, len(union))}
	for _, u := range union {
		q := Question{QuestionID: u.QuestionID, Question: u.Question, Options: make([]OptionCount, len(u.Options)), codes: u.codes, listed: u.listed}
		for i, o := range u.Options {
			q.Options[i] = OptionCount{Option: o.Option}
		}
		if own, ok := c.byID[u.QuestionID]; ok {
			q.Answered = own.Answered
			for i, o := range q.Options {
				if j := own.optionIndex(o.Option); j >= 0 {
					q.Options[i].Count = own.Options[j].Count
				}
			}
		}
		out.Questions = append(out.Questions, q)
	}
	return out
}

func optionNames(opts []OptionCount) []string {
	names := make([]string, len(opts))
	for i, o := range opts {
		names[i] = o.Option
	}
	return names
}

// sortByNumberedCodes orders options whose codes all start with a number
// by that number: saved records from before options were recorded only
// show the options people chose, in the order they were seen.
func sortByNumberedCodes(q *Question) {
	num := make(map[string]int, len(q.Options))
	for _, o := range q.Options {
		n, ok := codeNumber(q.codes[o.Option])
		if !ok {
			return
		}
		num[o.Option] = n
	}
	slices.SortStableFunc(q.Options, func(a, b OptionCount) int { return cmp.Compare(num[a.Option], num[b.Option]) })
}

// codeNumber reads the leading number of a SCORM response code such as
// "4_Strongly_Agree".
func codeNumber(code string) (int, bool) {
	head, _, ok := strings.Cut(code, "_")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(head)
	return n, err == nil
}
