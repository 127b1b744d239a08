package keepnettest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
)

// ListingChange is a change to a listing while a client pages through it,
// as the live service's listings change: users complete a survey and sort
// elsewhere, a customer is added or leaves. Offset paging over a listing
// that changes skips rows (a row removed from a page already read shifts
// the next page's first row onto it) and repeats rows (a row moved to a
// later page is read twice).
//
// The change happens once, when the page AfterPage of the listing has been
// answered: the next request sees the changed world. Positions are
// counted in the listing's order without a search text or type filter, in
// pages of the size that answer used, and chosen from the server's seed,
// so a run is repeatable:
//   - Remove rows are taken out of the pages already answered, so every
//     later row shifts forward;
//   - Add rows are added to the world and placed among the pages already
//     answered, where a client that does not list again never sees them;
//   - Move rows are moved, alternately, from the pages already answered to
//     a later page (read twice) and from a later page into the pages
//     already answered (never read).
//
// What each kind of row becomes:
//   - users/search: an added user is a new target user of the enrollment,
//     generated like the others (answers, sessions and interactions
//     included); a removed user leaves the listing, Server.Users and the
//     summary's counts, but reading it by ID still answers, as the service
//     keeps a deleted user's reports.
//   - companies/search: an added company is a whole customer (as
//     WithCustomers makes them: groups and, mostly, the survey); a removed
//     one leaves the listing, Server.Companies and unscoped listings, while
//     calls scoped to it still answer.
//   - enrollments/search: an added enrollment is a finished survey of the
//     scoped company; a removed one is archived.
//   - target-groups/search/current-company and trainings/search: added
//     groups and trainings are plain new ones; removed ones leave the
//     listing and Server.Groups or Server.Trainings.
//
// Server.AppliedChanges names the rows each change touched.
type ListingChange struct {
	// Route is RouteCompaniesSearch, RouteEnrollmentsSearch,
	// RouteReportUsersSearch, RouteTrainingsSearch or
	// RouteTargetGroupsSearch.
	Route string
	// Listing limits the change to one listing of the route: the
	// enrollment ID for users/search, the scoped company's ID for
	// enrollments and target groups. Empty: the first listing of the
	// route whose page AfterPage is answered.
	Listing string
	// AfterPage is the page after whose answer the change happens (1 is
	// after the first page; 0 never comes).
	AfterPage int
	// Add, Remove and Move are how many rows are added, removed and moved.
	Add, Remove, Move int
}

// AppliedChange is a ListingChange as it happened, with Listing set to the
// listing it changed and the IDs of the rows it touched.
type AppliedChange struct {
	ListingChange
	// PageSize is the page size of the answer after which it happened.
	PageSize              int
	Added, Removed, Moved []string
}

// WithListingChanges makes listings change while they are paged (see
// ListingChange). Each change happens once.
func WithListingChanges(changes ...ListingChange) Option {
	return func(c *config) { c.paging.changes = append(c.paging.changes, changes...) }
}

// AppliedChanges returns the listing changes that have happened, in order.
func (s *Server) AppliedChanges() []AppliedChange {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]AppliedChange, len(s.applied))
	for i, a := range s.applied {
		out[i] = a
		out[i].Added, out[i].Removed, out[i].Moved = slices.Clone(a.Added), slices.Clone(a.Removed), slices.Clone(a.Moved)
	}
	return out
}

// changeListings applies the pending changes that a search answered with
// status has triggered. r has been routed, so its path values are set.
func (s *Server) changeListings(r *http.Request, route string, body []byte, status int) {
	if !s.changing.Load() || status != http.StatusOK {
		return
	}
	var paging struct{ PageNumber, PageSize int }
	if json.Unmarshal(body, &paging) != nil {
		return
	}
	key := r.PathValue("id")
	if route != RouteReportUsersSearch {
		key = r.Header.Get(headerCompanyID)
		if key == "" {
			key = r.Header.Get(headerIRCompanyID)
		}
	}
	size := min(paging.PageSize, s.cfg.pageSizeCap)
	s.mu.Lock()
	defer s.mu.Unlock()
	if size < 1 {
		return
	}
	s.pending = slices.DeleteFunc(s.pending, func(c ListingChange) bool {
		if c.Route != route || c.AfterPage != paging.PageNumber || c.Listing != "" && c.Listing != key {
			return false
		}
		c.Listing = key
		s.applied = append(s.applied, s.applyChange(c, size))
		return true
	})
	s.changing.Store(len(s.pending) > 0)
}

// listingOps is one listing as a change sees it: rows by position.
type listingOps interface {
	size() int
	id(pos int) string
	remove(pos int)
	// add adds a row at the end and returns its ID.
	add(n int) string
	// move takes the row at from out and puts it back at position to of
	// the listing.
	move(from, to int)
}

// applyChange changes c's listing; s.mu must be held.
func (s *Server) applyChange(c ListingChange, size int) AppliedChange {
	out := AppliedChange{ListingChange: c, PageSize: size}
	ops := s.listingOps(c.Route, c.Listing)
	if ops == nil {
		return out
	}
	pick := func(kind string, j, n int) int {
		if n <= 0 {
			return 0
		}
		return int(mix(s.world.seed, "change", c.Route, c.Listing, kind, strconv.Itoa(j)) % uint64(n))
	}
	served := func() int { return min(c.AfterPage*size, ops.size()) }

	for j := range c.Remove {
		m, n := ops.size(), served()
		if m == 0 {
			break
		}
		if n == 0 {
			n = m
		}
		pos := pick("remove", j, n)
		out.Removed = append(out.Removed, ops.id(pos))
		ops.remove(pos)
	}
	for j := range c.Add {
		n := served()
		s.world.changeSerial++
		out.Added = append(out.Added, ops.add(s.world.changeSerial))
		ops.move(ops.size()-1, pick("add", j, n+1))
	}
	for j := range c.Move {
		m, n := ops.size(), served()
		if m < 2 {
			break
		}
		from, to := pick("move-from", j, m), pick("move-to", j, m)
		if n > 0 && n < m {
			if j%2 == 0 {
				from, to = pick("move-from", j, n), n+pick("move-to", j, m-n)
			} else {
				from, to = n+pick("move-from", j, m-n), pick("move-to", j, n)
			}
		}
		out.Moved = append(out.Moved, ops.id(from))
		ops.move(from, to)
	}
	return out
}

// listingOps is the listing route and key name; nil for a route no change
// applies to. s.mu must be held.
func (s *Server) listingOps(route, key string) listingOps {
	w := &s.world
	owner := key
	if owner == "" {
		if cs := w.managedCompanies(); len(cs) > 0 {
			owner = cs[0].ID
		}
	}
	switch route {
	case RouteReportUsersSearch:
		if e := w.enrollment(key); e != nil {
			return &userOps{w: w, e: e}
		}
	case RouteCompaniesSearch:
		return &sliceOps[Company]{
			all: &w.companies, in: func(c *Company) bool { return c.Managed && !c.removed },
			idOf:   func(c *Company) string { return c.ID },
			drop:   func(c *Company) { c.removed = true },
			create: func(int) *Company { return w.addCustomer(w.customers+1, "") },
		}
	case RouteEnrollmentsSearch:
		return &sliceOps[Enrollment]{
			all:  &w.enrollments,
			in:   func(e *Enrollment) bool { return w.inScope(key, e.CompanyID) && e.Status != StatusArchived },
			idOf: func(e *Enrollment) string { return e.ID },
			drop: func(e *Enrollment) { e.Status = StatusArchived },
			create: func(n int) *Enrollment {
				e := &Enrollment{
					ID: "e7Chg" + pad5(n), CompanyID: owner, Name: SurveyName + " (added " + strconv.Itoa(n) + ")",
					Type: "Survey", Status: StatusFinished, TrainingID: TrainingSurveyID, TrainingName: TrainingSurveyName,
					Users: 5 + n%20, StartDate: seedTime.AddDate(0, 0, n), CreateTime: seedTime.AddDate(0, 0, n-1),
				}
				w.addEnrollment(e)
				return e
			},
		}
	case RouteTargetGroupsSearch:
		return &sliceOps[Group]{
			all:  &w.groups,
			in:   func(g *Group) bool { return w.inScope(key, g.CompanyID) && !g.removed },
			idOf: func(g *Group) string { return g.ID },
			drop: func(g *Group) { g.removed = true },
			create: func(n int) *Group {
				g := &Group{ID: "g9Chg" + pad5(n), CompanyID: owner, Name: "Added Group " + strconv.Itoa(n), UserCount: 7}
				w.addGroup(g)
				return g
			},
		}
	case RouteTrainingsSearch:
		return &sliceOps[Training]{
			all: &w.trainings, in: func(t *Training) bool { return !t.removed },
			idOf: func(t *Training) string { return t.ID },
			drop: func(t *Training) { t.removed = true },
			create: func(n int) *Training {
				t := &Training{ID: "t5Chg" + pad5(n), Name: "Added Course " + strconv.Itoa(n), Type: "SCORM"}
				w.addTraining(t)
				return t
			},
		}
	}
	return nil
}

func pad5(n int) string {
	s := strconv.Itoa(n)
	for len(s) < 5 {
		s = "0" + s
	}
	return s
}

// sliceOps is a listing of the members of a world slice that in keeps, in
// the slice's order: moving a row reorders the slice.
type sliceOps[T any] struct {
	all    *[]*T
	in     func(*T) bool
	idOf   func(*T) string
	drop   func(*T)
	create func(n int) *T // adds a new member at the end of the slice
}

func (o *sliceOps[T]) listed() []int {
	var out []int
	for i, x := range *o.all {
		if o.in(x) {
			out = append(out, i)
		}
	}
	return out
}

func (o *sliceOps[T]) size() int         { return len(o.listed()) }
func (o *sliceOps[T]) id(pos int) string { return o.idOf((*o.all)[o.listed()[pos]]) }
func (o *sliceOps[T]) remove(pos int)    { o.drop((*o.all)[o.listed()[pos]]) }
func (o *sliceOps[T]) add(n int) string  { return o.idOf(o.create(n)) }

func (o *sliceOps[T]) move(from, to int) {
	i := o.listed()[from]
	x := (*o.all)[i]
	*o.all = slices.Delete(*o.all, i, i+1)
	listed := o.listed()
	at := len(*o.all)
	if to < len(listed) {
		at = listed[to]
	}
	*o.all = slices.Insert(*o.all, at, x)
}

// userOps is the users/search listing of one enrollment.
type userOps struct {
	w *world
	e *Enrollment
}

func (o *userOps) size() int { return o.e.listed() }
func (o *userOps) id(pos int) string {
	return o.w.userIDOf(o.e, o.e.userAt(pos))
}
func (o *userOps) remove(pos int) { o.e.order().remove(pos, true) }
func (o *userOps) add(int) string {
	o.e.Users++
	return o.w.userIDOf(o.e, o.e.Users-1)
}
func (o *userOps) move(from, to int) {
	l := o.e.order()
	i := l.remove(from, false)
	l.insert(to, i)
}
