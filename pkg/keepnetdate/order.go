package keepnetdate

import (
	"errors"
	"strings"
	"time"
)

// OrderEvidence gathers what a company's dates say about their day/month
// order. The service writes every date of a company in that company's one
// display format, so a single date whose first number is above 12
// ("22/01/2026") shows the company writes the day first, and one whose
// second number is ("01/22/2026") that it writes the month first. Dates that
// start with the year, or carry no slashes, say nothing. The zero value has
// seen nothing.
type OrderEvidence struct {
	dayFirst, monthFirst int
}

// Observe records what t says about the order, if anything.
func (e *OrderEvidence) Observe(t Time) {
	datePart, _, _ := strings.Cut(strings.TrimSpace(t.raw), " ")
	parts := strings.Split(datePart, "/")
	if len(parts) != 3 || len(parts[2]) != 4 {
		return
	}
	a, b := number(parts[0]), number(parts[1])
	if a < 1 || b < 1 || a > 31 || b > 31 {
		return // not a day and a month
	}
	switch {
	case a > 12 && b <= 12:
		e.dayFirst++
	case b > 12 && a <= 12:
		e.monthFirst++
	}
}

// number is s as a number, or -1 when s is not all digits.
func number(s string) int {
	if s == "" || len(s) > 2 {
		return -1
	}
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			return -1
		}
		n = n*10 + int(r-'0')
	}
	return n
}

// Order is the order the observed dates show: DayFirst or MonthFirst, or
// Unknown when none decided it or when they disagree (see Conflicting).
func (e *OrderEvidence) Order() Order {
	switch {
	case e.dayFirst > 0 && e.monthFirst == 0:
		return DayFirst
	case e.monthFirst > 0 && e.dayFirst == 0:
		return MonthFirst
	}
	return Unknown
}

// Conflicting reports dates that showed both orders, which one display
// format cannot produce; then no ambiguous date is read either way.
func (e *OrderEvidence) Conflicting() bool { return e.dayFirst > 0 && e.monthFirst > 0 }

// ISO returns t in ISO 8601, resolving DD/MM versus MM/DD by order: with its
// offset when the server sent one ("2026-01-22T13:30:09+03:00"), else as
// the local time it is, without a zone ("2026-01-22T13:30:09"), since the
// service's display dates carry none and inventing one would misplace them.
// An ambiguous date under Unknown is ErrAmbiguous: never guessed.
func (t Time) ISO(order Order) (string, error) {
	v, err := t.ParseAs(order, time.UTC)
	if err != nil {
		return "", err
	}
	if _, zoned := time.Parse(time.RFC3339Nano, strings.TrimSpace(t.raw)); zoned == nil {
		return v.Format(time.RFC3339Nano), nil
	}
	return v.Format("2006-01-02T15:04:05.999999999"), nil
}

// IsAmbiguous reports whether err is ISO's or ParseAs's refusal to guess
// the day/month order.
func IsAmbiguous(err error) bool { return errors.Is(err, ErrAmbiguous) }

// OrderOfFormat reads the day/month order from a company's date-format
// setting, written in .NET's notation ("dd/MM/yyyy", "MM/dd/yyyy",
// "d.M.yyyy"): DayFirst when the day comes before the month, MonthFirst
// when the month does. A format that starts with the year, or that names
// no day or no month, gives Unknown: its dates need no order, or it cannot
// be read.
func OrderOfFormat(format string) Order {
	// In .NET's notation "M" is the month and "m" the minute, "d" the day
	// (and "ddd" a weekday name, which still comes where the day does).
	day, month, year := strings.IndexByte(format, 'd'), strings.IndexByte(format, 'M'), strings.IndexByte(format, 'y')
	switch {
	case day < 0 || month < 0:
		return Unknown
	case year >= 0 && year < day && year < month:
		return Unknown
	case day < month:
		return DayFirst
	}
	return MonthFirst
}
