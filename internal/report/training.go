package report

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// Training is a customer's training in the period: completion per
// enrollment, and the users past an enrollment's due date who have not
// completed it.
type Training struct {
	Enrollments []TrainingEnrollment
	// Users and Completed sum the enrollments': a user in two enrollments
	// counts in each.
	Users, Completed int
	Overdue          []OverdueUser
}

// TrainingEnrollment is one training enrollment's completion.
type TrainingEnrollment struct {
	ID, Name, Type string
	// Start and Due are the enrollment's dates as a reader reads them
	// (2026-11-03), or as the service wrote them when they cannot be read;
	// Due is empty when the enrollment has no due date.
	Start, Due string
	Users      int
	// Statuses counts users by the service's status ("Completed", "In
	// Progress", "Opened Email", "Not Responded").
	Statuses  map[string]int
	Completed int
	Overdue   int
	// Incomplete counts records that carry an error: some of the user's
	// row could not be read.
	Incomplete int

	start time.Time
}

// OverdueUser is a user past an enrollment's due date who has not
// completed it.
type OverdueUser struct {
	Name, Email, Department string
	Enrollment, Status      string
	Due                     string
	// Days is how many whole days past the due date the user is, on the
	// day the pack was made.
	Days int

	enrollmentID string
}

const statusCompleted = "Completed"

// trainingOf aggregates a company's training records, all of one period.
func trainingOf(records []workflows.TrainingRecord, order keepnetdate.Order, loc *time.Location, asOf time.Time) *Training {
	if len(records) == 0 {
		return nil
	}
	t := &Training{}
	byID := map[string]int{}
	for _, r := range records {
		i, ok := byID[r.EnrollmentID]
		if !ok {
			i = len(t.Enrollments)
			byID[r.EnrollmentID] = i
			e := TrainingEnrollment{ID: r.EnrollmentID, Name: r.EnrollmentName, Type: r.EnrollmentType, Statuses: map[string]int{}}
			e.start, _ = readDate(r.StartDate, order, loc)
			e.Start = shown(r.StartDate, e.start)
			if due, ok := readDate(r.DueDate, order, loc); ok {
				e.Due = shown(r.DueDate, due)
			} else {
				e.Due = r.DueDate.String()
			}
			t.Enrollments = append(t.Enrollments, e)
		}
		e := &t.Enrollments[i]
		e.Users++
		e.Statuses[r.Status]++
		if r.Error != "" {
			e.Incomplete++
		}
		if r.Status == statusCompleted {
			e.Completed++
			continue
		}
		due, ok := readDate(r.DueDate, order, loc)
		if !ok || !due.Before(asOf) {
			continue
		}
		e.Overdue++
		t.Overdue = append(t.Overdue, OverdueUser{
			Name: personName(r.FirstName, r.LastName, r.Email), Email: r.Email, Department: r.Department,
			Enrollment: cmp.Or(r.EnrollmentName, r.EnrollmentID), Status: r.Status,
			Due: e.Due, Days: int(asOf.Sub(due) / (24 * time.Hour)), enrollmentID: r.EnrollmentID,
		})
	}
	for _, e := range t.Enrollments {
		t.Users += e.Users
		t.Completed += e.Completed
	}
	// Whatever order the input gave, the page is the same: enrollments by
	// start, users by how late, then by name.
	slices.SortStableFunc(t.Enrollments, func(a, b TrainingEnrollment) int {
		return cmp.Or(a.start.Compare(b.start), cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	slices.SortStableFunc(t.Overdue, func(a, b OverdueUser) int {
		return cmp.Or(cmp.Compare(b.Days, a.Days), cmp.Compare(fold(a.Name), fold(b.Name)),
			cmp.Compare(a.Email, b.Email), cmp.Compare(a.Enrollment, b.Enrollment))
	})
	return t
}

// shown is a date as the page shows it: its day when it could be read,
// else the service's text.
func shown(raw keepnetdate.Time, t time.Time) string {
	if t.IsZero() {
		return raw.String()
	}
	return t.Format(time.DateOnly)
}

// personName is how a user is named on a page: first and last name, else
// the email.
func personName(first, last, email string) string {
	if n := strings.TrimSpace(first + " " + last); n != "" {
		return n
	}
	return email
}
