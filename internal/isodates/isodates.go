// Package isodates gives the service's date strings their ISO 8601
// companions in every output that writes them (survey, training and
// phishing results), so that pulls of customers whose display formats
// differ merge and sort.
//
// The service writes many dates in the company's display format, without
// a zone and with day and month in the company's order. The order comes
// from the company's date-format setting when that names one, else from
// the company's own dates seen so far (keepnetdate.OrderEvidence), kept
// apart per company because each company has its own display format. A
// date whose order is still open gets no ISO value, never a guess; Notice
// says how many and why.
package isodates

import (
	"fmt"
	"strings"
	"time"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
)

// Dates is the order of each company's dates as far as it is known, and
// the count of dates left without an ISO value. The zero Dates is ready;
// it is not safe for concurrent use.
type Dates struct {
	// Of names what the dates belong to in the notice: "survey" gives "no
	// date of this survey", "the survey's dates".
	Of string
	// Wide names the format that sees every date before its first row
	// (it writes its rows last), for the notice; empty when there is none.
	Wide string

	setting    map[string]keepnetdate.Order          // by company ID, where its settings name the order
	evidence   map[string]*keepnetdate.OrderEvidence // by company ID
	company    string                                // whose dates Observe and ISO read
	ambiguous  int                                   // dates left without an ISO value for want of the order
	unreadable int                                   // dates in no format keepnetdate knows
}

// ForCompany makes the following dates those of the company companyID,
// whose settings name setting (Unknown when they name none, or when it
// was given already).
func (d *Dates) ForCompany(companyID string, setting keepnetdate.Order) {
	d.company = companyID
	if setting != keepnetdate.Unknown {
		if d.setting == nil {
			d.setting = map[string]keepnetdate.Order{}
		}
		d.setting[companyID] = setting
	}
}

// current is the evidence of the company being written.
func (d *Dates) current() *keepnetdate.OrderEvidence {
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
func (d *Dates) order() keepnetdate.Order {
	if o, ok := d.setting[d.company]; ok {
		return o
	}
	return d.current().Order()
}

// Observe takes in what the current company's dates say about its order.
func (d *Dates) Observe(dates ...keepnetdate.Time) {
	e := d.current()
	for _, t := range dates {
		e.Observe(t)
	}
}

// ISO is t in ISO 8601 under what is known of the current company's
// order, or "" when t is zero or its order is not known.
func (d *Dates) ISO(t keepnetdate.Time) string {
	if t.IsZero() {
		return ""
	}
	s, err := t.ISO(d.order())
	if err != nil {
		d.missed(err)
		return ""
	}
	return s
}

// Time is the date ISO writes, for a format that holds dates rather than
// text (xlsx): the wall clock the service wrote, with the offset it sent
// if any, else in UTC's place as the zone-less clock it is. It is the zero
// time where ISO gives "", and counts toward DateNotice as ISO does.
func (d *Dates) Time(t keepnetdate.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	v, err := t.ParseAs(d.order(), time.UTC)
	if err != nil {
		d.missed(err)
		return time.Time{}
	}
	return v
}

// missed counts a date left without an ISO value, by why.
func (d *Dates) missed(err error) {
	if keepnetdate.IsAmbiguous(err) {
		d.ambiguous++
	} else {
		d.unreadable++
	}
}

// DateNotice says why some dates have no ISO value, or "" when all have.
func (d *Dates) DateNotice() string {
	var why []string
	if d.ambiguous > 0 {
		reason := "no date of this " + d.Of + " had a day above 12 to show whether the company writes DD/MM or MM/DD"
		conflicting, known := false, false
		for _, e := range d.evidence {
			conflicting = conflicting || e.Conflicting()
			known = known || e.Order() != keepnetdate.Unknown
		}
		switch {
		case conflicting:
			reason = "the " + d.Of + "'s dates show both DD/MM and MM/DD, so neither is assumed"
		case known:
			reason = "they came before the first date that showed the order"
			if d.Wide != "" {
				reason += " (" + d.Wide + ", which sees every date first, gives all of them one)"
			}
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
