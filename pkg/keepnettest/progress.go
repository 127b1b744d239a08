package keepnettest

import (
	"maps"
	"time"
)

// Results move after a sync has read them: users complete a training long
// after it was sent, a running simulation ends. These make the world move
// between two reads, as the service's does.

// CompleteUsers makes up to n target users of the enrollment who have not
// completed it complete it at the time given, and returns how many it
// changed. users/search, the summary's counts and the per-user reports
// show them completed from then on.
func (s *Server) CompleteUsers(enrollmentID string, n int, at time.Time) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.world.enrollment(enrollmentID)
	if e == nil {
		return 0
	}
	completed := maps.Clone(e.completed)
	if completed == nil {
		completed = map[int]time.Time{}
	}
	changed := 0
	for i := 0; i < e.Users && changed < n; i++ {
		if s.world.user(e, i).Status == UserCompleted {
			continue
		}
		completed[i] = at
		changed++
	}
	e.completed = completed
	return changed
}

// progress applies CompleteUsers to user u of e.
func (e *Enrollment) progress(u *User) {
	if at, ok := e.completed[u.Index]; ok {
		u.Status, u.LastInteraction = UserCompleted, at
	}
}

// SetJobStatus changes a job's status (JobCompleted, JobRunning), e.g. to
// end a running simulation; false when there is no such job.
func (s *Server) SetJobStatus(campaignID string, instanceGroup int, status string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	j := s.world.job(campaignID, instanceGroup)
	if j == nil {
		return false
	}
	// A new job in place of the old, which answers being written may
	// still read without the lock.
	next := *j
	next.Status = status
	for i, old := range s.world.sims.jobs {
		if old == j {
			s.world.sims.jobs[i] = &next
		}
	}
	s.world.sims.byKey[next.Key()] = &next
	s.world.sims.byPrefix[rowIDPrefix(s.world.seed, &next)] = &next
	return true
}

// SetCompanyDateFormat changes the display format of a company's dates
// (DateFormatDayFirst, DateFormatMonthFirst), as a customer's admin may
// in its settings: its setting and every date rendered in it change from
// the next answer on. False when there is no such company.
func (s *Server) SetCompanyDateFormat(companyID, format string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.world.company(companyID)
	if c == nil {
		return false
	}
	c.DateFormat = format
	return true
}
