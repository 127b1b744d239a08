package workflows

import (
	"strings"
	"time"
)

// schedule is a validated enrollment schedule, before its time zone has been
// checked against the service's list.
type schedule struct {
	start, due time.Time // due is zero when there is no due date
	// startText and dueText are the dates as given, sent unchanged.
	startText, dueText string
	zone               string
}

// parseSchedule checks the schedule flags on their own, before any call is
// made: both dates RFC 3339, the due date after the scheduled one, and a
// time zone and due date only together with a scheduled date. It returns nil
// for "send now" (no schedule given).
func parseSchedule(start, due, zone string) (*schedule, error) {
	start, due, zone = strings.TrimSpace(start), strings.TrimSpace(due), strings.TrimSpace(zone)
	if start == "" {
		switch {
		case zone != "":
			return nil, &InputError{Field: "timezone", Value: zone, Reason: "needs a scheduled date; without one the enrollment is sent now", Option: "Schedule"}
		case due != "":
			// The service takes a due date only inside a schedule, and
			// what it does with one whose start is missing is unknown.
			return nil, &InputError{Field: "due", Value: due, Reason: "needs a scheduled date: the service takes a due date only as part of a schedule; to send now with a due date, schedule it for the current time, in a time zone", Option: "Schedule"}
		}
		return nil, nil
	}
	s := &schedule{zone: zone, startText: start, dueText: due}
	var err error
	if s.start, err = parseRFC3339("schedule", start); err != nil {
		return nil, err
	}
	if zone == "" {
		return nil, &InputError{Field: "timezone", Reason: "is required with a scheduled date: pass a Windows time-zone ID such as \"GMT Standard Time\""}
	}
	if due != "" {
		if s.due, err = parseRFC3339("due", due); err != nil {
			return nil, err
		}
		if !s.due.After(s.start) {
			return nil, &InputError{Field: "due", Value: due, Reason: "is not after the scheduled date " + start}
		}
	}
	return s, nil
}

func parseRFC3339(field, value string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, value)
	if err != nil {
		return time.Time{}, &InputError{Field: field, Value: value, Reason: "is not an RFC 3339 date-time such as 2026-04-01T09:00:00Z"}
	}
	return t, nil
}
