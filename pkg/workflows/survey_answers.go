package workflows

import (
	"fmt"
	"strings"
	"time"

	"github.com/keepnet-flow/keepnet-flow/gen"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
)

// answersOf turns a user's exam-result sessions into answers: those of the
// latest session, one per question ID. Users who never answered have no
// sessions and get no answers.
func answersOf(sessions []gen.LMSScormSessionInteractionDTO) []Answer {
	latest, ok := latestSession(sessions)
	if !ok || latest.InteractionsHumanReadable == nil {
		return []Answer{}
	}
	// Key by scormId, not index: users can be shown different question
	// counts, so the same index can be a different question. A question
	// answered twice in one session keeps its last answer, in the place of
	// its first.
	items := *latest.InteractionsHumanReadable
	answers := make([]Answer, 0, len(items))
	position := make(map[string]int, len(items))
	for _, item := range items {
		a := answerOf(item)
		if at, seen := position[a.QuestionID]; seen {
			answers[at] = a
			continue
		}
		position[a.QuestionID] = len(answers)
		answers = append(answers, a)
	}
	return answers
}

// answerOf reads one question of a session.
func answerOf(item gen.SCORMInteractionHumanReadableDto) Answer {
	a := Answer{
		QuestionID: orZero(item.ScormId),
		Question:   orZero(item.Question),
		AnswerCode: orZero(item.StudentOrLearnerResponse),
	}
	if a.QuestionID == "" && item.Index != nil {
		// Without a scormId the index is the only key there is; it is
		// marked so it cannot be mistaken for a real scormId.
		a.QuestionID = fmt.Sprintf("index:%d", *item.Index)
	}
	var chosen []string
	if item.Answers != nil {
		for _, opt := range *item.Answers {
			if orZero(opt.IsUserAnswer) {
				chosen = append(chosen, orZero(opt.Option))
			}
		}
	}
	if len(chosen) > 0 {
		a.Answer = strings.Join(chosen, "; ")
	} else {
		// Free-text questions have no options: the response is the answer.
		a.Answer = a.AnswerCode
	}
	if item.Latency != nil {
		if d, err := parseLatency(*item.Latency); err == nil {
			secs := d.Seconds()
			a.LatencySeconds = &secs
		}
	}
	return a
}

// latestSession picks the session created last. The creation date comes in
// the company's display format, so day/month order may be unknowable from
// one date alone: the dates are read under the first reading in which all
// of them parse (unambiguous, day first, month first); when none does, the
// server's order is trusted and the last session wins. Ties also go to the
// later one in the server's order.
func latestSession(sessions []gen.LMSScormSessionInteractionDTO) (gen.LMSScormSessionInteractionDTO, bool) {
	if len(sessions) == 0 {
		return gen.LMSScormSessionInteractionDTO{}, false
	}
	for _, order := range []keepnetdate.Order{keepnetdate.Unknown, keepnetdate.DayFirst, keepnetdate.MonthFirst} {
		if best, ok := latestBy(sessions, order); ok {
			return sessions[best], true
		}
	}
	return sessions[len(sessions)-1], true
}

// latestBy returns the index of the latest session when every creation date
// parses under order.
func latestBy(sessions []gen.LMSScormSessionInteractionDTO, order keepnetdate.Order) (int, bool) {
	best := -1
	var bestAt time.Time
	for i, s := range sessions {
		if s.EnrollmentSessionCreatedAt == nil {
			return 0, false
		}
		at, err := s.EnrollmentSessionCreatedAt.ParseAs(order, time.UTC)
		if err != nil {
			return 0, false
		}
		if best < 0 || !at.Before(bestAt) {
			best, bestAt = i, at
		}
	}
	return best, best >= 0
}
