package keepnettest

import "time"

// Seeded names and IDs of the default world. The names are the ones the
// project's docs and `make demo` use; the IDs are stable so tests can name
// them directly.
const (
	// ResellerCompanyID is the credential's own company (the JWT claim
	// user_company_resourceid). It is not a customer: companies/search does
	// not list it.
	ResellerCompanyID   = "k3Northwnd00"
	ResellerCompanyName = "Northwind Security Partners"

	CompanyAcmeID           = "k3AcmeMfg001"
	CompanyAcmeName         = "Acme Manufacturing"
	CompanyAcmeEuropeID     = "k3AcmeEur002"
	CompanyAcmeEuropeName   = "Acme Manufacturing Europe"
	CompanyGlobexID         = "k3GlobexR003"
	CompanyGlobexName       = "Globex Retail"
	CompanyUnmanagedID      = "k3Initech404"
	CompanyUnmanagedName    = "Initech Holdings"
	TrainingPhishingID      = "t5PhishFun01"
	TrainingPhishingName    = "Phishing Fundamentals"
	TrainingPhishingAdvID   = "t5PhishAdv02"
	TrainingPhishingAdvName = "Phishing Fundamentals Advanced"
	TrainingPasswordID      = "t5PassHyg003"
	TrainingPasswordName    = "Password Hygiene"
	TrainingSurveyID        = "t5SecCult004"
	TrainingSurveyName      = "Security Culture Survey"
	GroupAcmeFinanceID      = "g9AcmeFin001"
	GroupAcmeFinanceEMEAID  = "g9AcmeFinE02"
	GroupAcmeAllStaffID     = "g9AcmeAll003"
	GroupGlobexFinanceID    = "g9GlobFin004"
	GroupGlobexAllStaffID   = "g9GlobAll005"
	GroupAcmeEuropeAllID    = "g9AEurAll006"
	GroupFinanceName        = "Finance"
	GroupFinanceEMEAName    = "Finance EMEA"
	GroupAllStaffName       = "All Staff"

	// SurveyName is the survey enrollment's name in both Acme Manufacturing
	// and Globex Retail: an unscoped search finds both.
	SurveyName = "Security Culture Survey"
	// SurveyPilotName shares SurveyName as a prefix.
	SurveyPilotName          = "Security Culture Survey (Pilot)"
	EnrollmentAcmeSurveyID   = "e7AcmeSrv001"
	EnrollmentGlobexSurveyID = "e7GlobSrv002"
	EnrollmentAcmePilotID    = "e7AcmePlt003"
	EnrollmentAcmeTrainingID = "e7AcmePhi004"
	// TrainingEnrollmentName is the SCORM enrollment in Acme Manufacturing.
	TrainingEnrollmentName = "Phishing Fundamentals 2026"

	// DefaultSurveyUsers is the user count of Acme's survey unless WithUsers
	// says otherwise; small enough for a readable demo.
	DefaultSurveyUsers = 30
)

// Time zones the fake accepts, Windows IDs as the vendor's UI uses them.
var seededTimeZones = []struct{ id, display string }{
	{"Dateline Standard Time", "(UTC-12:00) International Date Line West"},
	{"Pacific Standard Time", "(UTC-08:00) Pacific Time (US & Canada)"},
	{"Eastern Standard Time", "(UTC-05:00) Eastern Time (US & Canada)"},
	{"UTC", "(UTC) Coordinated Universal Time"},
	{"GMT Standard Time", "(UTC+00:00) Dublin, Edinburgh, Lisbon, London"},
	{"W. Europe Standard Time", "(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna"},
	{"Turkey Standard Time", "(UTC+03:00) Istanbul"},
	{"India Standard Time", "(UTC+05:30) Chennai, Kolkata, Mumbai, New Delhi"},
	{"Tokyo Standard Time", "(UTC+09:00) Osaka, Sapporo, Tokyo"},
}

// seedTime anchors every seeded date, so the world does not move with the
// wall clock.
var seedTime = time.Date(2026, time.January, 12, 9, 0, 0, 0, time.UTC)

// seedWorld fills w with the default world. surveyUsers sizes Acme's survey.
func seedWorld(w *world, surveyUsers int) {
	w.addCompany(&Company{ID: ResellerCompanyID, Name: ResellerCompanyName, Industry: "Information Technology"}, false)
	w.addCompany(&Company{ID: CompanyAcmeID, Name: CompanyAcmeName, Managed: true, Industry: "Manufacturing"}, true)
	// No industry: the service leaves the field out.
	w.addCompany(&Company{ID: CompanyAcmeEuropeID, Name: CompanyAcmeEuropeName, Managed: true}, true)
	w.addCompany(&Company{ID: CompanyGlobexID, Name: CompanyGlobexName, Managed: true, Industry: "Retail"}, true)
	w.addCompany(&Company{ID: CompanyUnmanagedID, Name: CompanyUnmanagedName, Industry: "Finance"}, false)

	w.addTraining(&Training{ID: TrainingPhishingID, Name: TrainingPhishingName, Type: "SCORM"})
	w.addTraining(&Training{ID: TrainingPhishingAdvID, Name: TrainingPhishingAdvName, Type: "SCORM"})
	w.addTraining(&Training{ID: TrainingPasswordID, Name: TrainingPasswordName, Type: "SCORM"})
	w.addTraining(&Training{ID: TrainingSurveyID, Name: TrainingSurveyName, Type: "Survey"})

	w.addGroup(&Group{ID: GroupAcmeFinanceID, CompanyID: CompanyAcmeID, Name: GroupFinanceName, UserCount: 14})
	w.addGroup(&Group{ID: GroupAcmeFinanceEMEAID, CompanyID: CompanyAcmeID, Name: GroupFinanceEMEAName, UserCount: 6})
	w.addGroup(&Group{ID: GroupAcmeAllStaffID, CompanyID: CompanyAcmeID, Name: GroupAllStaffName, UserCount: 240})
	w.addGroup(&Group{ID: GroupGlobexFinanceID, CompanyID: CompanyGlobexID, Name: GroupFinanceName, UserCount: 9})
	w.addGroup(&Group{ID: GroupGlobexAllStaffID, CompanyID: CompanyGlobexID, Name: GroupAllStaffName, UserCount: 75})
	w.addGroup(&Group{ID: GroupAcmeEuropeAllID, CompanyID: CompanyAcmeEuropeID, Name: GroupAllStaffName, UserCount: 31})

	w.addEnrollment(&Enrollment{
		ID: EnrollmentAcmeSurveyID, CompanyID: CompanyAcmeID, Name: SurveyName, Type: "Survey",
		Status: StatusFinished, TrainingID: TrainingSurveyID, TrainingName: TrainingSurveyName,
		GroupIDs: []string{GroupAcmeAllStaffID}, Users: surveyUsers,
		StartDate: seedTime, CreateTime: seedTime.Add(-26 * time.Hour),
	})
	w.addEnrollment(&Enrollment{
		ID: EnrollmentAcmePilotID, CompanyID: CompanyAcmeID, Name: SurveyPilotName, Type: "Survey",
		Status: StatusFinished, TrainingID: TrainingSurveyID, TrainingName: TrainingSurveyName,
		GroupIDs: []string{GroupAcmeFinanceID}, Users: 5,
		StartDate: seedTime.AddDate(0, -2, 0), CreateTime: seedTime.AddDate(0, -2, -1),
	})
	w.addEnrollment(&Enrollment{
		ID: EnrollmentGlobexSurveyID, CompanyID: CompanyGlobexID, Name: SurveyName, Type: "Survey",
		Status: StatusFinished, TrainingID: TrainingSurveyID, TrainingName: TrainingSurveyName,
		GroupIDs: []string{GroupGlobexAllStaffID}, Users: 12,
		StartDate: seedTime.Add(49 * time.Hour), CreateTime: seedTime.Add(47 * time.Hour),
	})
	w.addEnrollment(&Enrollment{
		ID: EnrollmentAcmeTrainingID, CompanyID: CompanyAcmeID, Name: TrainingEnrollmentName, Type: "SCORM",
		Status: StatusFinished, TrainingID: TrainingPhishingID, TrainingName: TrainingPhishingName,
		GroupIDs: []string{GroupAcmeFinanceID, GroupAcmeFinanceEMEAID}, Users: 20,
		StartDate: seedTime.AddDate(0, 0, -5), CreateTime: seedTime.AddDate(0, 0, -6),
	})
}
