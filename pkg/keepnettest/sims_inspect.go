package keepnettest

import (
	"fmt"
	"iter"
	"time"
)

// Campaigns returns companyID's campaigns of channel ch, test campaigns
// included, in creation order; "" for either means every company or every
// channel.
func (s *Server) Campaigns(companyID string, ch Channel) []Campaign {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Campaign
	for _, c := range s.world.sims.campaigns {
		if (companyID == "" || c.CompanyID == companyID) && (ch == "" || c.Channel == ch) {
			out = append(out, cloneCampaign(c))
		}
	}
	return out
}

// Campaign returns the campaign with this ID.
func (s *Server) Campaign(id string) (Campaign, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.world.campaign(id)
	if c == nil {
		return Campaign{}, false
	}
	return cloneCampaign(c), true
}

// Jobs returns companyID's jobs of channel ch in the order the job search
// lists them; "" for either means every company or every channel.
func (s *Server) Jobs(companyID string, ch Channel) []Job {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Job
	for _, j := range s.world.sims.jobs {
		if (companyID == "" || j.CompanyID == companyID) && (ch == "" || j.Channel == ch) {
			out = append(out, *j)
		}
	}
	return out
}

// Job returns the job of campaign campaignID with this instance group.
func (s *Server) Job(campaignID string, instanceGroup int) (Job, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j := s.world.job(campaignID, instanceGroup)
	if j == nil {
		return Job{}, false
	}
	return *j, true
}

// JobUsers yields a job's target users (every row of its All search) in
// index order, with their events, generating each on demand.
func (s *Server) JobUsers(campaignID string, instanceGroup int) iter.Seq[JobUser] {
	return func(yield func(JobUser) bool) {
		s.mu.Lock()
		j := s.world.job(campaignID, instanceGroup)
		s.mu.Unlock()
		if j == nil {
			return
		}
		for i := range j.Users {
			if !yield(s.world.jobUser(j, i)) {
				return
			}
		}
	}
}

// JobUser returns the job user whose row has this resourceId, with the
// events the per-user searches list.
func (s *Server) JobUser(resourceID string) (JobUser, bool) {
	s.mu.Lock()
	j, i, ok := s.world.jobOfRow(resourceID)
	s.mu.Unlock()
	if !ok {
		return JobUser{}, false
	}
	return s.world.jobUser(j, i), true
}

// JobTotals returns a job's totals as its summary and job row report them.
func (s *Server) JobTotals(campaignID string, instanceGroup int) (JobTotals, bool) {
	s.mu.Lock()
	j := s.world.job(campaignID, instanceGroup)
	s.mu.Unlock()
	if j == nil {
		return JobTotals{}, false
	}
	return s.jobTotals(j), true
}

// AddCampaign adds a campaign without jobs to a company; test marks it
// excludeFromReports.
func (s *Server) AddCampaign(companyID string, ch Channel, name string, test bool) Campaign {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := fmt.Sprintf("c8Added%05d", len(s.world.sims.campaigns))
	return cloneCampaign(s.world.seedCampaign(id, companyID, ch, name, test))
}

// AddJob runs a campaign once more: a completed job of users target users
// started at start, with the next instance group.
func (s *Server) AddJob(campaignID string, users int, start time.Time) (Job, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.world.campaign(campaignID)
	if c == nil {
		return Job{}, false
	}
	return *s.world.addJob(c, JobCompleted, users, start), true
}
