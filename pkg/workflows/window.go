package workflows

import (
	"errors"
	"fmt"
	"time"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
)

// window is a results request's Since and Until: the enrollments or jobs
// that started in [since, until). A zero bound leaves that side open.
//
// Nothing in the API filters by date (docs/api-behaviour.md, "Time
// windows"), so the flows list what a company has and place each start
// date themselves. The service writes start dates in the company's display
// format, without a zone: they are read as wall-clock times in the
// window's location (Since's, else Until's), and in the company's
// day/month order.
type window struct{ since, until time.Time }

// set reports whether the request gave a window at all.
func (w window) set() bool { return !w.since.IsZero() || !w.until.IsZero() }

// check refuses a window that holds no time at all.
func (w window) check() error {
	if !w.since.IsZero() && !w.until.IsZero() && !w.since.Before(w.until) {
		return &InputError{Field: "until", Value: w.until.Format(time.RFC3339),
			Reason: fmt.Sprintf("is not after since (%s): the window holds no time", w.since.Format(time.RFC3339))}
	}
	return nil
}

func (w window) loc() *time.Location {
	if !w.since.IsZero() {
		return w.since.Location()
	}
	return w.until.Location()
}

func (w window) holds(t time.Time) bool {
	return (w.since.IsZero() || !t.Before(w.since)) && (w.until.IsZero() || t.Before(w.until))
}

// place reports whether start, a date as the service wrote it, falls in
// the window, reading it in order (the company's day/month order, or
// keepnetdate.Unknown). A date whose day and month could be either way
// round is placed when both readings fall on the same side of the
// bounds; otherwise it is an error, never a guess.
func (w window) place(start keepnetdate.Time, order keepnetdate.Order) (bool, error) {
	if start.IsZero() {
		return false, errors.New("the service gave no start date, so it cannot be placed in the window")
	}
	t, err := start.ParseAs(order, w.loc())
	if err == nil {
		return w.holds(t), nil
	}
	if !keepnetdate.IsAmbiguous(err) {
		return false, fmt.Errorf("its start date %q cannot be read, so it cannot be placed in the window: %w", start, err)
	}
	day, errDay := start.ParseAs(keepnetdate.DayFirst, w.loc())
	month, errMonth := start.ParseAs(keepnetdate.MonthFirst, w.loc())
	if errDay == nil && errMonth == nil && w.holds(day) == w.holds(month) {
		return w.holds(day), nil
	}
	return false, fmt.Errorf("its start date %q is %s or %s depending on whether the company writes the day or the month first, "+
		"which neither its settings nor its other dates show, and the window holds one and not the other",
		start, day.Format(time.DateOnly), month.Format(time.DateOnly))
}

// dateOrder is the company's day/month order: its settings', else what the
// dates it has written show (keepnetdate.Unknown when neither tells).
func dateOrder(dates CompanyDates, seen []keepnetdate.Time) keepnetdate.Order {
	if dates.Order != keepnetdate.Unknown {
		return dates.Order
	}
	var e keepnetdate.OrderEvidence
	for _, t := range seen {
		e.Observe(t)
	}
	return e.Order()
}
