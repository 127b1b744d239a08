package surveyout

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// csvLongColumns is the csv format's header: one row per answer.
var csvLongColumns = []string{
	"targetUserResourceId", "email", "firstName", "lastName", "department", "status",
	"lastInteractionDate", "questionId", "question", "answer", "answerCode", "latencySeconds", "error",
	"lastInteractionDateIso",
}

// csvLong writes one row per answer; a user without answers gets one row
// with the question columns empty, so every user appears.
type csvLong struct {
	isoDates
	w   *csvRows
	row []string
}

func newCSVLong(w io.Writer, raw bool) (*csvLong, error) {
	c := &csvLong{w: newCSVRows(csv.NewWriter(w), raw), row: make([]string, len(csvLongColumns))}
	if err := c.w.Write(csvLongColumns); err != nil {
		return nil, fmt.Errorf("write csv header: %w", err)
	}
	return c, nil
}

func (c *csvLong) WriteUser(u workflows.UserResult) error {
	copy(c.row, []string{u.TargetUserResourceID, u.Email, u.FirstName, u.LastName, u.Department, u.Status, u.LastInteractionDate.String()})
	c.row[12] = u.Error
	c.observe(u)
	c.row[13] = c.iso(u.LastInteractionDate)
	if len(u.Answers) == 0 {
		clear(c.row[7:12])
		return c.write()
	}
	for _, a := range u.Answers {
		c.row[7], c.row[8], c.row[9], c.row[10] = a.QuestionID, a.Question, a.Answer, a.AnswerCode
		c.row[11] = formatSeconds(a.LatencySeconds)
		if err := c.write(); err != nil {
			return err
		}
	}
	return nil
}

func (c *csvLong) write() error {
	if err := c.w.Write(c.row); err != nil {
		return fmt.Errorf("write csv row: %w", err)
	}
	return nil
}

func (c *csvLong) Close() error {
	c.w.Flush()
	return c.w.Error()
}

func (c *csvLong) Discard() error { return c.Close() }

// formatSeconds writes a latency as the shortest exact decimal, empty when
// unknown.
func formatSeconds(s *float64) string {
	if s == nil {
		return ""
	}
	return strconv.FormatFloat(*s, 'f', -1, 64)
}
