package surveyreport

import (
	"cmp"
	"slices"
	"strings"

	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// Report is the aggregate of a survey across one or more companies:
// what the survey-report command renders, and what --format json prints.
// The JSON field names are that command's output contract.
type Report struct {
	Companies []CompanySurvey `json:"companies"`
	// Overall sums every company. Its questions and options are the union
	// of the companies', and every company lists all of them (a question
	// nobody in a company answered has answered 0), so companies can be
	// compared question by question.
	Overall Aggregate `json:"overall"`
}

// CompanySurvey is one company's aggregate of one survey enrollment.
type CompanySurvey struct {
	CompanyID      string `json:"companyId"`
	CompanyName    string `json:"companyName"`
	EnrollmentID   string `json:"enrollmentId"`
	EnrollmentName string `json:"enrollmentName"`
	Aggregate
}

// Aggregate counts a survey's users, their statuses and, from each
// user's latest session, the answers to every question.
type Aggregate struct {
	Users int `json:"users"`
	// Statuses counts users by status as users/search reports it
	// ("Completed", "In Progress", "Opened Email", "Not Responded", ...).
	Statuses  map[string]int `json:"statuses"`
	Questions []Question     `json:"questions"`
}

// Question counts one question's answers.
type Question struct {
	QuestionID string `json:"questionId"`
	Question   string `json:"question"`
	// Answered is the number of users who chose at least one option (or
	// gave a free-text answer).
	Answered int `json:"answered"`
	// Options are in the order the survey's sessions list them, including
	// options nobody chose. A user who chose several options counts once in
	// each. Free-text questions have none: those whose answers are their
	// own response codes, those without an option list in records that
	// list options elsewhere, and those whose distinct unlisted answers
	// exceed MaxUnlistedOptions.
	Options []OptionCount `json:"options"`

	// codes holds the SCORM response code seen for each option, where a
	// single-choice answer showed it; it helps to recognise rating scales
	// whose option texts are not known anchors.
	codes map[string]string
	// listed is set once a session listed the question's options, so the
	// order is the survey's rather than the order answers were seen in.
	listed bool
}

// OptionCount is how many users chose an option.
type OptionCount struct {
	Option string `json:"option"`
	Count  int    `json:"count"`
}

// MaxUnlistedOptions bounds the distinct answers a question whose sessions
// list no options may have and still be counted as a choice question.
// Beyond it the question is taken as free text: its answers are counted in
// Answered but not listed, so one free-text question cannot make a report
// of 20,000 users list 20,000 "options".
const MaxUnlistedOptions = 40

// ResponseRate is the share of users who completed the survey (status
// "Completed"), or 0 for a survey without users.
func (a Aggregate) ResponseRate() float64 {
	if a.Users == 0 {
		return 0
	}
	return float64(a.Statuses[statusCompleted]) / float64(a.Users)
}

const statusCompleted = "Completed"

// Key says which company and enrollment a record belongs to.
// Records with the same key are aggregated together: by company ID when
// there is one, else by company name.
type Key struct {
	CompanyID      string
	CompanyName    string
	EnrollmentID   string
	EnrollmentName string
}

func (k Key) group() string {
	if k.CompanyID != "" {
		return "id\x00" + k.CompanyID + "\x00" + k.EnrollmentID
	}
	return "name\x00" + k.CompanyName + "\x00" + k.EnrollmentID
}

// Builder aggregates user records as they stream by: its
// memory grows with companies × questions × options, not with users. It is
// not safe for concurrent use.
type Builder struct {
	companies []*companyBuilder
	byKey     map[string]*companyBuilder
}

type companyBuilder struct {
	key       Key
	users     int
	statuses  map[string]int
	questions []*Question
	byID      map[string]*Question
}

// NewBuilder returns an empty builder.
func NewBuilder() *Builder {
	return &Builder{byKey: map[string]*companyBuilder{}}
}

// Start registers a company's survey before its first user, so that a
// survey without users still appears in the report, in the order started.
func (b *Builder) Start(key Key) {
	b.company(key)
}

// Add counts one user's record under key.
func (b *Builder) Add(key Key, u workflows.UserResult) {
	c := b.company(key)
	c.users++
	c.statuses[u.Status]++
	for _, a := range u.Answers {
		c.question(a.QuestionID, a.Question).add(a)
	}
}

func (b *Builder) company(key Key) *companyBuilder {
	g := key.group()
	c, ok := b.byKey[g]
	if !ok {
		c = &companyBuilder{key: key, statuses: map[string]int{}, byID: map[string]*Question{}}
		b.byKey[g] = c
		b.companies = append(b.companies, c)
		return c
	}
	// A later record may know a name or enrollment an earlier one lacked.
	c.key.CompanyName = cmp.Or(c.key.CompanyName, key.CompanyName)
	c.key.EnrollmentName = cmp.Or(c.key.EnrollmentName, key.EnrollmentName)
	return c
}

func (c *companyBuilder) question(id, text string) *Question {
	q, ok := c.byID[id]
	if !ok {
		q = &Question{QuestionID: id, Question: text, Options: []OptionCount{}, codes: map[string]string{}}
		c.byID[id] = q
		c.questions = append(c.questions, q)
	}
	if q.Question == "" {
		q.Question = text
	}
	return q
}

// add counts one user's answer. A question the session showed without an
// option chosen and without a response counts as seen, not answered.
func (q *Question) add(a workflows.Answer) {
	if len(a.Options) > 0 && !q.listed {
		q.listOptions(a.Options)
	}
	if len(a.Options) == 0 && !q.listed && a.Answer != "" && a.Answer == a.AnswerCode {
		// The pull gives a free-text answer as its response code; a chosen
		// option has a code of its own ("4_Strongly_Agree").
		q.becomeFreeText()
	}
	chosen := q.chosen(a)
	if len(chosen) == 0 && a.Answer == "" {
		return
	}
	q.Answered++
	if q.codes == nil { // a free-text question: counted, not listed
		return
	}
	for _, opt := range chosen {
		i := q.optionIndex(opt)
		if i < 0 {
			if len(q.Options) >= MaxUnlistedOptions {
				if !q.listed {
					q.becomeFreeText()
					return
				}
				continue // an answer outside a long list: counted in Answered only
			}
			q.Options = append(q.Options, OptionCount{Option: opt})
			i = len(q.Options) - 1
		}
		q.Options[i].Count++
	}
	if len(chosen) == 1 && a.AnswerCode != "" && a.AnswerCode != chosen[0] {
		if _, seen := q.codes[chosen[0]]; !seen {
			q.codes[chosen[0]] = a.AnswerCode
		}
	}
}

// listOptions puts the listed options first, in the listed order, keeping
// the counts of any seen before a session listed them.
func (q *Question) listOptions(listed []string) {
	if q.codes == nil {
		return // already taken as free text from unlisted answers
	}
	out := make([]OptionCount, 0, len(listed)+len(q.Options))
	for _, opt := range listed {
		if slices.ContainsFunc(out, func(o OptionCount) bool { return o.Option == opt }) {
			continue
		}
		n := 0
		if i := q.optionIndex(opt); i >= 0 {
			n = q.Options[i].Count
		}
		out = append(out, OptionCount{Option: opt, Count: n})
	}
	for _, o := range q.Options {
		if !slices.ContainsFunc(out, func(x OptionCount) bool { return x.Option == o.Option }) {
			out = append(out, o)
		}
	}
	q.Options = out
	q.listed = true
}

func (q *Question) becomeFreeText() {
	q.Options = []OptionCount{}
	q.codes = nil
}

func (q *Question) optionIndex(opt string) int {
	return slices.IndexFunc(q.Options, func(o OptionCount) bool { return o.Option == opt })
}

// chosen splits an answer into the options chosen. Several chosen options
// come joined with "; ", but an option's own text may contain "; ": the
// whole answer is tried as one option first.
func (q *Question) chosen(a workflows.Answer) []string {
	if a.Answer == "" {
		return nil
	}
	if len(a.Options) == 0 && q.codes == nil {
		return nil
	}
	if slices.Contains(a.Options, a.Answer) || q.optionIndex(a.Answer) >= 0 {
		return []string{a.Answer}
	}
	if len(a.Options) == 0 && !q.listed {
		// No option list: a free-text answer and one unlisted option look
		// the same, so the answer is one option.
		return []string{a.Answer}
	}
	return strings.Split(a.Answer, "; ")
}
