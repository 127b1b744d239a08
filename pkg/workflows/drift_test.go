package workflows_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// everythingRead is what the flows and listings read from one world, as
// JSON, so that two worlds can be compared whole.
func everythingRead(t *testing.T, c *keepnet.Client) map[string]string {
	t.Helper()
	ctx := context.Background()
	got := map[string]string{}
	record := func(name string, v any, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got[name] = marshal(t, v)
	}
	companies, err := workflows.ListCompanies(ctx, c, "")
	record("companies", companies, err)
	acme := c.ForCompany(keepnettest.CompanyAcmeID)
	trainings, err := workflows.ListTrainings(ctx, acme, "")
	record("trainings", trainings, err)
	groups, err := workflows.ListTargetGroups(ctx, acme, "")
	record("groups", groups, err)
	enrollments, err := workflows.ListEnrollments(ctx, acme, workflows.EnrollmentQuery{})
	record("enrollments", enrollments, err)
	zones, err := workflows.ListTimeZones(ctx, acme)
	record("timezones", zones, err)
	pull, users := pullAll(t, c, acmeSurvey)
	record("survey header", []any{pull.Company, pull.Enrollment.ID, pull.Enrollment.Name, pull.Enrollment.Status, pull.Total()}, nil)
	record("survey users", users, nil)
	for _, u := range users {
		if u.Error != "" {
			t.Errorf("user %s: %s", u.TargetUserResourceID, u.Error)
		}
	}
	return got
}

// TestFlowsAreUnmovedByTypeDrift runs every read flow against a fake whose
// JSON types drift (integers as strings, digit strings as numbers, arrays
// the flows do not read as null or objects, an unknown field in every
// object) and requires exactly what the drift-free fake gives.
func TestFlowsAreUnmovedByTypeDrift(t *testing.T) {
	plain := everythingRead(t, fakeClient(t, specFake(t, keepnettest.WithUsers(40))))
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			srv := specFake(t, keepnettest.WithUsers(40), keepnettest.WithTypeDrift(seed))
			drifted := everythingRead(t, fakeClient(t, srv))
			for name, want := range plain {
				if drifted[name] != want {
					t.Errorf("%s under drift:\n %s\nwithout:\n %s", name, drifted[name], want)
				}
			}
		})
	}
}

// TestServerObjectsPassThroughAsSent: the enrollment details and summary a
// pull carries are the server's JSON, drifted fields and unknown fields
// included, not a re-encoding through generated types.
func TestServerObjectsPassThroughAsSent(t *testing.T) {
	srv := specFake(t, keepnettest.WithTypeDrift(5))
	pull, err := openSurvey(context.Background(), fakeClient(t, srv), acmeSurvey)
	if err != nil {
		t.Fatal(err)
	}
	for name, raw := range map[string]json.RawMessage{"details": pull.Enrollment.Details, "summary": pull.Summary} {
		if !bytes.Contains(raw, []byte(`"x-drift-`)) {
			t.Errorf("%s lost the server's unknown field: %s", name, raw)
		}
	}
}

// rewriting is a transport that rewrites the bodies of responses whose
// request matches, to model a server answer the fake does not send.
type rewriting struct {
	next    http.RoundTripper
	matches func(*http.Request) bool
	rewrite func(body []byte) []byte
}

func (rw *rewriting) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := rw.next.RoundTrip(r)
	if err != nil || !rw.matches(r) {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	body = rw.rewrite(body)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Del("Content-Length")
	return resp, nil
}

func usersPage(n int) func(*http.Request) bool {
	return func(r *http.Request) bool {
		if !strings.HasSuffix(r.URL.Path, "/users/search") || r.GetBody == nil {
			return false
		}
		b, _ := r.GetBody()
		body, _ := io.ReadAll(b)
		return bytes.Contains(body, []byte(fmt.Sprintf(`"pageNumber":%d,`, n)))
	}
}

func TestNeededFieldOfAnotherTypeFailsOnlyItsRecord(t *testing.T) {
	srv := specFake(t, keepnettest.WithUsers(30))
	// The second user's email comes as an object: no string comes of it.
	c := fakeClient(t, srv, keepnet.WithTransport(&rewriting{
		next:    http.DefaultTransport,
		matches: usersPage(1),
		rewrite: func(body []byte) []byte {
			var page map[string]any
			if err := json.Unmarshal(body, &page); err != nil {
				return body
			}
			rows := page["data"].(map[string]any)["results"].([]any)
			rows[1].(map[string]any)["email"] = map[string]any{"address": "x"}
			out, _ := json.Marshal(page)
			return out
		},
	}))
	_, users := pullAll(t, c, acmeSurvey)
	if len(users) != 30 {
		t.Fatalf("%d users, want 30", len(users))
	}
	for i, u := range users {
		switch {
		case i == 1 && !strings.Contains(u.Error, `data.results[1].email: want string, got object {"address":"x"}`):
			t.Errorf("user 1 error = %q; want it to name the field and what came", u.Error)
		case i == 1 && (len(u.Answers) == 0 && len(srv.Answers(keepnettest.EnrollmentAcmeSurveyID, u.TargetUserResourceID)) > 0):
			t.Errorf("user 1 lost its answers: only its email was unusable")
		case i != 1 && u.Error != "":
			t.Errorf("user %d error = %q; only user 1 is affected", i, u.Error)
		}
	}
}

// usersUntilError pulls Acme's survey and returns how many users came
// before the pull's own error, and that error.
func usersUntilError(t *testing.T, c *keepnet.Client) (int, error) {
	t.Helper()
	pull, err := openSurvey(context.Background(), c, acmeSurvey)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, err := range pull.Users(context.Background()) {
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func TestHollowUsersPage(t *testing.T) {
	kinds := []keepnettest.HollowKind{keepnettest.HollowHTML, keepnettest.HollowDataNull, keepnettest.HollowResultsNull, keepnettest.HollowEmptyBody}
	for _, kind := range kinds {
		t.Run(kind.String()+" once is retried", func(t *testing.T) {
			srv := specFake(t, keepnettest.WithUsers(250), keepnettest.WithHollow(keepnettest.Hollow{Route: keepnettest.RouteReportUsersSearch, Kind: kind, Times: 1, Page: 2}))
			_, users := pullAll(t, fakeClient(t, srv), acmeSurvey)
			if len(users) != 250 {
				t.Errorf("%d users, want 250", len(users))
			}
		})
		t.Run(kind.String()+" always ends the pull", func(t *testing.T) {
			srv := specFake(t, keepnettest.WithUsers(250), keepnettest.WithHollow(keepnettest.Hollow{Route: keepnettest.RouteReportUsersSearch, Kind: kind, Page: 2}))
			n, final := usersUntilError(t, fakeClient(t, srv, keepnet.WithRetry(keepnet.RetryPolicy{MaxAttempts: 3, BaseDelay: 1, MaxDelay: 1})))
			if !errors.Is(final, keepnet.ErrHollowResponse) {
				t.Errorf("after %d users the pull ended with %v; want ErrHollowResponse, never a quiet end", n, final)
			}
		})
	}
	t.Run("JSON labelled text/plain is read", func(t *testing.T) {
		srv := specFake(t, keepnettest.WithUsers(250), keepnettest.WithHollow(keepnettest.Hollow{Route: keepnettest.RouteReportUsersSearch, Kind: keepnettest.HollowTextPlainJSON}))
		if _, users := pullAll(t, fakeClient(t, srv), acmeSurvey); len(users) != 250 {
			t.Errorf("%d users, want 250", len(users))
		}
	})
}

// TestShortListingIsIncomplete: a listing that ends, on an empty page, short
// of the total the server gave says so instead of looking complete.
func TestShortListingIsIncomplete(t *testing.T) {
	srv := specFake(t, keepnettest.WithUsers(250))
	c := fakeClient(t, srv, keepnet.WithTransport(&rewriting{
		next:    http.DefaultTransport,
		matches: usersPage(2),
		rewrite: func([]byte) []byte {
			return []byte(`{"data":{"pageNumber":2,"pageSize":100,"totalNumberOfPages":3,"totalNumberOfRecords":250,"results":[]},"status":"SUCCESS"}`)
		},
	}))
	n, final := usersUntilError(t, c)
	var short *workflows.ListingError
	if n != 100 || !errors.As(final, &short) || !errors.Is(final, workflows.ErrIncomplete) || short.Reported != 250 || short.Distinct != 100 {
		t.Errorf("%d users, then %v; want 100 and a ListingError (250 reported, 100 listed)", n, final)
	}
}

func TestHollowListingsAreErrors(t *testing.T) {
	routes := map[string]func(*keepnet.Client) error{
		keepnettest.RouteCompaniesSearch: func(c *keepnet.Client) error {
			_, err := workflows.ListCompanies(context.Background(), c, "")
			return err
		},
		keepnettest.RouteTrainingsSearch: func(c *keepnet.Client) error {
			_, err := workflows.ListTrainings(context.Background(), c.ForCompany(keepnettest.CompanyAcmeID), "")
			return err
		},
		keepnettest.RouteTargetGroupsSearch: func(c *keepnet.Client) error {
			_, err := workflows.ListTargetGroups(context.Background(), c.ForCompany(keepnettest.CompanyAcmeID), "")
			return err
		},
		keepnettest.RouteEnrollmentsSearch: func(c *keepnet.Client) error {
			_, err := workflows.ListEnrollments(context.Background(), c.ForCompany(keepnettest.CompanyAcmeID), workflows.EnrollmentQuery{})
			return err
		},
		keepnettest.RouteTimeZones: func(c *keepnet.Client) error {
			_, err := workflows.ListTimeZones(context.Background(), c.ForCompany(keepnettest.CompanyAcmeID))
			return err
		},
		keepnettest.RouteReportSummary: func(c *keepnet.Client) error {
			_, err := openSurvey(context.Background(), c, acmeSurvey)
			return err
		},
	}
	for route, list := range routes {
		for _, kind := range []keepnettest.HollowKind{keepnettest.HollowHTML, keepnettest.HollowDataNull, keepnettest.HollowResultsNull} {
			t.Run(route+" "+kind.String(), func(t *testing.T) {
				srv := specFake(t, keepnettest.WithHollow(keepnettest.Hollow{Route: route, Kind: kind}))
				err := list(fakeClient(t, srv, keepnet.WithRetry(keepnet.RetryPolicy{MaxAttempts: 2, BaseDelay: 1, MaxDelay: 1})))
				if !errors.Is(err, keepnet.ErrHollowResponse) {
					t.Errorf("err = %v; a hollow answer must never read as an empty listing", err)
				}
			})
		}
	}
}

// TestEnrollIsUnmovedByTypeDrift: the create-and-send flow, a rerun that
// finds what it created, and a rerun with a certificate send type (which
// reads form-details) give the same results under drift as without, and
// the world ends with one enrollment, sent once.
func TestEnrollIsUnmovedByTypeDrift(t *testing.T) {
	run := func(t *testing.T, opts ...keepnettest.Option) []string {
		srv, c := startEnrollFake(t, opts...)
		var results []string
		req := acmeRequest("Drift check")
		for range 2 {
			res, err := workflows.Enroll(context.Background(), c, req)
			if err != nil {
				t.Fatalf("Enroll: %v", err)
			}
			results = append(results, marshal(t, res))
		}
		withCert := acmeRequest("Drift check with certificate")
		withCert.AwardCertificate = true
		withCert.CertificateSendType = "SendAfterCompletion"
		res, err := workflows.Enroll(context.Background(), c, withCert)
		if err != nil {
			t.Fatalf("Enroll with a certificate send type: %v", err)
		}
		results = append(results, marshal(t, res))
		requireOneSent(t, srv, keepnettest.CompanyAcmeID, "Drift check")
		return results
	}
	plain := run(t)
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			drifted := run(t, keepnettest.WithTypeDrift(seed))
			for i := range plain {
				if drifted[i] != plain[i] {
					t.Errorf("run %d under drift:\n %s\nwithout:\n %s", i+1, drifted[i], plain[i])
				}
			}
		})
	}
}
