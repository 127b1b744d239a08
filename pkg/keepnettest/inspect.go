package keepnettest

import (
	"fmt"
	"iter"
	"slices"
)

// Companies returns every company the fake knows, managed or not, in
// seeding order (as companies/search lists them, unless a ListingChange
// moved some), without those a ListingChange removed.
func (s *Server) Companies() []Company {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Company, 0, len(s.world.companies))
	for _, c := range s.world.companies {
		if !c.removed {
			out = append(out, *c)
		}
	}
	return out
}

// CompanyByName returns the company with exactly this name.
func (s *Server) CompanyByName(name string) (Company, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.world.companies {
		if c.Name == name && !c.removed {
			return *c, true
		}
	}
	return Company{}, false
}

// Trainings returns the training library, without the trainings a
// ListingChange removed.
func (s *Server) Trainings() []Training {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Training, 0, len(s.world.trainings))
	for _, t := range s.world.trainings {
		if !t.removed {
			out = append(out, *t)
		}
	}
	return out
}

// Groups returns the target groups of companyID ("" for all), without the
// groups a ListingChange removed.
func (s *Server) Groups(companyID string) []Group {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Group
	for _, g := range s.world.groups {
		if !g.removed && (companyID == "" || g.CompanyID == companyID) {
			out = append(out, *g)
		}
	}
	return out
}

// Enrollments returns every enrollment, seeded and created, in creation
// order.
func (s *Server) Enrollments() []Enrollment {
	return s.enrollmentsWhere(func(*Enrollment) bool { return true })
}

// CreatedEnrollments returns the enrollments created through the API.
func (s *Server) CreatedEnrollments() []Enrollment {
	return s.enrollmentsWhere(func(e *Enrollment) bool { return e.Created })
}

// SentEnrollments returns the enrollments sent through the API at least
// once (SendCount > 0).
func (s *Server) SentEnrollments() []Enrollment {
	return s.enrollmentsWhere(func(e *Enrollment) bool { return e.SendCount > 0 })
}

func (s *Server) enrollmentsWhere(keep func(*Enrollment) bool) []Enrollment {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Enrollment
	for _, e := range s.world.enrollments {
		if keep(e) {
			out = append(out, cloneEnrollment(e))
		}
	}
	return out
}

// Enrollment returns the enrollment with this ID.
func (s *Server) Enrollment(id string) (Enrollment, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.world.enrollment(id)
	if e == nil {
		return Enrollment{}, false
	}
	return cloneEnrollment(e), true
}

// Users yields the target users of an enrollment in index order, generating
// each on demand: those users/search lists, so without the users a
// ListingChange removed and with those it added.
func (s *Server) Users(enrollmentID string) iter.Seq[User] {
	return func(yield func(User) bool) {
		e, ok := s.Enrollment(enrollmentID)
		if !ok {
			return
		}
		for i := range e.Users {
			if e.listing.isRemoved(i) {
				continue
			}
			if !yield(s.world.user(&e, i)) {
				return
			}
		}
	}
}

// User returns one target user of an enrollment.
func (s *Server) User(enrollmentID, userID string) (User, bool) {
	e, ok := s.Enrollment(enrollmentID)
	if !ok {
		return User{}, false
	}
	i, ok := s.world.userIndexOf(&e, userID)
	if !ok {
		return User{}, false
	}
	return s.world.user(&e, i), true
}

// Sessions returns a user's exam-result sessions in the order the endpoint
// lists them (not necessarily oldest first).
func (s *Server) Sessions(enrollmentID, userID string) []Session {
	e, ok := s.Enrollment(enrollmentID)
	if !ok {
		return nil
	}
	u, ok := s.User(enrollmentID, userID)
	if !ok {
		return nil
	}
	return s.world.sessions(&e, u)
}

// Answers returns the answers of the user's latest session (by creation
// time), ordered by index: what a correct survey pull reports. Users who
// never answered have none.
func (s *Server) Answers(enrollmentID, userID string) []Answer {
	latest, ok := latestSession(s.Sessions(enrollmentID, userID))
	if !ok {
		return nil
	}
	return slices.Clone(latest.Answers)
}

// Requests returns the requests received so far, in arrival order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// RequestCount counts received requests whose Route is route.
func (s *Server) RequestCount(route string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.requests {
		if r.Route == route {
			n++
		}
	}
	return n
}

// ResetRequests empties the request log.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// AddCompany adds a company; managed ones become customers of the reseller.
func (s *Server) AddCompany(name string, managed bool) Company {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &Company{ID: fmt.Sprintf("k3Added%05d", len(s.world.companies)), Name: name}
	s.world.addCompany(c, managed)
	return *c
}

// AddGroup adds a target group to a company.
func (s *Server) AddGroup(companyID, name string, users int) Group {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := &Group{ID: fmt.Sprintf("g9Added%05d", len(s.world.groups)), CompanyID: companyID, Name: name, UserCount: users}
	s.world.addGroup(g)
	return *g
}

// AddTraining adds a training ("SCORM" or "Survey") to the library.
func (s *Server) AddTraining(name, trainingType string) Training {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := &Training{ID: fmt.Sprintf("t5Added%05d", len(s.world.trainings)), Name: name, Type: trainingType}
	s.world.addTraining(t)
	return *t
}

// AddSurvey adds a finished survey enrollment with users generated target
// users (answers included) to a company.
func (s *Server) AddSurvey(companyID, name string, users int) Enrollment {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := &Enrollment{
		ID: fmt.Sprintf("e7Added%05d", len(s.world.enrollments)), CompanyID: companyID, Name: name,
		Type: "Survey", Status: StatusFinished, TrainingID: TrainingSurveyID, TrainingName: TrainingSurveyName,
		Users: users, StartDate: seedTime, CreateTime: seedTime.AddDate(0, 0, -1),
	}
	s.world.addEnrollment(e)
	return cloneEnrollment(e)
}

// SetEnrollmentStatus changes an enrollment's status, e.g. to simulate the
// service finishing a send.
func (s *Server) SetEnrollmentStatus(id, status string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.world.enrollment(id)
	if e == nil {
		return false
	}
	e.Status = status
	return true
}
