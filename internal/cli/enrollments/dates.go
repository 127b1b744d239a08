package enrollments

import (
	"slices"
	"time"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// dateOrder is the day/month order of the company's dates: its
// date-format setting's, else what the listing's own dates show. The
// service writes start dates in the company's display format and creation
// times as .NET dates.
func dateOrder(company workflows.CompanyDates, list []workflows.Enrollment) keepnetdate.Order {
	if company.Order != keepnetdate.Unknown {
		return company.Order
	}
	var ev keepnetdate.OrderEvidence
	for _, e := range list {
		ev.Observe(keepnetdate.FromString(e.StartDate))
		ev.Observe(keepnetdate.FromString(e.CreateTime))
	}
	return ev.Order()
}

// newestFirst orders the enrollments by creation, newest first, as the
// help says, whatever order the service listed them in (it does not
// always honour orderBy). Rows whose creation time cannot be read come
// last, in the order they were listed.
func newestFirst(list []workflows.Enrollment, order keepnetdate.Order) {
	created := func(e workflows.Enrollment) (time.Time, bool) {
		t, err := keepnetdate.FromString(e.CreateTime).ParseAs(order, time.UTC)
		return t, err == nil && e.CreateTime != ""
	}
	slices.SortStableFunc(list, func(a, b workflows.Enrollment) int {
		ta, okA := created(a)
		tb, okB := created(b)
		switch {
		case okA && okB:
			return tb.Compare(ta)
		case okA:
			return -1
		case okB:
			return 1
		}
		return 0
	})
}

// tableLayout is how the table shows every date: one format, ISO 8601's
// order, to the minute, in the time of day the service sent.
const tableLayout = "2006-01-02 15:04"

// tableDate is s in the table's one format. A date that cannot be read
// (an ambiguous day/month with no evidence of the order, or no date at
// all) stays as the service sent it: never guessed.
func tableDate(s string, order keepnetdate.Order) string {
	t, err := keepnetdate.FromString(s).ParseAs(order, time.UTC)
	if err != nil || s == "" {
		return s
	}
	return t.Format(tableLayout)
}
