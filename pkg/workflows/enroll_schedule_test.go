package workflows

import (
	"errors"
	"testing"
)

func TestParseScheduleRejects(t *testing.T) {
	for _, tc := range []struct {
		name                 string
		start, due, zone     string
		wantField, wantValue string
	}{
		{"zone without schedule", "", "", "GMT Standard Time", "timezone", "GMT Standard Time"},
		{"due without schedule", "", "2026-04-30T23:59:59Z", "", "due", "2026-04-30T23:59:59Z"},
		{"schedule not RFC 3339", "01/04/2026 09:00", "", "UTC", "schedule", "01/04/2026 09:00"},
		{"schedule without zone offset", "2026-04-01T09:00:00", "", "UTC", "schedule", "2026-04-01T09:00:00"},
		{"schedule without time zone", "2026-04-01T09:00:00Z", "", "", "timezone", ""},
		{"due not RFC 3339", "2026-04-01T09:00:00Z", "next week", "UTC", "due", "next week"},
		{"due before schedule", "2026-04-01T09:00:00Z", "2026-03-31T09:00:00Z", "UTC", "due", "2026-03-31T09:00:00Z"},
		{"due equal to schedule", "2026-04-01T09:00:00Z", "2026-04-01T10:00:00+01:00", "UTC", "due", "2026-04-01T10:00:00+01:00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseSchedule(tc.start, tc.due, tc.zone)
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("parseSchedule error = %v, want *InputError", err)
			}
			if ie.Field != tc.wantField || ie.Value != tc.wantValue {
				t.Errorf("parseSchedule: field %q value %q, want %q %q (%v)", ie.Field, ie.Value, tc.wantField, tc.wantValue, err)
			}
		})
	}
}

func TestParseScheduleAccepts(t *testing.T) {
	s, err := parseSchedule("", "", "")
	if err != nil || s != nil {
		t.Fatalf("no schedule: got %+v, %v; want nil, nil (send now)", s, err)
	}
	s, err = parseSchedule(" 2026-04-01T09:00:00+03:00 ", "2026-04-30T23:59:59Z", "Turkey Standard Time")
	if err != nil {
		t.Fatal(err)
	}
	if s.startText != "2026-04-01T09:00:00+03:00" || s.dueText != "2026-04-30T23:59:59Z" || s.zone != "Turkey Standard Time" {
		t.Errorf("parseSchedule = %+v, want the dates as given (trimmed) and the zone", s)
	}
}
