package surveyout

import (
	"github.com/keepnet-flow/keepnet-flow/internal/isodates"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// isoDates gives the server's date strings their ISO 8601 companions (see
// internal/isodates): the streaming formats know only the dates written so
// far, csv-wide knows every date before its first row.
type isoDates struct{ isodates.Dates }

// surveyDates are the dates of a survey's writer.
func surveyDates() isoDates { return isoDates{isodates.Dates{Of: "survey", Wide: CSVWide}} }

func (d *isoDates) forCompany(companyID string, setting keepnetdate.Order) {
	d.ForCompany(companyID, setting)
}

func (d *isoDates) iso(t keepnetdate.Time) string { return d.ISO(t) }

// observe takes in what u's dates say about its company's order.
func (d *isoDates) observe(u workflows.UserResult) {
	d.Observe(u.LastInteractionDate)
	for _, in := range u.Interactions {
		d.Observe(in.Time)
	}
}

// record is u as the JSON formats write it: the server's dates as they
// came, each with its ISO 8601 companion where it could be determined.
type record struct {
	workflows.SurveyRecord
	LastInteractionDateISO string              `json:"lastInteractionDateIso,omitempty"`
	Interactions           []interactionRecord `json:"interactions"`
}

type interactionRecord struct {
	workflows.Interaction
	TimeISO string `json:"timeIso,omitempty"`
}

// record observes u's dates, then renders it.
func (d *isoDates) record(u workflows.SurveyRecord) record {
	d.observe(u.UserResult)
	r := record{SurveyRecord: u, LastInteractionDateISO: d.iso(u.LastInteractionDate), Interactions: make([]interactionRecord, len(u.Interactions))}
	for i, in := range u.Interactions {
		r.Interactions[i] = interactionRecord{Interaction: in, TimeISO: d.iso(in.Time)}
	}
	return r
}
