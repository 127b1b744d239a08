package surveyout

import (
	"fmt"
	"strings"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// isoDates gives the server's date strings their ISO 8601 companions, so
// that pulls of customers whose display formats differ merge and sort. The
// day/month order of a company's dates comes from its date-format setting
// when that names one (Header.DateOrder), else from the company's own dates
// in the pull (keepnetdate.OrderEvidence), kept apart per company because
// each company has its own display format: the streaming formats know only
// the dates written so far, csv-wide knows every date before its first row.
// A date whose order is still open gets no ISO value, never a guess;
// DateNotice says how many and why.
type isoDates struct {
	setting    map[string]keepnetdate.Order          // by company ID, where its settings name the order
	evidence   map[string]*keepnetdate.OrderEvidence // by company ID
	company    string                                // whose dates observe and iso read
	ambiguous  int                                   // dates left without an ISO value for want of the order
	unreadable int                                   // dates in no format keepnetdate knows
}

// forCompany makes the following dates those of h's company, whose
// settings name setting (Unknown when they name none).
func (d *isoDates) forCompany(companyID string, setting keepnetdate.Order) {
	d.company = companyID
	if setting != keepnetdate.Unknown {
		if d.setting == nil {
			d.setting = map[string]keepnetdate.Order{}
		}
		d.setting[companyID] = setting
	}
}

// current is the evidence of the company being written.
func (d *isoDates) current() *keepnetdate.OrderEvidence {
	if d.evidence == nil {
		d.evidence = map[string]*keepnetdate.OrderEvidence{}
	}
	e, ok := d.evidence[d.company]
	if !ok {
		e = &keepnetdate.OrderEvidence{}
		d.evidence[d.company] = e
	}
	return e
}

// order is the day/month order of the current company's dates: its
// setting's, else what its dates have shown so far.
func (d *isoDates) order() keepnetdate.Order {
	if o, ok := d.setting[d.company]; ok {
		return o
	}
	return d.current().Order()
}

// observe takes in what u's dates say about its company's order.
func (d *isoDates) observe(u workflows.UserResult) {
	e := d.current()
	e.Observe(u.LastInteractionDate)
	for _, in := range u.Interactions {
		e.Observe(in.Time)
	}
}

// iso is t in ISO 8601 under what is known of the order, or "".
func (d *isoDates) iso(t keepnetdate.Time) string {
	if t.IsZero() {
		return ""
	}
	s, err := t.ISO(d.order())
	switch {
	case err == nil:
		return s
	case keepnetdate.IsAmbiguous(err):
		d.ambiguous++
	default:
		d.unreadable++
	}
	return ""
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

// DateNotice says why some dates have no ISO value, or "" when all have.
func (d *isoDates) DateNotice() string {
	var why []string
	if d.ambiguous > 0 {
		reason := "no date of this survey had a day above 12 to show whether the company writes DD/MM or MM/DD"
		conflicting, known := false, false
		for _, e := range d.evidence {
			conflicting = conflicting || e.Conflicting()
			known = known || e.Order() != keepnetdate.Unknown
		}
		switch {
		case conflicting:
			reason = "the survey's dates show both DD/MM and MM/DD, so neither is assumed"
		case known:
			reason = "they came before the first date that showed the order (csv-wide, which sees every date first, gives all of them one)"
		}
		why = append(why, fmt.Sprintf("%d with day and month both 12 or less have no ISO 8601 value: %s", d.ambiguous, reason))
	}
	if d.unreadable > 0 {
		why = append(why, fmt.Sprintf("%d in a format keepnet-flow does not know have no ISO 8601 value", d.unreadable))
	}
	if len(why) == 0 {
		return ""
	}
	return "dates: " + strings.Join(why, "; ") + "; the server's text is kept as it came"
}
