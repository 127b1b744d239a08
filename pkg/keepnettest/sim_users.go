package keepnettest

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// EventKind is one kind of thing a target user (or a scanner in front of
// them) does with a simulation.
type EventKind string

// The event kinds. Which of them a channel has is in its description
// (channels.go): smishing has no opens, attachments, reports or replies.
const (
	EventOpened           EventKind = "opened"
	EventClicked          EventKind = "clicked"
	EventSubmitted        EventKind = "submitted"
	EventAttachmentOpened EventKind = "attachment-opened"
	EventReported         EventKind = "reported"
	EventReplied          EventKind = "replied"
	EventMFASubmitted     EventKind = "mfa-submitted"
)

// Activity types on user rows and events. The service's values are not
// documented: these are the fake's choice, so a client must keep whatever
// comes rather than match them. "Sandbox" is a mail gateway or link scanner
// that opened and clicked before any person did.
const (
	ActivityHuman   = "Human"
	ActivitySandbox = "Sandbox"
)

// Job user statuses (the fake's choice; the service's are not documented):
// the furthest step the user reached.
const (
	JobUserNotDelivered = "Not Delivered"
	JobUserNoResponse   = "No Response"
	JobUserOpened       = "Opened"
	JobUserAttachment   = "Opened Attachment"
	JobUserClicked      = "Clicked"
	JobUserSubmitted    = "Submitted Data"
)

// JobEvent is one event of a job user, as the per-user event searches list
// it.
type JobEvent struct {
	Kind EventKind
	// ID is the event's own resourceId, where the view has one.
	ID   string
	Time time.Time
	// Bot is set for a scanner's activity; Changed for such activity an
	// administrator has since marked human (the system's classification
	// stays Sandbox).
	Bot, Changed bool
	// SubmittedData is masked, as the service masks it: submitted and
	// MFA-submitted events only.
	SubmittedData string
	// ReplyType is "Reply" or "OutOfOffice": replied events only.
	ReplyType                                    string
	BrowserName, UserAgent, Geolocation, Address string
}

// JobUser is one target user of a job: their row in the job's user
// searches. Counts and last times follow from Events.
type JobUser struct {
	// ResourceID is the user's row in this job, the ID the per-user event
	// searches take; the same person has another in every other job.
	ResourceID   string
	Index        int
	TargetUserID int
	FirstName    string
	LastName     string
	Email        string
	Department   string
	Phone        string
	// TargetGroups is one string, names joined by ", ", as the spec types it.
	TargetGroups string
	Delivered    bool
	SentAt       time.Time
	Status       string
	// ActivityType and SystemActivityType are empty for users without
	// activity; see ActivityHuman and ActivitySandbox.
	ActivityType       string
	SystemActivityType string
	// Events in time order.
	Events []JobEvent
}

// Count is how many events of kind the user has.
func (u JobUser) Count(kind EventKind) int {
	n := 0
	for _, e := range u.Events {
		if e.Kind == kind {
			n++
		}
	}
	return n
}

// Last is the time of the user's latest event of kind, zero if none.
func (u JobUser) Last(kind EventKind) time.Time {
	var last time.Time
	for _, e := range u.Events {
		if e.Kind == kind && e.Time.After(last) {
			last = e.Time
		}
	}
	return last
}

// ReplyType is the type of the user's latest reply, "" if none.
func (u JobUser) ReplyType() string {
	reply := ""
	for _, e := range u.Events {
		if e.Kind == EventReplied {
			reply = e.ReplyType
		}
	}
	return reply
}

// Bot reports whether the system classified the user's activity as a
// scanner's.
func (u JobUser) Bot() bool { return u.SystemActivityType == ActivitySandbox }

// NoResponse reports whether a delivered user did nothing at all.
func (u JobUser) NoResponse() bool { return u.Delivered && len(u.Events) == 0 }

// jobUser builds user i of job j. People are the company's: user i of
// every job of a company is the same person (same name and email), with a
// different row resourceId in each job.
func (w *world) jobUser(j *Job, i int) JobUser {
	sh := shapeOf(j.Channel)
	p := w.user(&Enrollment{ID: "people/" + j.CompanyID, CompanyID: j.CompanyID}, i)
	u := JobUser{
		ResourceID: rowID(w.seed, j, i), Index: i,
		TargetUserID: int(mix(w.seed, "target-user", j.CompanyID)%900+100)*100000 + i,
		FirstName:    p.FirstName, LastName: p.LastName, Email: p.Email, Department: p.Department, Phone: p.Phone,
		TargetGroups: GroupAllStaffName,
		SentAt:       j.StartDate.Add(time.Duration(i%60)*time.Minute + time.Duration(i%7)*time.Second),
	}
	if strings.HasPrefix(p.Department, "Finance") {
		u.TargetGroups = GroupFinanceName + ", " + GroupAllStaffName
	}
	if u.Phone == "" && j.Channel == ChannelSmishing {
		u.Phone = "+1 555 0199 " + strconv.Itoa(1000+i%9000)
	}
	key := j.Key()
	h := mix(w.seed, "job-user", key, strconv.Itoa(i))
	h2 := mix(w.seed, "job-user-2", key, strconv.Itoa(i))
	u.Delivered = i < 4 || h%100 >= 3
	if !u.Delivered {
		u.Status = JobUserNotDelivered
		return u
	}
	g := eventGen{seed: w.seed, key: key, index: i, sh: sh}
	switch bot := i == 4 || (i > 4 && (h>>8)%100 < 7); {
	case bot:
		changed := (h>>16)%4 == 0
		g.bot(&u, changed)
		u.SystemActivityType, u.ActivityType = ActivitySandbox, ActivitySandbox
		if changed {
			u.ActivityType = ActivityHuman
		}
	default:
		g.human(&u, h, h2)
		if len(u.Events) > 0 {
			u.ActivityType, u.SystemActivityType = ActivityHuman, ActivityHuman
		}
	}
	slices.SortStableFunc(u.Events, func(a, b JobEvent) int { return a.Time.Compare(b.Time) })
	u.Status = jobUserStatus(u)
	return u
}

func jobUserStatus(u JobUser) string {
	switch {
	case u.Count(EventSubmitted) > 0 || u.Count(EventMFASubmitted) > 0:
		return JobUserSubmitted
	case u.Count(EventClicked) > 0:
		return JobUserClicked
	case u.Count(EventAttachmentOpened) > 0:
		return JobUserAttachment
	case u.Count(EventOpened) > 0:
		return JobUserOpened
	}
	return JobUserNoResponse
}

// eventGen makes one job user's events.
type eventGen struct {
	seed  uint64
	key   string
	index int
	sh    *channelShape
}

// bot is a scanner's visit: it opens and follows every link within
// seconds of delivery, before any person could have.
func (g eventGen) bot(u *JobUser, changed bool) {
	at := u.SentAt.Add(2 * time.Second)
	for _, kind := range []EventKind{EventOpened, EventClicked, EventClicked} {
		if !g.sh.has(kind) {
			continue
		}
		g.add(u, JobEvent{Kind: kind, Time: at, Bot: true, Changed: changed})
		at = at.Add(time.Second)
	}
}

// human spreads a person's behaviour: about a third do nothing; of the
// rest, most open, about half of those click, and so on. The first users
// are pinned, so every seeded job has a submitter (0), a reporter (1) and,
// where the channel has them, a replier who opened the attachment (3).
func (g eventGen) human(u *JobUser, h, h2 uint64) {
	i := g.index
	respond := i < 4 && i != 2 || i >= 4 && (h>>24)%100 >= 35
	if !respond {
		return
	}
	opened := u.SentAt.Add(time.Duration(5+(h>>32)%235) * time.Minute)
	opens := 1 + int((h>>40)%3)
	if g.sh.has(EventOpened) {
		for n := range opens {
			g.add(u, JobEvent{Kind: EventOpened, Time: opened.Add(time.Duration(n) * 97 * time.Minute)})
		}
	}
	clicks := 0
	if i == 0 || i >= 4 && (h>>48)%100 < 55 || !g.sh.has(EventOpened) && i >= 4 {
		clicks = 1 + int((h>>56)%2)
	}
	for n := range clicks {
		g.add(u, JobEvent{Kind: EventClicked, Time: opened.Add(time.Duration(1+n*11) * time.Minute)})
	}
	if clicks > 0 && (i == 0 || i >= 4 && h2%100 < 45) {
		g.add(u, JobEvent{Kind: EventSubmitted, Time: opened.Add(3 * time.Minute), SubmittedData: maskedSubmission(u.Email)})
		if g.sh.has(EventMFASubmitted) && (i == 0 || (h2>>8)%100 < 30) {
			g.add(u, JobEvent{Kind: EventMFASubmitted, Time: opened.Add(4 * time.Minute), SubmittedData: "MFA Code: ******"})
		}
	}
	if g.sh.has(EventAttachmentOpened) && (i == 3 || i >= 4 && (h2>>16)%100 < 12) {
		g.add(u, JobEvent{Kind: EventAttachmentOpened, Time: opened.Add(2 * time.Minute)})
	}
	if g.sh.has(EventReported) && (i == 1 || i >= 4 && (h2>>24)%100 < 25) {
		g.add(u, JobEvent{Kind: EventReported, Time: opened.Add(time.Duration(3+(h2>>32)%57) * time.Minute)})
	}
	if g.sh.has(EventReplied) && (i == 3 || i >= 4 && (h2>>40)%100 < 6) {
		reply := "Reply"
		if (h2>>48)%3 == 0 {
			reply = "OutOfOffice"
		}
		g.add(u, JobEvent{Kind: EventReplied, Time: opened.Add(10 * time.Minute), ReplyType: reply})
	}
}

// add appends e with its ID and tracking information.
func (g eventGen) add(u *JobUser, e JobEvent) {
	h := mix(g.seed, "event", g.key, strconv.Itoa(g.index), string(e.Kind), strconv.Itoa(len(u.Events)))
	e.ID = "ev" + strconv.FormatUint(h, 36)
	e.Time = e.Time.Truncate(time.Second)
	if e.Bot {
		// A gateway's headless browser in a data centre (TEST-NET-2).
		e.BrowserName = "Chrome Headless"
		e.UserAgent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.0.0 Safari/537.36"
		e.Geolocation = "Gateway Region, Nowhere"
		e.Address = "198.51.100." + strconv.Itoa(1+int(h%250))
	} else {
		e.BrowserName = "Firefox"
		e.UserAgent = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
		e.Geolocation = "Exampleton, Nowhere"
		e.Address = "192.0.2." + strconv.Itoa(1+g.index%250)
	}
	u.Events = append(u.Events, e)
}

// maskedSubmission is what the service shows of submitted credentials:
// never the secret itself.
func maskedSubmission(email string) string {
	local, domain, _ := strings.Cut(email, "@")
	if len(local) > 1 {
		local = local[:1] + "***"
	}
	return "Username: " + local + "@" + domain + "; Password: ********"
}
