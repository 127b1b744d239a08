package keepnettest

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Channel is a simulation channel: phishing (email), smishing (SMS) or
// quishing (QR codes). The three share one flow under their own paths, with
// the shape differences each channel's description records (see channels.go).
type Channel string

// The simulation channels the fake serves.
const (
	ChannelPhishing Channel = "phishing"
	ChannelSmishing Channel = "smishing"
	ChannelQuishing Channel = "quishing"
)

// Channels lists the simulation channels, phishing first.
func Channels() []Channel { return []Channel{ChannelPhishing, ChannelSmishing, ChannelQuishing} }

// Campaign is a simulation campaign of one company and channel. Its runs
// are its jobs.
type Campaign struct {
	ID        string
	CompanyID string
	Channel   Channel
	Name      string
	// ExcludeFromReports marks a test campaign ("Mark as Test"): the UI
	// leaves it out of every statistic, the API still lists it. Only the
	// campaign detail and the job summary's settings carry the flag.
	ExcludeFromReports bool
	// Scenario is the scenario name every user of its jobs got.
	Scenario string
	// Method is the simulation method, e.g. "Data Submission".
	Method     string
	GroupIDs   []string
	CreateTime time.Time
}

// Job statuses as the job search reports them (the fake's choice: the
// service's values are not documented).
const (
	JobCompleted = "Completed"
	JobRunning   = "Running"
)

// Job is one run of a campaign, identified by the campaign's ID and its
// InstanceGroup (1, 2, …), as the service identifies it.
type Job struct {
	CampaignID    string
	InstanceGroup int
	CompanyID     string
	Channel       Channel
	// Name is the campaign's name, as job rows carry it.
	Name   string
	Status string
	// Users is the number of target users; they are generated on demand
	// from the seed, so a large job costs no memory.
	Users       int
	StartDate   time.Time
	CreatedDate time.Time
}

// Key is the job's "campaignID/instanceGroup".
func (j Job) Key() string { return jobKey(j.CampaignID, j.InstanceGroup) }

func jobKey(campaignID string, instanceGroup int) string {
	return campaignID + "/" + strconv.Itoa(instanceGroup)
}

// simulations is the part of the world that holds campaigns and jobs. Users
// and events of jobs are never stored (see jobUser).
type simulations struct {
	campaigns []*Campaign
	jobs      []*Job
	byKey     map[string]*Job
	// byPrefix finds a job from the prefix of one of its user rows'
	// resourceIds, so per-user event calls need no table of users.
	byPrefix map[string]*Job
	// cache holds per-job answers that cost a pass over all users: totals
	// and the indexes of each search type's subset.
	cache map[string]*jobCache
}

type jobCache struct {
	totals  *JobTotals
	subsets map[string][]int32
}

func (w *world) addCampaign(c *Campaign) { w.sims.campaigns = append(w.sims.campaigns, c) }

// addJob adds a run to campaign c; the next instance group is its number.
func (w *world) addJob(c *Campaign, status string, users int, start time.Time) *Job {
	if w.sims.byKey == nil {
		w.sims.byKey, w.sims.byPrefix, w.sims.cache = map[string]*Job{}, map[string]*Job{}, map[string]*jobCache{}
	}
	n := 1
	for _, j := range w.sims.jobs {
		if j.CampaignID == c.ID {
			n = max(n, j.InstanceGroup+1)
		}
	}
	j := &Job{
		CampaignID: c.ID, InstanceGroup: n, CompanyID: c.CompanyID, Channel: c.Channel, Name: c.Name,
		Status: status, Users: users, StartDate: start, CreatedDate: start.Add(-90 * time.Minute),
	}
	w.sims.jobs = append(w.sims.jobs, j)
	w.sims.byKey[j.Key()] = j
	w.sims.byPrefix[rowIDPrefix(w.seed, j)] = j
	return j
}

func (w *world) campaign(id string) *Campaign {
	for _, c := range w.sims.campaigns {
		if c.ID == id {
			return c
		}
	}
	return nil
}

func (w *world) job(campaignID string, instanceGroup int) *Job {
	return w.sims.byKey[jobKey(campaignID, instanceGroup)]
}

// jobOfRow resolves a user row's resourceId to its job and user index.
func (w *world) jobOfRow(resourceID string) (*Job, int, bool) {
	if len(resourceID) != rowPrefixLen+6 {
		return nil, 0, false
	}
	j := w.sims.byPrefix[resourceID[:rowPrefixLen]]
	if j == nil {
		return nil, 0, false
	}
	i, err := strconv.Atoi(resourceID[rowPrefixLen:])
	if err != nil || i < 0 || i >= j.Users || resourceID != rowID(w.seed, j, i) {
		return nil, 0, false
	}
	return j, i, true
}

// rowPrefixLen is the length of a user row's resourceId prefix.
const rowPrefixLen = 7

// rowIDPrefix is derived from the job, so the rows of different jobs (and
// their users' rows in other jobs) have different resourceIds.
func rowIDPrefix(seed uint64, j *Job) string {
	const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	h := mix(seed, "row-prefix", j.Key())
	var b strings.Builder
	b.WriteString("jr")
	for range rowPrefixLen - 2 {
		b.WriteByte(alphabet[h%uint64(len(alphabet))])
		h /= uint64(len(alphabet))
	}
	return b.String()
}

// rowID is user i's row in job j.
func rowID(seed uint64, j *Job, i int) string {
	return fmt.Sprintf("%s%06d", rowIDPrefix(seed, j), i)
}

func cloneCampaign(c *Campaign) Campaign {
	out := *c
	out.GroupIDs = slices.Clone(c.GroupIDs)
	return out
}

// campaignJobs are the jobs of campaign id, in instance-group order.
func (w *world) campaignJobs(id string) []*Job {
	var out []*Job
	for _, j := range w.sims.jobs {
		if j.CampaignID == id {
			out = append(out, j)
		}
	}
	return out
}
