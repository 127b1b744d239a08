package keepnettest

import (
	"strconv"
	"time"
)

// surveyQuestion is one question of the seeded survey. Options are listed
// in order; the response code of option k is codes[k].
type surveyQuestion struct {
	scormID  string
	text     string
	options  []string
	codes    []string
	optional bool // left out for some users, which shifts later indexes
}

var likertOptions = []string{"Strongly Disagree", "Disagree", "Agree", "Strongly Agree"}
var likertCodes = []string{"1_Strongly_Disagree", "2_Disagree", "3_Agree", "4_Strongly_Agree"}

// surveyQuestions are invented. One has commas and quotes in its text and
// options, because exports must quote them.
var surveyQuestions = []surveyQuestion{
	{scormID: "SCQ01", text: "I know how to recognise a phishing email.", options: likertOptions, codes: likertCodes},
	{scormID: "SCQ02", text: "Security is part of my job.", options: likertOptions, codes: likertCodes},
	{scormID: "SCQ03", text: "I feel comfortable reporting a mistake, such as clicking a link.", options: likertOptions, codes: likertCodes},
	{scormID: "SCQ04", text: "My manager talks about security.", options: likertOptions, codes: likertCodes},
	{scormID: "SCQ05", text: "I lock my screen when I \"step away\", even briefly.", options: likertOptions, codes: likertCodes, optional: true},
	{scormID: "SCQ06", text: "How do you report a suspicious email?",
		options: []string{"Forward it to IT, then delete it", "Use the \"Report\" button", "Ignore it", "Reply and ask"},
		codes:   []string{"1_Forward_To_IT", "2_Report_Button", "3_Ignore", "4_Reply"}},
	{scormID: "SCQ07", text: "I use a password manager.", options: likertOptions, codes: likertCodes},
	{scormID: "SCQ08", text: "The security training is relevant to my work.", options: likertOptions, codes: likertCodes},
	{scormID: "SCQ09", text: "I know whom to call after a security incident.", options: likertOptions, codes: likertCodes},
	{scormID: "SCQ10", text: "Overall, our security culture is strong.", options: likertOptions, codes: likertCodes},
}

// SurveyScormIDs lists the seeded survey's question IDs in order. SCQ05 is
// left out for some users, so their later questions have lower indexes.
func SurveyScormIDs() []string {
	ids := make([]string, len(surveyQuestions))
	for i, q := range surveyQuestions {
		ids[i] = q.scormID
	}
	return ids
}

// sessionPlan says which sessions user i has. Users who never answered have
// none; in-progress users have one partial session; some completed users
// answered twice. The latest session is not always last in the response.
type sessionPlan struct {
	count       int  // 0, 1 or 2 sessions
	partial     int  // answers in an in-progress session (0 = all)
	skipsOpt    bool // the user did not see optional questions
	latestFirst bool // the response lists the latest session first
}

func (w *world) plan(e *Enrollment, u User) sessionPlan {
	if e.Type != "Survey" {
		return sessionPlan{}
	}
	h := mix(w.seed, "plan", e.ID, strconv.Itoa(u.Index))
	p := sessionPlan{skipsOpt: u.Index == 3 || (u.Index > 3 && h%6 == 0), latestFirst: (h>>8)%2 == 0}
	switch u.Status {
	case UserCompleted:
		p.count = 1
		if u.Index == 1 || (u.Index > 3 && (h>>16)%8 == 0) {
			p.count = 2
		}
	case UserInProgress:
		p.count = 1
		p.partial = 1 + int((h>>24)%5)
	}
	return p
}

// sessions returns user u's exam-result sessions in response order.
func (w *world) sessions(e *Enrollment, u User) []Session {
	p := w.plan(e, u)
	if p.count == 0 {
		return nil
	}
	var out []Session
	for n := range p.count {
		out = append(out, w.session(e, u, p, n))
	}
	if p.count == 2 && p.latestFirst {
		out[0], out[1] = out[1], out[0]
	}
	return out
}

// session n of user u. The first session falls 16 days after the start and
// the second 24 days after: with the seeded start (12 January) that is
// 28/01 and 05/02, so comparing the dd/MM/yyyy strings picks the wrong one.
func (w *world) session(e *Enrollment, u User, p sessionPlan, n int) Session {
	h := mix(w.seed, "session", e.ID, strconv.Itoa(u.Index), strconv.Itoa(n))
	days := 16 + 8*n
	created := e.StartDate.AddDate(0, 0, days).Add(time.Duration(h%600) * time.Minute).Truncate(time.Second)
	s := Session{ID: sessionID(h), CreatedAt: created}
	index := 0
	for _, q := range surveyQuestions {
		if q.optional && p.skipsOpt {
			continue
		}
		if p.partial > 0 && index >= p.partial {
			break
		}
		index++
		pick := mix(w.seed, "answer", e.ID, strconv.Itoa(u.Index), strconv.Itoa(n), q.scormID) % uint64(len(q.options))
		s.Answers = append(s.Answers, Answer{
			Index: index, ScormID: q.scormID, Question: q.text,
			Option: q.options[pick], Response: q.codes[pick],
		})
	}
	return s
}

func sessionID(h uint64) string {
	return "s" + strconv.FormatUint(h, 36)
}

// latestSession is the session with the latest creation time, or ok false.
func latestSession(ss []Session) (Session, bool) {
	if len(ss) == 0 {
		return Session{}, false
	}
	latest := ss[0]
	for _, s := range ss[1:] {
		if s.CreatedAt.After(latest.CreatedAt) {
			latest = s
		}
	}
	return latest, true
}
