package report_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/internal/report"
	"github.com/keepnet-flow/keepnet-flow/internal/store"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// syncDB writes what the period's pulls give into a new SQLite database,
// as a sync does (the sync command maps records onto the store's rows the
// same way), and returns the store.
func syncDB(t testing.TB, cl *keepnet.Client, sel workflows.CompanySelection, p report.Period) *store.Store {
	t.Helper()
	ctx := context.Background()
	target, err := store.ParseTarget(filepath.Join(t.TempDir(), "keepnet.db"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.OpenTarget(ctx, target, store.TargetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	y, err := st.BeginSync(ctx, store.SyncOptions{Selection: "test", Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	companies, err := workflows.ResolveCompanies(ctx, cl, sel)
	if err != nil {
		t.Fatal(err)
	}
	var cos []store.Company
	for _, co := range companies {
		cos = append(cos, store.Company{ID: co.ID, Name: co.Name})
	}
	must(t, y.Companies(ctx, cos, false))

	tp, err := workflows.OpenTrainingResults(ctx, cl, workflows.TrainingRequest{Companies: sel, Since: p.Since, Until: p.Until,
		Types: []string{"SCORM", "Poster", "Infographic", "Screensaver", "LearningPath"}})
	must(t, err)
	training := drain(t, tp)
	for _, s := range tp.Sources {
		e := storeEnrollment(s, store.KindTraining)
		var users []store.TrainingUser
		for _, r := range training {
			if r.CompanyID == s.Company.ID && r.EnrollmentID == s.ID {
				e.DueDate = r.DueDate
				users = append(users, store.TrainingUser{TargetUserID: r.TargetUserResourceID, Email: r.Email, FirstName: r.FirstName,
					LastName: r.LastName, Department: r.Department, Status: r.Status, CurrentStep: r.CurrentStep, ExamScore: r.ExamScore,
					ExamStatus: r.ExamStatusName, FirstCompletion: r.FirstCompletionDate, LastInteraction: r.LastInteractionDate, Error: r.Error})
			}
		}
		must(t, y.Companies(ctx, []store.Company{e.Company}, false))
		w, err := y.Training(ctx, e)
		must(t, err)
		for _, u := range users {
			must(t, w.Add(ctx, u))
		}
		must(t, w.Commit(ctx, nil))
	}

	for _, ch := range []workflows.Channel{workflows.ChannelPhishing, workflows.ChannelSmishing, workflows.ChannelQuishing} {
		pp, err := workflows.OpenPhishingResults(ctx, cl, workflows.PhishingRequest{Companies: sel, Channel: ch, Since: p.Since, Until: p.Until})
		must(t, err)
		rows := drain(t, pp)
		for _, s := range pp.Sources {
			campaign, run, _ := strings.Cut(s.ID, "/")
			group, _ := strconv.Atoi(run)
			co := store.Company{ID: s.Company.ID, Name: s.Company.Name, DateFormat: s.Dates.Format}
			j := store.Job{Company: co, Channel: string(ch), Campaign: store.Campaign{ID: campaign, Name: s.Name},
				InstanceGroup: group, Name: s.Name, Status: s.Status, StartDate: s.StartDate, Finished: true, DateOrder: s.Dates.Order}
			must(t, y.Companies(ctx, []store.Company{co}, false))
			w, err := y.Job(ctx, j)
			must(t, err)
			for _, r := range rows {
				if r.CompanyID != s.Company.ID || r.CampaignID != campaign || r.InstanceGroup != group {
					continue
				}
				must(t, w.Add(ctx, store.JobUser{UserRowID: r.ResourceID, Email: r.Email, FirstName: r.FirstName, LastName: r.LastName,
					Department: r.Department, PhoneNumber: r.PhoneNumber, Status: r.Status, Delivery: r.Delivery, Scenario: r.Scenario,
					TargetGroups: r.TargetGroups, ActivityType: r.ActivityType, SystemActivityType: r.SystemActivityType,
					Opened: i64(r.OpenedCount), Clicked: i64(r.ClickedCount), Submitted: i64(r.SubmittedCount),
					AttachmentOpened: i64(r.AttachmentOpenedCount), Reported: i64(r.ReportedCount), MFASubmitted: i64(r.MFASubmittedCount),
					LastOpened: r.LastOpenedTime, LastClicked: r.LastClickedTime, LastSending: r.LastSendingTime, Error: r.Error}))
			}
			must(t, w.Commit(ctx, nil))
		}
	}

	sp, err := workflows.OpenSurveyResults(ctx, cl, workflows.SurveyRequest{Companies: sel, Since: p.Since, Until: p.Until})
	must(t, err)
	surveys := drain(t, sp)
	for _, s := range sp.Sources {
		e := storeEnrollment(s, store.KindSurvey)
		must(t, y.Companies(ctx, []store.Company{e.Company}, false))
		w, err := y.Survey(ctx, e)
		must(t, err)
		for _, r := range surveys {
			if r.CompanyID != s.Company.ID || r.EnrollmentID != s.ID {
				continue
			}
			interactions, err := json.Marshal(r.Interactions)
			must(t, err)
			u := store.SurveyUser{TargetUserID: r.TargetUserResourceID, Email: r.Email, FirstName: r.FirstName, LastName: r.LastName,
				Department: r.Department, Status: r.Status, LastInteraction: r.LastInteractionDate, Interactions: interactions, Error: r.Error}
			for _, a := range r.Answers {
				u.Answers = append(u.Answers, store.Answer{QuestionID: a.QuestionID, QuestionIndex: a.QuestionIndex, Question: a.Question,
					Answer: a.Answer, AnswerCode: a.AnswerCode, LatencySeconds: a.LatencySeconds, Options: a.Options})
			}
			must(t, w.Add(ctx, u))
		}
		must(t, w.Commit(ctx, nil))
	}
	must(t, y.Finish(ctx, nil))
	return st
}

func storeEnrollment(s *workflows.Source, kind store.Kind) store.Enrollment {
	return store.Enrollment{Company: store.Company{ID: s.Company.ID, Name: s.Company.Name, DateFormat: s.Dates.Format},
		ID: s.ID, Name: s.Name, Kind: kind, Type: s.Type, Status: s.Status, StartDate: s.StartDate, Finished: true, DateOrder: s.Dates.Order}
}

func drain[R any](t testing.TB, p *workflows.Pull[R]) []R {
	t.Helper()
	var out []R
	for r, err := range p.Records(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func i64(n *int) *int64 {
	if n == nil {
		return nil
	}
	v := int64(*n)
	return &v
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
