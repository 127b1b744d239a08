package workflows

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
)

// EnrollRequest asks for a training enrollment: one training, sent to one
// or more target groups of one customer company. Company, Training and
// Groups are each a name or an ID; see PlanEnrollment for how names match.
type EnrollRequest struct {
	Company  string
	Training string
	Groups   []string
	// Name is the enrollment's name. It is also what makes reruns safe: an
	// enrollment with this name in this company is the one this request
	// made (see EnrollmentPlan.Apply).
	Name string

	// Schedule is when to send, RFC 3339; empty sends now. TimeZone is
	// required with it: a Windows time-zone ID the service lists, such as
	// "GMT Standard Time". Due, optional, RFC 3339, must be after Schedule.
	Schedule, TimeZone, Due string

	// AwardCertificate awards a certificate on completion.
	// CertificateSendType, optional and only with AwardCertificate, is one of
	// the certificate send types enrollments/form-details lists (by name,
	// display name or ID).
	AwardCertificate    bool
	CertificateSendType string
	// MarkedAsTest marks the enrollment as a test one.
	MarkedAsTest bool
	// TeamsNotification also notifies users in Microsoft Teams.
	TeamsNotification bool

	// NoSend creates the enrollment but does not send it; it stays
	// Scheduled, and a later run without NoSend sends it.
	NoSend bool
	// AllowDuplicate creates a new enrollment even when one with the same
	// name exists in the company.
	AllowDuplicate bool

	// Recheck spaces the look-ups made after a create or send whose
	// outcome is unknown; the zero value means four look-ups over about
	// 14 s (waits of 2, 4 and 8 s).
	Recheck RecheckPolicy

	// StateDir holds the lock that runs of the same company and name on
	// this machine take in turn, and the records of creates whose outcome
	// is unknown; empty means DefaultStateDir().
	StateDir string
	// SettleWindow is how long after a create whose outcome was unknown a
	// rerun keeps looking for that enrollment before creating one again;
	// zero means DefaultSettleWindow.
	SettleWindow time.Duration
	// Progress, if set, is told whenever the run waits: for another run
	// of the same company and name, or out a settle window.
	Progress func(Wait)
}

// Wait is what an enroll run tells its Progress as it starts waiting, or
// stops.
type Wait struct {
	// Message says what the run waits for, and why, in one line.
	Message string
	// Option, when set, names the request's option that bounds the wait
	// ("SettleWindow"), for a caller to name in its own terms.
	Option string
}

// RecheckPolicy says how often, and how far apart, the state is read again
// after a write whose outcome is unknown. The service may be eventually
// consistent: an enrollment just created may take a moment to be listed.
type RecheckPolicy struct {
	// Attempts is how many look-ups are made in all; the first is
	// immediate.
	Attempts int
	// Delay is the wait before the second look-up; it doubles after each.
	Delay time.Duration
}

// defaultRecheckPolicy returns the policy used when EnrollRequest.Recheck
// is zero: four look-ups over about 14 s (waits of 2, 4 and 8 s) for a
// write whose outcome is unknown to show.
func defaultRecheckPolicy() RecheckPolicy { return RecheckPolicy{Attempts: 4, Delay: 2 * time.Second} }

// Action is what an enrollment run does in a company: what a plan would
// do, and what the run did. Plans and results, one company's and a
// rollout's, share it.
type Action string

const (
	// ActionCreate: no enrollment has the name; one is created, and sent
	// unless NoSend.
	ActionCreate Action = "create"
	// ActionResume: it exists, still Scheduled, created by an earlier run
	// that did not send it; it is sent.
	ActionResume Action = "resume"
	// ActionAlreadySent: it exists and was sent; nothing changes.
	ActionAlreadySent Action = "already sent"
	// ActionLeaveScheduled: it exists, still Scheduled, and NoSend keeps
	// it so; nothing changes.
	ActionLeaveScheduled Action = "leave scheduled"
	// ActionYield: another run, racing this one, created it first; the
	// one this run created was archived unsent, and the other run sends
	// its own. Results only.
	ActionYield Action = "yield"
	// ActionSkip: a rollout skips the company, which lacks the training
	// or a group (RolloutRequest.SkipMissing).
	ActionSkip Action = "skip"
	// ActionFail: the company's plan could not be made (its listings
	// could not be read), or its enrollment failed; its error says how.
	ActionFail Action = "failed"
)

// Done is the action in the past tense, as a run reports it: "created",
// "created, not sent", "resumed", "already sent", "already created, not
// sent", "already created by another run", "skipped", "failed".
func (r EnrollResult) Done() string {
	switch r.Action {
	case ActionCreate:
		if isScheduled(r.Status) {
			return "created, not sent"
		}
		return "created"
	case ActionResume:
		return "resumed"
	case ActionLeaveScheduled:
		return "already created, not sent"
	case ActionYield:
		return "already created by another run"
	case ActionSkip:
		return "skipped"
	}
	return string(r.Action)
}

// statusScheduled is the status of an enrollment that has been created but
// not sent. Every other status ("Sending", "Finished", "Error", ...) means it
// has been sent.
const statusScheduled = "Scheduled"

// EnrollResult is the enrollment a run ended with, and what the run did.
type EnrollResult struct {
	Company Company `json:"company"`
	ID      string  `json:"id"`
	Name    string  `json:"name"`
	Status  string  `json:"status"`
	// Action is what the run did; Done says it in words.
	Action Action `json:"action"`
	// Note says what happened where the action alone does not: a create
	// answer that could not be read, a duplicate archived.
	Note string `json:"note,omitempty"`
}

// EnrollmentPlan is a validated request: every name resolved to an ID, the
// schedule checked, and the exact create body built. Nothing has been
// written. Apply carries it out; printing it is a dry run.
type EnrollmentPlan struct {
	Company  Company       `json:"company"`
	Training Training      `json:"training"`
	Groups   []TargetGroup `json:"groups"`
	Name     string        `json:"name"`
	// ScheduledDate, DueDate and TimeZone are empty when sending now.
	ScheduledDate string    `json:"scheduledDate,omitempty"`
	DueDate       string    `json:"dueDate,omitempty"`
	TimeZone      *TimeZone `json:"timeZone,omitempty"`
	// Send is false with NoSend.
	Send           bool `json:"send"`
	AllowDuplicate bool `json:"allowDuplicate"`
	// Existing are the enrollments with this name the company had when
	// the plan was made; Action is what Apply would do about them, and
	// Intent says it in words.
	Existing []Enrollment `json:"existing"`
	Action   Action       `json:"action"`
	// CreateBody is the exact body POST /api/enrollments would get.
	CreateBody json.RawMessage `json:"createBody"`

	scope        *keepnet.ScopedClient
	existing     *Enrollment // the one Action is about, when it exists
	recheck      RecheckPolicy
	stateDir     string
	settleWindow time.Duration
	progress     func(Wait)
}

// Enroll plans the request and applies the plan: the whole create-and-send
// flow. See PlanEnrollment and EnrollmentPlan.Apply.
func Enroll(ctx context.Context, c *keepnet.Client, req EnrollRequest) (EnrollResult, error) {
	plan, err := PlanEnrollment(ctx, c, req)
	if err != nil {
		return EnrollResult{}, err
	}
	return plan.Apply(ctx)
}

// PlanEnrollment validates req and resolves every name, making read calls
// only. Input it cannot act on is an *InputError naming the offending value:
// an empty name, a bad date or a due date not after the scheduled one, an
// unknown time zone (with close matches), an unknown or ambiguous company,
// training or group (with the candidates and their IDs), a certificate send
// type form-details does not list, or a name already used in the company by
// an enrollment of another training or other groups.
//
// Names match as in the vendor's UI: an ID, else an exact case-insensitive
// name, else a single partial match. All pages of every listing are read.
func PlanEnrollment(ctx context.Context, c *keepnet.Client, req EnrollRequest) (*EnrollmentPlan, error) {
	checked, err := checkEnrollRequest(req)
	if err != nil {
		return nil, err
	}
	company, err := resolveCompany(ctx, c, req.Company)
	if err != nil {
		return nil, err
	}
	return planInCompany(ctx, c, req, checked, company)
}

// checkedRequest is what of an EnrollRequest is checked without a call: the
// same for every company it is planned in.
type checkedRequest struct {
	name  string
	sched *schedule
}

// checkEnrollRequest checks the request's own values, before any call.
func checkEnrollRequest(req EnrollRequest) (checkedRequest, error) {
	name := strings.TrimSpace(req.Name)
	if name == "" {
		return checkedRequest{}, &InputError{Field: "name", Reason: "is empty: give the enrollment a name"}
	}
	if strings.ContainsFunc(name, unicode.IsControl) {
		return checkedRequest{}, &InputError{Field: "name", Value: name, Reason: "holds a control character (a newline, tab or escape): the service would store it, and every list of enrollments would show it"}
	}
	if len(req.Groups) == 0 {
		return checkedRequest{}, &InputError{Field: "group", Reason: "is missing: name at least one target group"}
	}
	for _, g := range req.Groups {
		if strings.TrimSpace(g) == "" {
			return checkedRequest{}, &InputError{Field: "group", Reason: "is empty"}
		}
	}
	if strings.TrimSpace(req.Training) == "" {
		return checkedRequest{}, &InputError{Field: "training", Reason: "is empty"}
	}
	if req.CertificateSendType != "" && !req.AwardCertificate {
		return checkedRequest{}, &InputError{Field: "certificate send type", Value: req.CertificateSendType, Reason: "needs a certificate to be awarded", Option: "AwardCertificate"}
	}
	sched, err := parseSchedule(req.Schedule, req.Due, req.TimeZone)
	if err != nil {
		return checkedRequest{}, err
	}
	return checkedRequest{name: name, sched: sched}, nil
}

// planInCompany resolves the request's names in company, which has been
// resolved already, and decides what Apply would do there. req.Company is
// only what errors quote.
func planInCompany(ctx context.Context, c *keepnet.Client, req EnrollRequest, checked checkedRequest, company Company) (*EnrollmentPlan, error) {
	name, sched := checked.name, checked.sched
	var err error
	plan := &EnrollmentPlan{
		Company:        company,
		Name:           name,
		Send:           !req.NoSend,
		AllowDuplicate: req.AllowDuplicate,
		scope:          c.ForCompany(company.ID),
		recheck:        req.Recheck,
		stateDir:       req.StateDir,
		settleWindow:   req.SettleWindow,
		progress:       req.Progress,
	}
	if plan.settleWindow <= 0 {
		plan.settleWindow = DefaultSettleWindow
	}
	if plan.recheck.Attempts <= 0 {
		plan.recheck = defaultRecheckPolicy()
	}

	// The reads do not depend on each other; they run together, and their
	// results are judged afterwards in a fixed order so the same bad input
	// always gets the same message.
	var (
		wg                                         sync.WaitGroup
		trainings                                  []Training
		groups                                     []TargetGroup
		form                                       formEnums
		zones                                      []TimeZone
		existing                                   []Enrollment
		trainErr, groupErr, formErr, zoneErr, eErr error
	)
	wg.Go(func() { trainings, trainErr = ListTrainings(ctx, plan.scope, "") })
	wg.Go(func() { groups, groupErr = ListTargetGroups(ctx, plan.scope, "") })
	wg.Go(func() { form, formErr = readFormEnums(ctx, plan.scope) })
	if sched != nil {
		wg.Go(func() { zones, zoneErr = ListTimeZones(ctx, plan.scope) })
	}
	wg.Go(func() { existing, eErr = plan.findByName(ctx) })
	wg.Wait()
	for _, err := range []error{trainErr, groupErr, formErr, zoneErr, eErr} {
		if err != nil {
			return nil, scopeError(err, req.Company, company)
		}
	}

	// A listing row whose ID could not be read cannot be enrolled in.
	trainings = slices.DeleteFunc(trainings, func(t Training) bool { return t.ID == "" })
	groups = slices.DeleteFunc(groups, func(g TargetGroup) bool { return g.ID == "" })
	if plan.Training, err = matchByNameOrID("training", req.Training, trainings, func(t Training) named {
		return named{ID: t.ID, Name: t.Name}
	}); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, q := range req.Groups {
		g, err := matchByNameOrID("group", q, groups, func(g TargetGroup) named {
			return named{ID: g.ID, Name: g.Name}
		})
		if err != nil {
			return nil, err
		}
		if !seen[g.ID] { // the same group named twice (by name and by ID) is sent once
			seen[g.ID] = true
			plan.Groups = append(plan.Groups, g)
		}
	}
	body := createEnrollmentBody{
		TrainingID:            plan.Training.ID,
		Name:                  name,
		AwardCertificate:      req.AwardCertificate,
		MarkedAsTest:          req.MarkedAsTest,
		SendTeamsNotification: req.TeamsNotification,
	}
	for _, g := range plan.Groups {
		body.TargetGroupResourceIDs = append(body.TargetGroupResourceIDs, g.ID)
	}
	if sched != nil {
		zone, err := matchTimeZone(sched.zone, zones)
		if err != nil {
			return nil, err
		}
		plan.TimeZone = &zone
		plan.ScheduledDate, plan.DueDate = sched.startText, sched.dueText
		body.EnrollmentScheduler = &schedulerBody{
			ScheduledDate:       sched.startText,
			ScheduledTimeZoneID: zone.ID,
			DueDate:             sched.dueText,
		}
	}
	if req.CertificateSendType != "" {
		values, ok, err := formEnumNamed(form, certificateSendTypeEnum)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("enrollments/form-details lists no %s, so certificate send type %q cannot be checked", certificateSendTypeEnum, req.CertificateSendType)
		}
		if body.CertificateConfigSendType, err = matchFormEnum("certificate send type", req.CertificateSendType, values); err != nil {
			return nil, err
		}
	}
	if plan.CreateBody, err = json.Marshal(body); err != nil {
		return nil, fmt.Errorf("encode the create body: %w", err)
	}

	plan.Existing = existing
	if plan.Existing == nil {
		plan.Existing = []Enrollment{} // [] in JSON, not null
	}
	d, err := plan.decide(ctx, existing)
	if err != nil {
		return nil, scopeError(err, req.Company, company)
	}
	plan.Action, plan.existing = d.action, d.existing
	return plan, nil
}
