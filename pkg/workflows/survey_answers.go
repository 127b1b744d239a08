package workflows

import (
	"errors"
	"fmt"
	"github.com/keepnet-flow/keepnet-flow/internal/reqctx"
	"github.com/keepnet-flow/keepnet-flow/internal/wire"
	"strings"
	"time"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
)

// sessionsBody is the part of an exam-result-sessions answer the pull
// reads. The generated type decodes everything each session carries (the
// raw SCORM interaction log, the question definitions, counters that mean
// nothing for surveys); decoding only this took the client's CPU per user
// down by about a third (see docs/benchmarks.md). Field names match the
// generated type's JSON names; encoding/json matches them case-insensitively,
// as the service's casing varies.
type sessionsBody struct {
	Data *[]session `json:"data"`
}

// session is one exam-result session.
type session struct {
	CreatedAt keepnetdate.Time `json:"enrollmentSessionCreatedAt"`
	Items     []sessionItem    `json:"interactionsHumanReadable"`
}

// sessionItem is one question of a session, as the service renders it for
// people (source "Qex").
type sessionItem struct {
	Index    *int32          `json:"index"`
	ScormID  string          `json:"scormId"`
	Question string          `json:"question"`
	Options  []sessionOption `json:"answers"`
	Response string          `json:"studentOrLearnerResponse"`
	Latency  string          `json:"latency"`
}

type sessionOption struct {
	Option       string `json:"option"`
	IsUserAnswer bool   `json:"isUserAnswer"`
}

// answersOfBody returns the answers of the latest session of a decoded
// exam-result-sessions body. Everything sessionsBody holds is read, so any
// field that could not be decoded fails the user's answers rather than
// leaving an answer silently empty; a body without data is hollow.
func answersOfBody(body *sessionsBody, r *keepnet.DecodeReport, order keepnetdate.Order) ([]Answer, error) {
	if !r.OK() {
		return nil, errors.New(wire.ProblemText(r.Problems))
	}
	if body.Data == nil {
		return nil, reqctx.Hollow("the exam-result-sessions answer has no data")
	}
	return answersOf(*body.Data, order), nil
}

// decodeAnswers reads an exam-result-sessions body and returns the answers
// of its latest session.
func decodeAnswers(data []byte) ([]Answer, error) {
	var body sessionsBody
	r, err := keepnet.Decode(data, &body)
	if err != nil {
		return nil, fmt.Errorf("decode exam-result sessions: %w", err)
	}
	return answersOfBody(&body, r, keepnetdate.Unknown)
}

// answersOf turns a user's exam-result sessions into answers: those of the
// latest session, one per question ID. Users who never answered have no
// sessions and get no answers.
func answersOf(sessions []session, order keepnetdate.Order) []Answer {
	latest, ok := latestSession(sessions, order)
	if !ok {
		return []Answer{}
	}
	// Key by scormId, not index: users can be shown different question
	// counts, so the same index can be a different question. A question
	// answered twice in one session keeps its last answer, in the place of
	// its first.
	items := latest.Items
	answers := make([]Answer, 0, len(items))
	position := make(map[string]int, len(items))
	for _, item := range items {
		a := answerOf(item)
		if at, seen := position[a.QuestionID]; seen {
			// Its place in the survey is where it came first.
			a.QuestionIndex = answers[at].QuestionIndex
			answers[at] = a
			continue
		}
		position[a.QuestionID] = len(answers)
		answers = append(answers, a)
	}
	return answers
}

// answerOf reads one question of a session.
func answerOf(item sessionItem) Answer {
	a := Answer{
		QuestionID: item.ScormID,
		Question:   item.Question,
		AnswerCode: item.Response,
	}
	if item.Index != nil {
		index := int(*item.Index)
		a.QuestionIndex = &index
	}
	if a.QuestionID == "" && item.Index != nil {
		// Without a scormId the index is the only key there is; it is
		// marked so it cannot be mistaken for a real scormId.
		a.QuestionID = fmt.Sprintf("index:%d", *item.Index)
	}
	var chosen []string
	if len(item.Options) > 0 {
		a.Options = make([]string, len(item.Options))
	}
	for i, opt := range item.Options {
		a.Options[i] = opt.Option
		if opt.IsUserAnswer {
			chosen = append(chosen, opt.Option)
		}
	}
	if len(chosen) > 0 {
		a.Answer = strings.Join(chosen, "; ")
	} else {
		// Free-text questions have no options: the response is the answer.
		a.Answer = a.AnswerCode
	}
	if item.Latency != "" {
		if d, err := parseLatency(item.Latency); err == nil {
			secs := d.Seconds()
			a.LatencySeconds = &secs
		}
	}
	return a
}

// latestSession picks the session created last. The creation date comes in
// the company's display format: order is its day/month order when the
// company's settings name it. Otherwise the order may be unknowable from one
// date alone, and the dates are read under the first reading in which all
// of them parse (unambiguous, day first, month first); when none does, the
// server's order is trusted and the last session wins. Ties also go to the
// later one in the server's order.
func latestSession(sessions []session, order keepnetdate.Order) (session, bool) {
	if len(sessions) == 0 {
		return session{}, false
	}
	readings := []keepnetdate.Order{keepnetdate.Unknown, keepnetdate.DayFirst, keepnetdate.MonthFirst}
	if order != keepnetdate.Unknown {
		readings = []keepnetdate.Order{order}
	}
	for _, order := range readings {
		if best, ok := latestBy(sessions, order); ok {
			return sessions[best], true
		}
	}
	return sessions[len(sessions)-1], true
}

// latestBy returns the index of the latest session when every creation date
// parses under order.
func latestBy(sessions []session, order keepnetdate.Order) (int, bool) {
	best := -1
	var bestAt time.Time
	for i, s := range sessions {
		at, err := s.CreatedAt.ParseAs(order, time.UTC)
		if err != nil {
			return 0, false
		}
		if best < 0 || !at.Before(bestAt) {
			best, bestAt = i, at
		}
	}
	return best, best >= 0
}
