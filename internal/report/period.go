package report

import (
	"errors"
	"fmt"
	"time"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
)

// Period is what a pack reports: the enrollments and jobs that started in
// [Since, Until). The service writes start dates without a zone: they are
// read as wall-clock times in Since's location, as the pulls read them.
type Period struct {
	Since, Until time.Time
}

// LastMonth is the calendar month before the one now falls in, in now's
// location: the default period of a monthly pack.
func LastMonth(now time.Time) Period {
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, now.Location())
	return Period{Since: first.AddDate(0, -1, 0), Until: first}
}

// Check refuses a period that holds no time.
func (p Period) Check() error {
	if p.Since.IsZero() || p.Until.IsZero() {
		return errors.New("the period needs both its start and its end")
	}
	if !p.Since.Before(p.Until) {
		return fmt.Errorf("the period's end (%s) is not after its start (%s)", p.Until.Format(time.DateOnly), p.Since.Format(time.DateOnly))
	}
	return nil
}

// holds reports whether t falls in the period.
func (p Period) holds(t time.Time) bool { return !t.Before(p.Since) && t.Before(p.Until) }

// String is the period as a reader says it: "November 2026" for a calendar
// month, else its days (Detail).
func (p Period) String() string {
	if p.month() {
		return p.Since.Format("January 2006")
	}
	return p.Detail()
}

// Detail is the period's days, the last included: "1 – 30 November 2026",
// "3 November – 17 December 2026".
func (p Period) Detail() string {
	last := p.Until.Add(-time.Nanosecond)
	switch {
	case p.Since.Year() == last.Year() && p.Since.Month() == last.Month():
		return p.Since.Format("2") + " – " + last.Format("2 January 2006")
	case p.Since.Year() == last.Year():
		return p.Since.Format("2 January") + " – " + last.Format("2 January 2006")
	}
	return p.Since.Format("2 January 2006") + " – " + last.Format("2 January 2006")
}

// month reports whether the period is one calendar month.
func (p Period) month() bool {
	s := p.Since
	return s.Day() == 1 && s.Hour() == 0 && s.Minute() == 0 && s.Second() == 0 && s.Nanosecond() == 0 && s.AddDate(0, 1, 0).Equal(p.Until)
}

// Slug is the period for a file or directory name: "2026-11" for a
// calendar month, else "2026-11-03_2026-12-17".
func (p Period) Slug() string {
	if p.month() {
		return p.Since.Format("2006-01")
	}
	return p.Since.Format(time.DateOnly) + "_" + p.Until.Add(-time.Nanosecond).Format(time.DateOnly)
}

// place reports whether start, a date as the service wrote it, falls in
// the period, read in order (the company's day/month order, or Unknown).
// A date whose day and month could be either way round is placed when
// both readings fall on the same side; otherwise it is an error, never a
// guess. This is the pulls' rule (workflows' window), so a saved pull or a
// database gives the same sources as the service.
func (p Period) place(start keepnetdate.Time, order keepnetdate.Order) (bool, error) {
	if start.IsZero() {
		return false, errors.New("it has no start date, so it cannot be placed in the period")
	}
	loc := p.Since.Location()
	t, err := start.ParseAs(order, loc)
	if err == nil {
		return p.holds(t), nil
	}
	if !keepnetdate.IsAmbiguous(err) {
		return false, fmt.Errorf("its start date %q cannot be read, so it cannot be placed in the period: %w", start, err)
	}
	day, errDay := start.ParseAs(keepnetdate.DayFirst, loc)
	month, errMonth := start.ParseAs(keepnetdate.MonthFirst, loc)
	if errDay == nil && errMonth == nil && p.holds(day) == p.holds(month) {
		return p.holds(day), nil
	}
	return false, fmt.Errorf("its start date %q is %s or %s depending on whether the company writes the day or the month first, which nothing shows, and the period holds one and not the other",
		start, day.Format(time.DateOnly), month.Format(time.DateOnly))
}

// readDate reads a service date in order, in loc; ok is false when it
// cannot be read or its day and month could be either way round.
func readDate(t keepnetdate.Time, order keepnetdate.Order, loc *time.Location) (time.Time, bool) {
	if t.IsZero() {
		return time.Time{}, false
	}
	v, err := t.ParseAs(order, loc)
	return v, err == nil
}
