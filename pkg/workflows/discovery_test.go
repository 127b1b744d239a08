package workflows_test

import (
	"context"
	"slices"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

func ids[T any](items []T, id func(T) string) []string {
	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, id(it))
	}
	slices.Sort(out)
	return out
}

// The listings read every page: the fake returns two rows a page here.
func TestListings(t *testing.T) {
	srv, c := startEnrollFake(t, keepnettest.WithPageSizeCap(2))
	ctx := context.Background()
	acme := c.ForCompany(keepnettest.CompanyAcmeID)
	trainingID := func(t workflows.Training) string { return t.ID }
	groupID := func(g workflows.TargetGroup) string { return g.ID }
	enrollmentID := func(e workflows.Enrollment) string { return e.ID }
	companyID := func(c workflows.Company) string { return c.ID }

	for _, tc := range []struct {
		name string
		list func() ([]string, error)
		want []string
	}{
		{"companies", func() ([]string, error) {
			got, err := workflows.ListCompanies(ctx, c, "")
			return ids(got, companyID), err
		}, []string{keepnettest.CompanyAcmeEuropeID, keepnettest.CompanyAcmeID, keepnettest.CompanyGlobexID}},
		{"companies searched", func() ([]string, error) {
			got, err := workflows.ListCompanies(ctx, c, "EUROPE")
			return ids(got, companyID), err
		}, []string{keepnettest.CompanyAcmeEuropeID}},
		{"trainings", func() ([]string, error) {
			got, err := workflows.ListTrainings(ctx, acme, "")
			return ids(got, trainingID), err
		}, []string{keepnettest.TrainingPasswordID, keepnettest.TrainingPhishingID, keepnettest.TrainingPhishingAdvID, keepnettest.TrainingSurveyID}},
		{"trainings searched", func() ([]string, error) {
			got, err := workflows.ListTrainings(ctx, acme, "phishing")
			return ids(got, trainingID), err
		}, []string{keepnettest.TrainingPhishingID, keepnettest.TrainingPhishingAdvID}},
		{"groups", func() ([]string, error) {
			got, err := workflows.ListTargetGroups(ctx, acme, "")
			return ids(got, groupID), err
		}, []string{keepnettest.GroupAcmeAllStaffID, keepnettest.GroupAcmeFinanceID, keepnettest.GroupAcmeFinanceEMEAID}},
		{"groups searched", func() ([]string, error) {
			got, err := workflows.ListTargetGroups(ctx, acme, "emea")
			return ids(got, groupID), err
		}, []string{keepnettest.GroupAcmeFinanceEMEAID}},
		{"enrollments", func() ([]string, error) {
			got, err := workflows.ListEnrollments(ctx, acme, workflows.EnrollmentQuery{})
			return ids(got, enrollmentID), err
		}, []string{keepnettest.EnrollmentAcmeSurveyID, keepnettest.EnrollmentAcmePilotID, keepnettest.EnrollmentAcmeTrainingID}},
		{"enrollments of a type", func() ([]string, error) {
			got, err := workflows.ListEnrollments(ctx, acme, workflows.EnrollmentQuery{Type: "SCORM"})
			return ids(got, enrollmentID), err
		}, []string{keepnettest.EnrollmentAcmeTrainingID}},
		{"enrollments searched", func() ([]string, error) {
			got, err := workflows.ListEnrollments(ctx, acme, workflows.EnrollmentQuery{Search: "pilot"})
			return ids(got, enrollmentID), err
		}, []string{keepnettest.EnrollmentAcmePilotID}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.list()
			if err != nil {
				t.Fatal(err)
			}
			want := slices.Sorted(slices.Values(tc.want))
			if !slices.Equal(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
	if v := srv.SpecViolations(); len(v) > 0 {
		t.Errorf("spec violations: %v", v)
	}
}

func TestListTimeZones(t *testing.T) {
	_, c := startEnrollFake(t)
	zones, err := workflows.ListTimeZones(context.Background(), c.ForCompany(keepnettest.CompanyAcmeID))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(zones, func(z workflows.TimeZone) bool {
		return z.ID == "GMT Standard Time" && z.DisplayName != ""
	}) {
		t.Errorf("zones = %v, want GMT Standard Time with its display name", zones)
	}
}
