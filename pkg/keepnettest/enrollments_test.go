package keepnettest_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/keepnet-flow/keepnet-flow/gen"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// createBody is a valid create request for Acme's Finance group.
func createBody(name string) gen.PostEnrollmentsJSONRequestBody {
	return gen.PostEnrollmentsJSONRequestBody{
		TrainingId:             keepnettest.TrainingPhishingID,
		Name:                   name,
		TargetGroupResourceIds: []string{keepnettest.GroupAcmeFinanceID},
		AwardCertificate:       ptr(true),
	}
}

func withScheduler(b gen.PostEnrollmentsJSONRequestBody, scheduled, due time.Time, zone string) gen.PostEnrollmentsJSONRequestBody {
	b.EnrollmentScheduler = &struct {
		DueDate             *keepnetdate.Time `json:"dueDate,omitempty"`
		ScheduledDate       *keepnetdate.Time `json:"scheduledDate,omitempty"`
		ScheduledTimeZoneId *string           `json:"scheduledTimeZoneId,omitempty"`
		UseOwnTimeZone      *bool             `json:"useOwnTimeZone,omitempty"`
	}{
		DueDate:             ptr(keepnetdate.FromTime(due)),
		ScheduledDate:       ptr(keepnetdate.FromTime(scheduled)),
		ScheduledTimeZoneId: ptr(zone),
		UseOwnTimeZone:      ptr(false),
	}
	return b
}

func TestCreatedEnrollmentIsScheduledUntilSentOnce(t *testing.T) {
	s := newServer(t)
	c := scoped(t, s, keepnettest.CompanyAcmeID)
	ctx := context.Background()

	start := time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC)
	created, err := c.PostEnrollmentsWithResponse(ctx, withScheduler(createBody("Q3 phishing refresher"), start, start.AddDate(0, 1, 0), "GMT Standard Time"))
	if err != nil {
		t.Fatal(err)
	}
	if created.StatusCode() != 201 || created.JSON201 == nil || created.JSON201.Data == nil || created.JSON201.Data.Id == nil {
		t.Fatalf("create: status %d body %s, want 201 with data.id", created.StatusCode(), created.Body)
	}
	id := *created.JSON201.Data.Id
	if got := status(t, s, id); got != keepnettest.StatusScheduled {
		t.Errorf("after create: status %q, want Scheduled", got)
	}
	e, ok := s.Enrollment(id)
	if !ok || !e.Created || e.CompanyID != keepnettest.CompanyAcmeID || e.TimeZoneID != "GMT Standard Time" || !e.ScheduledDate.Equal(start) {
		t.Errorf("world has %+v", e)
	}

	got, err := c.GetEnrollmentsResourceIdWithResponse(ctx, id)
	if err != nil || got.JSON200 == nil || got.JSON200.Data == nil || *got.JSON200.Data.Name != "Q3 phishing refresher" {
		t.Errorf("get: %v, status %d body %s", err, got.StatusCode(), got.Body)
	}

	sent, err := c.PostEnrollmentsResourceIdSendWithResponse(ctx, id)
	if err != nil || sent.StatusCode() != 200 || sent.JSON200 == nil || *sent.JSON200.Data.ResourceId != id {
		t.Fatalf("send: %v, status %d body %s", err, sent.StatusCode(), sent.Body)
	}
	if got := status(t, s, id); got != keepnettest.StatusSending {
		t.Errorf("after send: status %q, want Sending", got)
	}

	again, err := c.PostEnrollmentsResourceIdSendWithResponse(ctx, id)
	if err != nil || again.StatusCode() != 400 {
		t.Errorf("second send: %v, status %d, want 400", err, again.StatusCode())
	}
	if sent := s.SentEnrollments(); len(sent) != 1 || sent[0].SendCount != 1 {
		t.Errorf("SentEnrollments = %+v, want one sent once", sent)
	}
}

// status reads an enrollment's status as enrollments/search reports it.
func status(t *testing.T, s *keepnettest.Server, id string) string {
	t.Helper()
	var got searchReply
	decode(t, raw(t, s, token(t, s), "POST", "/api/enrollments/search", "application/json", searchBody(1, 100, ""),
		both(keepnettest.CompanyAcmeID)...), &got)
	for _, e := range got.Data.Results {
		if e["enrollmentId"] == id {
			return e["status"].(string)
		}
	}
	t.Fatalf("enrollment %s not in search results", id)
	return ""
}

func TestCreateValidationFailsAsInputErrors(t *testing.T) {
	s := newServer(t)
	c := scoped(t, s, keepnettest.CompanyAcmeID)
	start := time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC)
	unknownTraining := createBody("x")
	unknownTraining.TrainingId = "t5Nope000000"
	unknownGroup := createBody("x")
	unknownGroup.TargetGroupResourceIds = []string{"g9Nope000000"}
	otherCompanysGroup := createBody("x")
	otherCompanysGroup.TargetGroupResourceIds = []string{keepnettest.GroupGlobexFinanceID}

	cases := []struct {
		name string
		body gen.PostEnrollmentsJSONRequestBody
		want string
	}{
		{"unknown training", unknownTraining, "Training"},
		{"unknown group", unknownGroup, "Target group"},
		{"another company's group", otherCompanysGroup, "Target group"},
		{"due before schedule", withScheduler(createBody("x"), start, start.Add(-time.Hour), "GMT Standard Time"), "Due date"},
		{"IANA time zone", withScheduler(createBody("x"), start, start.AddDate(0, 0, 7), "Europe/Istanbul"), "Time zone"},
	}
	for _, tc := range cases {
		resp, err := c.PostEnrollmentsWithResponse(context.Background(), tc.body)
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			Status             string   `json:"status"`
			ValidationMessages []string `json:"validationMessages"`
		}
		decode(t, reply{status: resp.StatusCode(), body: string(resp.Body)}, &body)
		if resp.StatusCode() != 400 || body.Status != "INPUT_ERROR" || !strings.Contains(strings.Join(body.ValidationMessages, " "), tc.want) {
			t.Errorf("%s: status %d body %s, want 400 INPUT_ERROR mentioning %q", tc.name, resp.StatusCode(), resp.Body, tc.want)
		}
	}
	if n := len(s.CreatedEnrollments()); n != 0 {
		t.Errorf("%d enrollments created by invalid requests", n)
	}
}

func TestCommitThenFailCreatesAndSendsBehindA502(t *testing.T) {
	s := newServer(t,
		keepnettest.WithCommitThenFail(keepnettest.RouteEnrollmentCreate, 1),
		keepnettest.WithCommitThenFail(keepnettest.RouteEnrollmentSend, 1))
	c := scoped(t, s, keepnettest.CompanyAcmeID)
	ctx := context.Background()

	resp, err := c.PostEnrollmentsWithResponse(ctx, createBody("Committed anyway"))
	if err != nil || resp.StatusCode() != 502 || !strings.Contains(resp.HTTPResponse.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("create: %v, status %d, want an HTML 502", err, resp.StatusCode())
	}
	created := s.CreatedEnrollments()
	if len(created) != 1 || created[0].Name != "Committed anyway" {
		t.Fatalf("after the 502 the world has %+v, want the enrollment", created)
	}
	id := created[0].ID

	send, err := c.PostEnrollmentsResourceIdSendWithResponse(ctx, id)
	if err != nil || send.StatusCode() != 502 {
		t.Fatalf("send: %v, status %d, want 502", err, send.StatusCode())
	}
	if e, _ := s.Enrollment(id); e.Status != keepnettest.StatusSending || e.SendCount != 1 {
		t.Errorf("after the send's 502: %+v, want Sending, sent once", e)
	}
	// The budget was one failure each: the next create answers normally.
	if resp, _ := c.PostEnrollmentsWithResponse(ctx, createBody("Second")); resp.StatusCode() != 201 {
		t.Errorf("second create: status %d, want 201", resp.StatusCode())
	}
}

func TestUnscopedCreateFindsNoCustomerGroups(t *testing.T) {
	s := newServer(t)
	resp, err := api(t, s).PostEnrollmentsWithResponse(context.Background(), createBody("Forgot the headers"))
	if err != nil || resp.StatusCode() != 400 {
		t.Errorf("create without company headers: %v, status %d, want 400", err, resp.StatusCode())
	}
}

func TestFormDetailsAndTimeZones(t *testing.T) {
	s := newServer(t)
	c := scoped(t, s, keepnettest.CompanyAcmeID)
	form, err := c.GetEnrollmentsFormDetailsWithResponse(context.Background())
	if err != nil || form.JSON200 == nil || form.JSON200.Data == nil || form.JSON200.Data.EnumNameValuePairs == nil {
		t.Fatalf("form-details: %v, status %d body %s", err, form.StatusCode(), form.Body)
	}
	if _, ok := (*form.JSON200.Data.EnumNameValuePairs)["EmailPeriodTypeEnum"]; !ok {
		t.Errorf("form-details lacks EmailPeriodTypeEnum: %s", form.Body)
	}
	tz, err := c.GetTimezoneTimezonesWithResponse(context.Background())
	if err != nil || tz.JSON200 == nil || tz.JSON200.Data == nil || tz.JSON200.Data.TimeZoneList == nil {
		t.Fatalf("timezones: %v, status %d body %s", err, tz.StatusCode(), tz.Body)
	}
	ids := map[string]bool{}
	for _, z := range *tz.JSON200.Data.TimeZoneList {
		ids[*z.Id] = true
	}
	for _, want := range []string{"GMT Standard Time", "Turkey Standard Time", "Eastern Standard Time", "W. Europe Standard Time"} {
		if !ids[want] {
			t.Errorf("time zones lack %q", want)
		}
	}
}

// listed reports whether enrollments/search lists id in Acme.
func listed(t *testing.T, s *keepnettest.Server, id string) bool {
	t.Helper()
	var got searchReply
	decode(t, raw(t, s, token(t, s), "POST", "/api/enrollments/search", "application/json", searchBody(1, 100, ""),
		both(keepnettest.CompanyAcmeID)...), &got)
	for _, e := range got.Data.Results {
		if e["enrollmentId"] == id {
			return true
		}
	}
	return false
}

func TestListingLagHidesANewEnrollmentForNSearches(t *testing.T) {
	s := newServer(t, keepnettest.WithListingLag(2))
	c := scoped(t, s, keepnettest.CompanyAcmeID)
	created, err := c.PostEnrollmentsWithResponse(context.Background(), createBody("Lagging listing"))
	if err != nil || created.JSON201 == nil || created.JSON201.Data == nil || created.JSON201.Data.Id == nil {
		t.Fatalf("create: %v", err)
	}
	id := *created.JSON201.Data.Id
	for i, want := range []bool{false, false, true, true} {
		if got := listed(t, s, id); got != want {
			t.Errorf("search %d lists it: %v, want %v", i+1, got, want)
		}
	}
	if !listed(t, s, keepnettest.EnrollmentAcmeTrainingID) {
		t.Error("the lag hid a seeded enrollment")
	}
}

func TestListingDelayFollowsTheServerClock(t *testing.T) {
	var now atomic.Int64 // read by the server's handlers
	now.Store(time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC).Unix())
	s := newServer(t, keepnettest.WithListingDelay(time.Minute), keepnettest.WithClock(func() time.Time { return time.Unix(now.Load(), 0) }))
	c := scoped(t, s, keepnettest.CompanyAcmeID)
	created, err := c.PostEnrollmentsWithResponse(context.Background(), createBody("Delayed listing"))
	if err != nil || created.JSON201 == nil || created.JSON201.Data == nil || created.JSON201.Data.Id == nil {
		t.Fatalf("create: %v", err)
	}
	id := *created.JSON201.Data.Id
	if listed(t, s, id) {
		t.Error("listed before the delay passed")
	}
	now.Add(60)
	if !listed(t, s, id) {
		t.Error("not listed once the delay passed")
	}
}

func TestArchiveTakesAnEnrollmentOutOfTheListing(t *testing.T) {
	s := newServer(t)
	c := scoped(t, s, keepnettest.CompanyAcmeID)
	ctx := context.Background()
	created, err := c.PostEnrollmentsWithResponse(ctx, createBody("To be archived"))
	if err != nil || created.JSON201 == nil || created.JSON201.Data == nil || created.JSON201.Data.Id == nil {
		t.Fatalf("create: %v", err)
	}
	id := *created.JSON201.Data.Id
	for range 2 { // archiving twice changes nothing more
		resp, err := c.DeleteEnrollmentsResourceIdWithResponse(ctx, id)
		if err != nil || resp.StatusCode() != 200 {
			t.Fatalf("archive: %v, status %d", err, resp.StatusCode())
		}
	}
	if listed(t, s, id) {
		t.Error("an archived enrollment is still listed")
	}
	if e, ok := s.Enrollment(id); !ok || e.Status != keepnettest.StatusArchived || e.SendCount != 0 {
		t.Errorf("world has %+v, want it archived, unsent", e)
	}
	if resp, err := c.PostEnrollmentsResourceIdSendWithResponse(ctx, id); err != nil || resp.StatusCode() != 400 {
		t.Errorf("sending an archived enrollment: %v, status %d; want 400", err, resp.StatusCode())
	}
}
