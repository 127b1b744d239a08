package keepnettest

import (
	"slices"
)

// world is the fake's state. Server guards it with its mutex; world itself
// does no locking.
type world struct {
	seed        uint64
	companies   []*Company
	trainings   []*Training
	groups      []*Group
	enrollments []*Enrollment
	// nextID numbers the enrollments created through the API.
	nextID int
	// customers counts the customers made as WithCustomers makes them;
	// changeSerial numbers the rows ListingChanges add.
	customers, changeSerial int
	// userIDs are users' IDs that differ from the generated ones
	// (WithHostileIDs), enrollment ID -> index -> ID, and back; poisoned
	// gives users hostile names (WithPoisonedNames). Both are set before
	// the server starts and only read after, so reading them needs no
	// lock.
	userIDs  map[string]map[int]string
	userByID map[string]map[string]int
	poisoned bool
	// sims holds the simulation campaigns and their jobs (sims.go).
	sims simulations
}

func (w *world) addCompany(c *Company, managed bool) {
	c.Managed = managed
	w.companies = append(w.companies, c)
}

func (w *world) addTraining(t *Training) { w.trainings = append(w.trainings, t) }

func (w *world) addGroup(g *Group) { w.groups = append(w.groups, g) }

func (w *world) addEnrollment(e *Enrollment) { w.enrollments = append(w.enrollments, e) }

func (w *world) company(id string) *Company {
	for _, c := range w.companies {
		if c.ID == id {
			return c
		}
	}
	return nil
}

func (w *world) training(id string) *Training {
	for _, t := range w.trainings {
		if t.ID == id {
			return t
		}
	}
	return nil
}

func (w *world) group(id string) *Group {
	for _, g := range w.groups {
		if g.ID == id {
			return g
		}
	}
	return nil
}

func (w *world) enrollment(id string) *Enrollment {
	for _, e := range w.enrollments {
		if e.ID == id {
			return e
		}
	}
	return nil
}

// managedCompanies are the reseller's customers, in the order
// companies/search lists them.
func (w *world) managedCompanies() []*Company {
	var out []*Company
	for _, c := range w.companies {
		if c.Managed && !c.removed {
			out = append(out, c)
		}
	}
	return out
}

// inScope reports whether a record of companyID is visible under scope: a
// scoped call sees its company only; an unscoped one sees every customer
// (which is how an unscoped search mixes companies).
func (w *world) inScope(scope, companyID string) bool {
	if scope != "" {
		return companyID == scope
	}
	c := w.company(companyID)
	return c != nil && c.Managed && !c.removed
}

func cloneEnrollment(e *Enrollment) Enrollment {
	out := *e
	out.GroupIDs = slices.Clone(e.GroupIDs)
	out.listing = e.listing.clone()
	return out
}

// dateFormat is the display format of the company with this ID, the
// default for an unknown one.
func (w *world) dateFormat(companyID string) string {
	if c := w.company(companyID); c != nil && c.DateFormat != "" {
		return c.DateFormat
	}
	return DateFormatDayFirst
}
