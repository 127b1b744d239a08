package keepnettest

import (
	"fmt"
	"strconv"
	"time"
)

// Seeded training enrollments and simulation campaigns of the default
// world, beside Acme Manufacturing's SCORM enrollment
// (EnrollmentAcmeTrainingID, TrainingEnrollmentName, which has no due date).
const (
	// EnrollmentGlobexTrainingID is Globex Retail's SCORM enrollment, due
	// on 11 February 2026: overdue against any later clock.
	EnrollmentGlobexTrainingID   = "e7GlobPwd005"
	EnrollmentGlobexTrainingName = "Password Hygiene 2026"
	// EnrollmentGlobexInfographicID is an enrollment without an exam.
	EnrollmentGlobexInfographicID   = "e7GlobInf006"
	EnrollmentGlobexInfographicName = "Clean Desk Infographic"
	// EnrollmentAcmeEuropeTrainingID is Acme Manufacturing Europe's SCORM
	// enrollment, due in January 2028.
	EnrollmentAcmeEuropeTrainingID   = "e7AEurPhA007"
	EnrollmentAcmeEuropeTrainingName = "Phishing Fundamentals Advanced (EU)"
	// EnrollmentAcmeEuropePathID is a learning path, with an exam.
	EnrollmentAcmeEuropePathID   = "e7AEurLrn008"
	EnrollmentAcmeEuropePathName = "Security Onboarding Path"

	// PhishingAcmeInvoiceID is Acme's phishing campaign with two jobs
	// (instance groups 1 and 2); some users' activity is a scanner's.
	PhishingAcmeInvoiceID   = "c8AcmeInv001"
	PhishingAcmeInvoiceName = "Invoice Overdue Lure"
	// PhishingAcmeTestID is a test campaign (excludeFromReports), which the
	// API lists all the same.
	PhishingAcmeTestID   = "c8AcmeTst002"
	PhishingAcmeTestName = "IT Dry Run"
	// SmishingAcmeParcelID and QuishingAcmeParkingID are Acme's smishing
	// and quishing campaigns, one job each (the quishing one still running).
	SmishingAcmeParcelID    = "c8AcmeSms003"
	SmishingAcmeParcelName  = "Parcel Held at Depot"
	QuishingAcmeParkingID   = "c8AcmeQr0004"
	QuishingAcmeParkingName = "Parking Permit Renewal"
	// PhishingGlobexGiftID is Globex's phishing campaign, one job;
	// PhishingGlobexDraftID was never launched and has no jobs.
	PhishingGlobexGiftID    = "c8GlobGft005"
	PhishingGlobexGiftName  = "Gift Card Request"
	PhishingGlobexDraftID   = "c8GlobDrf006"
	PhishingGlobexDraftName = "Payroll Update Notice"

	// DefaultJobUsers is the size of the first job of PhishingAcmeInvoiceID
	// unless WithJobUsers says otherwise.
	DefaultJobUsers = 30
	// DefaultTrainingUsers is the size of Acme's SCORM enrollment unless
	// WithTrainingUsers says otherwise.
	DefaultTrainingUsers = 20
)

// resultSizes are the options that size the results world.
type resultSizes struct {
	trainingUsers, jobUsers                 int
	customerEnrollments, customerTrainUsers int // fixed per customer when customerTrainSet
	customerJobs, customerJobUsers          int // fixed per customer when customerJobsSet
	customerTrainSet, customerJobsSet       bool
}

// WithTrainingUsers sets the user count of Acme Manufacturing's SCORM
// enrollment (TrainingEnrollmentName; default DefaultTrainingUsers). Users
// are generated on demand, so 20,000 cost little memory.
func WithTrainingUsers(n int) Option { return func(c *config) { c.results.trainingUsers = n } }

// WithJobUsers sets the user count of the first job of Acme
// Manufacturing's PhishingAcmeInvoiceName (default DefaultJobUsers). Users
// and their events are generated on demand.
func WithJobUsers(n int) Option { return func(c *config) { c.results.jobUsers = n } }

// WithCustomerTraining gives every customer of WithCustomers exactly
// perCompany SCORM enrollments of users users each, instead of the varied
// world (0 to 3 enrollments of 10 to 150 users).
func WithCustomerTraining(perCompany, users int) Option {
	return func(c *config) {
		c.results.customerEnrollments, c.results.customerTrainUsers, c.results.customerTrainSet = perCompany, users, true
	}
}

// WithPhishingJobs gives every customer of WithCustomers exactly one
// phishing campaign, CustomerCampaignName, with perCompany jobs of
// usersPerJob users each, and no test, smishing or quishing campaigns,
// instead of the varied world: sized worlds for benchmarks.
func WithPhishingJobs(perCompany, usersPerJob int) Option {
	return func(c *config) {
		c.results.customerJobs, c.results.customerJobUsers, c.results.customerJobsSet = perCompany, usersPerJob, true
	}
}

// CustomerCampaignName is the phishing campaign every customer with jobs
// has, under the same name in every company.
const CustomerCampaignName = "Quarterly Phishing Test"

// seedResults adds the training enrollments and simulation campaigns of
// the seeded companies and of n customers.
func seedResults(w *world, sz resultSizes, customers int) {
	if e := w.enrollment(EnrollmentAcmeTrainingID); e != nil {
		e.Users = DefaultTrainingUsers
		if sz.trainingUsers > 0 {
			e.Users = sz.trainingUsers
		}
	}
	training := func(id, company, group, name, typ, trainingID, trainingName string, users int, start, due time.Time) {
		w.addEnrollment(&Enrollment{
			ID: id, CompanyID: company, Name: name, Type: typ, Status: StatusFinished,
			TrainingID: trainingID, TrainingName: trainingName, GroupIDs: []string{group}, Users: users,
			StartDate: start, CreateTime: start.Add(-3 * time.Hour), ScheduledDate: start, DueDate: due,
			TimeZoneID: "GMT Standard Time",
		})
	}
	training(EnrollmentGlobexTrainingID, CompanyGlobexID, GroupGlobexAllStaffID, EnrollmentGlobexTrainingName, "SCORM", TrainingPasswordID, TrainingPasswordName,
		40, seedTime.AddDate(0, 0, -1), seedTime.AddDate(0, 0, 30))
	training(EnrollmentGlobexInfographicID, CompanyGlobexID, GroupGlobexAllStaffID, EnrollmentGlobexInfographicName, "Infographic", "t5CleanDsk05", "Clean Desk Policy",
		12, seedTime.AddDate(0, 0, 3), time.Time{})
	training(EnrollmentAcmeEuropeTrainingID, CompanyAcmeEuropeID, GroupAcmeEuropeAllID, EnrollmentAcmeEuropeTrainingName, "SCORM", TrainingPhishingAdvID, TrainingPhishingAdvName,
		25, seedTime.AddDate(0, 0, 2), seedTime.AddDate(2, 0, 0))
	training(EnrollmentAcmeEuropePathID, CompanyAcmeEuropeID, GroupAcmeEuropeAllID, EnrollmentAcmeEuropePathName, "LearningPath", "t5OnbPath06", "Security Onboarding",
		8, seedTime.AddDate(0, -1, 0), seedTime.AddDate(0, 0, -2))

	jobUsers := DefaultJobUsers
	if sz.jobUsers > 0 {
		jobUsers = sz.jobUsers
	}
	invoice := w.seedCampaign(PhishingAcmeInvoiceID, CompanyAcmeID, ChannelPhishing, PhishingAcmeInvoiceName, false, GroupAcmeAllStaffID)
	w.addJob(invoice, JobCompleted, jobUsers, seedTime.AddDate(0, 0, -40))
	w.addJob(invoice, JobCompleted, 24, seedTime.AddDate(0, 0, -10))
	test := w.seedCampaign(PhishingAcmeTestID, CompanyAcmeID, ChannelPhishing, PhishingAcmeTestName, true, GroupAcmeFinanceID)
	w.addJob(test, JobCompleted, 6, seedTime.AddDate(0, 0, -45))
	sms := w.seedCampaign(SmishingAcmeParcelID, CompanyAcmeID, ChannelSmishing, SmishingAcmeParcelName, false, GroupAcmeAllStaffID)
	w.addJob(sms, JobCompleted, 15, seedTime.AddDate(0, 0, -20))
	qr := w.seedCampaign(QuishingAcmeParkingID, CompanyAcmeID, ChannelQuishing, QuishingAcmeParkingName, false, GroupAcmeAllStaffID)
	w.addJob(qr, JobRunning, 12, seedTime.AddDate(0, 0, -1))
	gift := w.seedCampaign(PhishingGlobexGiftID, CompanyGlobexID, ChannelPhishing, PhishingGlobexGiftName, false, GroupGlobexAllStaffID)
	w.addJob(gift, JobCompleted, 20, seedTime.AddDate(0, 0, -15))
	w.seedCampaign(PhishingGlobexDraftID, CompanyGlobexID, ChannelPhishing, PhishingGlobexDraftName, false, GroupGlobexFinanceID)

	for k := 1; k <= customers; k++ {
		seedCustomerResults(w, sz, k)
	}
}

// scenarios are the invented scenario names and methods per channel.
var scenarios = map[Channel][2]string{
	ChannelPhishing: {"Overdue Invoice #4471", "Data Submission"},
	ChannelSmishing: {"Missed Parcel Delivery", "Click-only"},
	ChannelQuishing: {"Parking Permit QR", "Data Submission"},
}

func (w *world) seedCampaign(id, companyID string, ch Channel, name string, test bool, groups ...string) *Campaign {
	c := &Campaign{
		ID: id, CompanyID: companyID, Channel: ch, Name: name, ExcludeFromReports: test,
		Scenario: scenarios[ch][0], Method: scenarios[ch][1], GroupIDs: groups,
		CreateTime: seedTime.AddDate(0, -3, len(w.sims.campaigns)),
	}
	w.addCampaign(c)
	return c
}

// customerTrainings are the trainings customers are enrolled in, in order.
var customerTrainings = []struct{ name, trainingID, trainingName string }{
	{"Phishing Basics 2026", TrainingPhishingID, TrainingPhishingName},
	{"Password Hygiene Refresher", TrainingPasswordID, TrainingPasswordName},
	{"Advanced Phishing Q2", TrainingPhishingAdvID, TrainingPhishingAdvName},
}

// seedCustomerResults gives customer k (see CustomerID) its training
// enrollments and campaigns, varied and deterministic from the seed unless
// the sizing options fix them.
func seedCustomerResults(w *world, sz resultSizes, k int) {
	id := CustomerID(k)
	all := fmt.Sprintf("g9CustAll%03d", k%1000)
	h := mix(w.seed, "customer-results", strconv.Itoa(k))
	size := func(n int) int { return 10 + int(mix(h, "size", strconv.Itoa(n))%141) }

	enrollments := int(h % 4)
	if sz.customerTrainSet {
		enrollments = sz.customerEnrollments
	}
	for n := range enrollments {
		t := customerTrainings[n%len(customerTrainings)]
		users := size(n)
		if sz.customerTrainSet {
			users = sz.customerTrainUsers
		}
		start := seedTime.AddDate(0, -2*n, -(k % 20))
		due := seedTime.AddDate(2, 0, 0)
		if (h>>(8+n))%2 == 0 {
			due = start.AddDate(0, 0, 30) // overdue
		}
		w.addEnrollment(&Enrollment{
			ID: fmt.Sprintf("e7Cu%05dT%d", k, n), CompanyID: id, Name: t.name, Type: "SCORM", Status: StatusFinished,
			TrainingID: t.trainingID, TrainingName: t.trainingName, GroupIDs: []string{all}, Users: users,
			StartDate: start, CreateTime: start.Add(-2 * time.Hour), ScheduledDate: start, DueDate: due,
			TimeZoneID: "GMT Standard Time",
		})
	}

	jobs := int((h >> 16) % 4)
	if sz.customerJobsSet {
		jobs = sz.customerJobs
	}
	campaign := func(n int, ch Channel, name string, test bool) *Campaign {
		return w.seedCampaign(fmt.Sprintf("c8Cu%05dP%d", k, n), id, ch, name, test, all)
	}
	if jobs > 0 {
		first := campaign(0, ChannelPhishing, CustomerCampaignName, false)
		var second *Campaign
		for n := range jobs {
			c, users := first, size(10+n)
			if sz.customerJobsSet {
				users = sz.customerJobUsers
			} else if n >= 2 {
				if second == nil {
					second = campaign(1, ChannelPhishing, "Payroll Update Notice", false)
				}
				c = second
			}
			w.addJob(c, JobCompleted, users, seedTime.AddDate(0, n-jobs, -(k%20)).Add(time.Duration(k)*time.Hour))
		}
	}
	if sz.customerJobsSet {
		return
	}
	if k%4 == 0 {
		test := campaign(2, ChannelPhishing, "Phishing Dry Run", true)
		w.addJob(test, JobCompleted, 5, seedTime.AddDate(0, 0, -k%30))
	}
	if k%5 == 0 {
		w.addJob(campaign(3, ChannelSmishing, "Parcel Held at Depot", false), JobCompleted, size(20), seedTime.AddDate(0, 0, -k%25))
	}
	if k%6 == 0 {
		w.addJob(campaign(4, ChannelQuishing, "Parking Permit Renewal", false), JobCompleted, size(21), seedTime.AddDate(0, 0, -k%15))
	}
}
