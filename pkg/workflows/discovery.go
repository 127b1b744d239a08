package workflows

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/keepnet-flow/keepnet-flow/gen"
	"github.com/keepnet-flow/keepnet-flow/internal/paging"
	"github.com/keepnet-flow/keepnet-flow/internal/wire"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
)

// searchPageSize is what the listings ask for; the service caps pages at 100
// rows and may return fewer, which paging copes with.
const searchPageSize = 100

// Training is one training a company can enroll its users in.
type Training struct {
	// ID is the training's trainingId, the value an enrollment's create
	// body takes (the how-to page calls it resourceId; the service does not).
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Type       string   `json:"type,omitempty"`
	Category   string   `json:"category,omitempty"`
	Level      string   `json:"level,omitempty"`
	Duration   string   `json:"duration,omitempty"`
	Languages  []string `json:"languages,omitempty"`
	VendorName string   `json:"vendorName,omitempty"`
	// Error says what of the listing row could not be read; empty when
	// all of it could.
	Error string `json:"error,omitempty"`
}

// trainingRow is a trainings/search result as the listings read it.
type trainingRow struct {
	TrainingID   string   `json:"trainingId"`
	TrainingName string   `json:"trainingName"`
	Type         string   `json:"type"`
	Category     string   `json:"category"`
	Level        string   `json:"level"`
	Duration     string   `json:"duration"`
	Languages    []string `json:"languages"`
	VendorName   string   `json:"vendorName"`
}

// TargetGroup is one group of a company's target users.
type TargetGroup struct {
	// ID is the group's resourceId.
	ID        string `json:"id"`
	Name      string `json:"name"`
	UserCount int    `json:"userCount"`
	Priority  string `json:"priority,omitempty"`
	// Error says what of the listing row could not be read.
	Error string `json:"error,omitempty"`
}

// targetGroupRow is a target-groups/search result as the listings read it.
type targetGroupRow struct {
	ResourceID string `json:"resourceId"`
	Name       string `json:"name"`
	UserCount  int    `json:"userCount"`
	Priority   string `json:"priority"`
}

// Enrollment is one enrollment as enrollments/search lists it.
type Enrollment struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Type is the enrollment type: "Survey", "SCORM", "Poster", ...
	Type string `json:"type,omitempty"`
	// Status is "Scheduled" until the enrollment is sent, then "Sending",
	// "Finished", "Error", "Stopped", ...
	Status       string `json:"status,omitempty"`
	TrainingName string `json:"trainingName,omitempty"`
	// StartDate and CreateTime are the server's text, in whatever format
	// the company displays dates.
	StartDate  string `json:"startDate,omitempty"`
	CreateTime string `json:"createTime,omitempty"`
	// Error says what of the listing row could not be read.
	Error string `json:"error,omitempty"`

	// created is CreateTime parsed, zero when it cannot be: the order in
	// which runs that raced settle on one enrollment (see pickWinner).
	created time.Time
}

// enrollmentRow is an enrollments/search result as the flows read it.
type enrollmentRow struct {
	EnrollmentID string           `json:"enrollmentId"`
	Name         string           `json:"name"`
	Type         string           `json:"type"`
	Status       string           `json:"status"`
	TrainingName string           `json:"trainingName"`
	StartDate    keepnetdate.Time `json:"startDate"`
	CreateTime   keepnetdate.Time `json:"createTime"`
}

// EnrollmentQuery narrows ListEnrollments.
type EnrollmentQuery struct {
	// Type is an enrollment type the service filters by ("Survey",
	// "SCORM", "Poster", "Infographic", "Screensaver", "LearningPath");
	// empty lists all types.
	Type string
	// Search keeps enrollments whose name contains it, case-insensitively.
	Search string
}

// catalogSearchFilter is the filter object of trainings/search and
// target-groups/search/current-company: the spec declares it inline in both
// operations (lower-case keys, unlike the other searches), so the generated
// bodies share this literal type.
type catalogSearchFilter = struct {
	Condition            *string                   `json:"condition,omitempty"`
	FilterGroups         *[]map[string]interface{} `json:"filterGroups,omitempty"`
	SearchInputTextValue *string                   `json:"searchInputTextValue,omitempty"`
}

func catalogFilter(search string) *catalogSearchFilter {
	return &catalogSearchFilter{Condition: new("AND"), SearchInputTextValue: new(strings.TrimSpace(search))}
}

// ListTrainings returns every training the company can enroll users in
// (POST /api/trainings/search, all pages) whose name contains search,
// case-insensitively; an empty search lists them all.
func ListTrainings(ctx context.Context, scope *keepnet.ScopedClient, search string) ([]Training, error) {
	fetch := func(ctx context.Context, page, size int) (paging.Page[Training], error) {
		body := gen.PostTrainingsSearchJSONRequestBody{
			PageNumber: page,
			PageSize:   size,
			OrderBy:    new("Name"),
			Ascending:  new(true),
		}
		body.Filter = catalogFilter(search)
		return wire.FetchPage(ctx, func(ctx context.Context) (*http.Response, error) {
			return scope.API().PostTrainingsSearch(ctx, body)
		}, func(t trainingRow, problem string) Training {
			return Training{
				ID:         t.TrainingID,
				Name:       t.TrainingName,
				Type:       t.Type,
				Category:   t.Category,
				Level:      t.Level,
				Duration:   t.Duration,
				Languages:  t.Languages,
				VendorName: t.VendorName,
				Error:      problem,
			}
		})
	}
	all, err := listAll(ctx, paging.Listing[Training]{Name: "trainings/search", PageSize: searchPageSize, Fetch: fetch,
		ID: func(t Training) string { return t.ID }})
	if err != nil {
		return nil, fmt.Errorf("list trainings of company %s: %w", scope.ID(), err)
	}
	return filterByName(all, search, func(t Training) string { return t.Name }), nil
}

// ListTargetGroups returns every target group of the company
// (POST /api/target-groups/search/current-company, all pages) whose name
// contains search, case-insensitively.
func ListTargetGroups(ctx context.Context, scope *keepnet.ScopedClient, search string) ([]TargetGroup, error) {
	fetch := func(ctx context.Context, page, size int) (paging.Page[TargetGroup], error) {
		body := gen.PostTargetGroupsSearchCurrentCompanyJSONRequestBody{
			PageNumber: page,
			PageSize:   size,
			OrderBy:    new("Name"),
			Ascending:  new(true),
		}
		body.Filter = catalogFilter(search)
		return wire.FetchPage(ctx, func(ctx context.Context) (*http.Response, error) {
			return scope.API().PostTargetGroupsSearchCurrentCompany(ctx, body)
		}, func(g targetGroupRow, problem string) TargetGroup {
			return TargetGroup{
				ID:        g.ResourceID,
				Name:      g.Name,
				UserCount: g.UserCount,
				Priority:  g.Priority,
				Error:     problem,
			}
		})
	}
	all, err := listAll(ctx, paging.Listing[TargetGroup]{Name: "target-groups/search", PageSize: searchPageSize, Fetch: fetch,
		ID: func(g TargetGroup) string { return g.ID }})
	if err != nil {
		return nil, fmt.Errorf("list target groups of company %s: %w", scope.ID(), err)
	}
	return filterByName(all, search, func(g TargetGroup) string { return g.Name }), nil
}

// ListEnrollments returns every enrollment of the company
// (POST /api/enrollments/search, all pages) that matches q.
func ListEnrollments(ctx context.Context, scope *keepnet.ScopedClient, q EnrollmentQuery) ([]Enrollment, error) {
	fetch := func(ctx context.Context, page, size int) (paging.Page[Enrollment], error) {
		body := gen.PostEnrollmentsSearchJSONRequestBody{
			PageNumber: page,
			PageSize:   size,
			OrderBy:    "CreateTime",
			Ascending:  false,
		}
		if t := strings.TrimSpace(q.Type); t != "" {
			body.EnrollmentType = &t
		}
		body.Filter.Condition = new("AND")
		body.Filter.SearchInputTextValue = new(strings.TrimSpace(q.Search))
		rows, err := wire.FetchPage(ctx, func(ctx context.Context) (*http.Response, error) {
			return scope.API().PostEnrollmentsSearch(ctx, body)
		}, func(e enrollmentRow, problem string) Enrollment {
			return Enrollment{
				ID:           e.EnrollmentID,
				Name:         e.Name,
				Type:         e.Type,
				Status:       e.Status,
				TrainingName: e.TrainingName,
				StartDate:    e.StartDate.String(),
				CreateTime:   e.CreateTime.String(),
				Error:        problem,
				created:      createdAt(e.CreateTime),
			}
		})
		if err != nil {
			return rows, fmt.Errorf("enrollments/search: %w", err)
		}
		return rows, nil
	}
	all, err := listAll(ctx, paging.Listing[Enrollment]{Name: "enrollments/search", PageSize: searchPageSize, Fetch: fetch,
		ID: func(e Enrollment) string { return e.ID }})
	if err != nil {
		return nil, fmt.Errorf("list enrollments of company %s: %w", scope.ID(), err)
	}
	return filterByName(all, q.Search, func(e Enrollment) string { return e.Name }), nil
}

// filterByName keeps the items whose name contains search,
// case-insensitively. The service is asked to filter too, but its search
// also matches other fields (a training's description, say), and the
// listings promise a name filter.
func filterByName[T any](items []T, search string, name func(T) string) []T {
	s := strings.ToLower(strings.TrimSpace(search))
	if s == "" {
		return items
	}
	var out []T
	for _, it := range items {
		if strings.Contains(strings.ToLower(name(it)), s) {
			out = append(out, it)
		}
	}
	return out
}
