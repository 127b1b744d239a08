package surveyout

import (
	"fmt"
	"io"
	"time"

	"github.com/keepnet-flow/keepnet-flow/internal/xlsxout"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// xlsxColumns are the xlsx format's: the csv format's rows (one per
// answer), each cell typed. The interaction date is a date where its
// day/month order is known (as its ISO 8601 companion is) and the
// service's text beside it; the latency a number.
var xlsxColumns = []xlsxout.Column{
	{Name: "companyId", Kind: xlsxout.Text, Width: 14}, {Name: "companyName", Kind: xlsxout.Text, Width: 24},
	{Name: "targetUserResourceId", Kind: xlsxout.Text, Width: 14}, {Name: "email", Kind: xlsxout.Text, Width: 28},
	{Name: "firstName", Kind: xlsxout.Text}, {Name: "lastName", Kind: xlsxout.Text}, {Name: "department", Kind: xlsxout.Text},
	{Name: "status", Kind: xlsxout.Text, Width: 14}, {Name: "lastInteraction", Kind: xlsxout.Date},
	{Name: "lastInteractionText", Kind: xlsxout.Text}, {Name: "questionId", Kind: xlsxout.Text, Width: 14},
	{Name: "question", Kind: xlsxout.Text, Width: 40}, {Name: "answer", Kind: xlsxout.Text, Width: 28},
	{Name: "answerCode", Kind: xlsxout.Text}, {Name: "latencySeconds", Kind: xlsxout.Number}, {Name: "error", Kind: xlsxout.Text},
}

// xlsxLong writes one row per answer, as csv does, into one sheet with a
// company column (xlsxout says why not a sheet per company).
type xlsxLong struct {
	isoDates
	w       *xlsxout.Writer
	company workflows.Company
	row     []any
}

func newXLSX(w io.Writer, h Header) (*xlsxLong, error) {
	xw, err := xlsxout.New(w, "Survey results", xlsxColumns)
	if err != nil {
		return nil, err
	}
	x := &xlsxLong{w: xw, company: h.Company, row: make([]any, len(xlsxColumns))}
	x.forCompany(h.Company.ID, h.DateOrder)
	return x, nil
}

func (x *xlsxLong) BeginCompany(h Header) error {
	x.company = h.Company
	x.forCompany(h.Company.ID, h.DateOrder)
	return nil
}

func (x *xlsxLong) CompanyFailed(string) {}

func (x *xlsxLong) WriteUser(u workflows.UserResult) error {
	x.observe(u)
	copy(x.row, []any{x.company.ID, x.company.Name, u.TargetUserResourceID, u.Email, u.FirstName, u.LastName, u.Department,
		u.Status, x.date(u.LastInteractionDate), u.LastInteractionDate.String()})
	x.row[15] = u.Error
	if len(u.Answers) == 0 {
		copy(x.row[10:15], []any{"", "", "", "", (*float64)(nil)})
		return x.write()
	}
	for _, a := range u.Answers {
		copy(x.row[10:15], []any{a.QuestionID, a.Question, a.Answer, a.AnswerCode, a.LatencySeconds})
		if err := x.write(); err != nil {
			return err
		}
	}
	return nil
}

// date is t as a date cell: ISO 8601's reading under what is known of the
// company's order, else none (the text column keeps it).
func (x *xlsxLong) date(t keepnetdate.Time) time.Time { return x.Time(t) }

func (x *xlsxLong) write() error {
	if err := x.w.Write(x.row...); err != nil {
		return fmt.Errorf("write xlsx row: %w", err)
	}
	return nil
}

func (x *xlsxLong) Close() error   { return x.w.Close() }
func (x *xlsxLong) Discard() error { return x.w.Discard() }
