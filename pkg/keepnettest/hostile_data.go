package keepnettest

import (
	"fmt"
	"slices"
	"time"
)

// hostileIDs are IDs no sane service issues, but nothing stops one from
// issuing: as path segments they steer a request elsewhere ("..", "a/b"),
// answer for something else (".", ""), read as a word a client keys on
// ("search"), or carry control characters into headers, logs and
// terminals.
var hostileIDs = []string{
	".", "..", "search", "", "../companies", "k3/slash", "k3?query=1", "k3#fragment",
	"k3\x00nul", "k3\x1b[2J", "k3\r\nX-Injected: 1", "k3\u009bC1",
}

// HostileIDs returns the IDs WithHostileIDs hands out, in order.
func HostileIDs() []string { return slices.Clone(hostileIDs) }

// poisonedNames are names a customer's employees (or an attacker among
// them) control: formula prefixes a spreadsheet runs, and terminal
// control sequences (clear screen, an OSC 52 clipboard write, BEL,
// backspaces, the C1 CSI U+009B, colour).
var poisonedNames = []string{
	"=cmd|' /C calc'!A0", "+SUM(1+1)*cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)",
	"\tTabbed Name", "\rCarriage Name", "Clear\x1b[2JScreen", "Clip\x1b]52;c;aGVsbG8=\x07Board",
	"Bell\x07Ring", "Back\b\b\bspace", "C1\u009b31mRed", "Red\x1b[31mText\x1b[0m",
}

// PoisonedNames returns the names WithPoisonedNames hands out, in order.
func PoisonedNames() []string { return slices.Clone(poisonedNames) }

// HostileUserFirstIndex is the index of the first user that WithHostileIDs
// and WithPoisonedNames change; the users before it keep the seeded
// special cases.
const HostileUserFirstIndex = 4

// WithHostileIDs adds rows whose server-issued IDs are HostileIDs: a
// client must refuse to use them in a request, and say which record it
// could not fetch. For the j-th hostile ID (from 0):
//   - a managed customer company with that ID, named "Hostile ID Customer
//     j+1", with no groups or enrollments;
//   - a survey enrollment of Acme Manufacturing with that ID, named
//     "Hostile ID Survey j+1", with 3 users, Finished, except the one
//     whose ID is "search", which is Scheduled so that it can be sent
//     (POST /api/enrollments/search/send reaches it);
//   - user HostileUserFirstIndex+j of Acme Manufacturing's survey carries
//     it as targetUserResourceId, when the survey has that many users.
//
// The fake answers what reaches it: "." and ".." are cleaned out of a
// path by the HTTP router (and answered with a redirect), an empty
// segment matches no route, and the others reach their record.
func WithHostileIDs() Option { return func(c *config) { c.hostile.ids = true } }

// WithPoisonedNames gives names that spreadsheets and terminals act on
// (PoisonedNames) to:
//   - one more customer per name, as WithCustomers makes them (groups and,
//     mostly, the survey, numbered after WithCustomers' own);
//   - in every enrollment, user HostileUserFirstIndex+j, whose first name
//     is name j, last name name j+1 and department name j+2 (wrapping
//     round), with a plain email address.
func WithPoisonedNames() Option { return func(c *config) { c.hostile.poisonedNames = true } }

// seedHostile adds what WithHostileIDs and WithPoisonedNames ask for.
func seedHostile(w *world, ids, names bool) {
	if ids {
		acme := w.enrollment(EnrollmentAcmeSurveyID)
		for j, id := range hostileIDs {
			w.addCompany(&Company{ID: id, Name: fmt.Sprintf("Hostile ID Customer %d", j+1)}, true)
			status := StatusFinished
			if id == "search" {
				status = StatusScheduled
			}
			start := seedTime.AddDate(0, 0, -j-1)
			w.addEnrollment(&Enrollment{
				ID: id, CompanyID: CompanyAcmeID, Name: fmt.Sprintf("Hostile ID Survey %d", j+1), Type: "Survey",
				Status: status, TrainingID: TrainingSurveyID, TrainingName: TrainingSurveyName,
				GroupIDs: []string{GroupAcmeFinanceID}, Users: 3, StartDate: start, CreateTime: start.Add(-time.Hour),
			})
			if i := HostileUserFirstIndex + j; acme != nil && i < acme.Users {
				w.setUserID(acme.ID, i, id)
			}
		}
	}
	if names {
		w.poisoned = true
		for _, name := range poisonedNames {
			w.addCustomer(w.customers+1, name)
		}
	}
}

func (w *world) setUserID(enrollmentID string, index int, id string) {
	if w.userIDs == nil {
		w.userIDs, w.userByID = map[string]map[int]string{}, map[string]map[string]int{}
	}
	if w.userIDs[enrollmentID] == nil {
		w.userIDs[enrollmentID], w.userByID[enrollmentID] = map[int]string{}, map[string]int{}
	}
	w.userIDs[enrollmentID][index] = id
	w.userByID[enrollmentID][id] = index
}

// userIDOf is the ID of user i of e.
func (w *world) userIDOf(e *Enrollment, i int) string {
	if id, ok := w.userIDs[e.ID][i]; ok {
		return id
	}
	return userID(w.seed, e.ID, i)
}

// userIndexOf is the inverse of userIDOf; ok is false for IDs of other
// enrollments or beyond the user count.
func (w *world) userIndexOf(e *Enrollment, id string) (int, bool) {
	if i, ok := w.userByID[e.ID][id]; ok {
		return i, i < e.Users
	}
	i, ok := userIndex(w.seed, e, id)
	if _, replaced := w.userIDs[e.ID][i]; ok && replaced {
		return 0, false
	}
	return i, ok
}

// poison gives user u of e its poisoned names, if it is one of the users
// WithPoisonedNames changes.
func poison(u *User, e *Enrollment) {
	j := u.Index - HostileUserFirstIndex
	if j < 0 || j >= len(poisonedNames) {
		return
	}
	n := len(poisonedNames)
	u.FirstName, u.LastName, u.Department = poisonedNames[j], poisonedNames[(j+1)%n], poisonedNames[(j+2)%n]
	u.Email = fmt.Sprintf("poisoned.%d@%s.example", u.Index, emailDomain(e.CompanyID))
}
