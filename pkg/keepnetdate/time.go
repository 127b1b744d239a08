// Package keepnetdate holds the date type the generated client uses for every
// `format: date-time` field of the Keepnet API.
//
// The spec promises RFC 3339, but the live service sends the company's display
// format ("22/01/2026 13:30:09", "22/01/2026 13:40", also MM/DD/YYYY and
// YYYY/MM/DD, 12 or 24 hour) and .NET dates without a zone
// ("2026-01-22T13:30:09.1234567"). A strict time.Time would fail the whole
// response on the first such field, so Time never fails to decode: it keeps
// the server's string as it came and parses only on request.
package keepnetdate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Time is a date-time as the Keepnet API sent it. The zero value is an absent
// or null date.
type Time struct {
	raw string
}

// FromTime makes a Time to send to the API, rendered in RFC 3339 as the
// service expects in request bodies.
func FromTime(t time.Time) Time {
	return Time{raw: t.Format(time.RFC3339)}
}

// FromString keeps s exactly as given.
func FromString(s string) Time { return Time{raw: s} }

// String returns the server's original text, or "" for a null date.
func (t Time) String() string { return t.raw }

// IsZero reports whether the date was absent or null.
func (t Time) IsZero() bool { return t.raw == "" }

// MarshalJSON writes the original text back, or null.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.raw == "" {
		return []byte("null"), nil
	}
	return json.Marshal(t.raw)
}

// UnmarshalJSON accepts any JSON scalar and never fails on one: strings are
// kept verbatim, null is the zero Time, and a number or boolean is kept as
// its JSON text. An object or array is refused: no date reading could come
// of it, and keeping its text would pass it off as a date. A lenient decode
// (keepnet.Decode) reports the field instead of failing the response.
func (t *Time) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	switch {
	case len(data) == 0 || bytes.Equal(data, []byte("null")):
		t.raw = ""
	case data[0] == '"':
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return fmt.Errorf("keepnetdate: %w", err)
		}
		t.raw = s
	case data[0] == '{' || data[0] == '[':
		return fmt.Errorf("keepnetdate: a JSON %s is not a date", map[byte]string{'{': "object", '[': "array"}[data[0]])
	default:
		t.raw = string(data)
	}
	return nil
}

// MarshalText and UnmarshalText let Time travel in query strings and maps.
func (t Time) MarshalText() ([]byte, error) { return []byte(t.raw), nil }

// UnmarshalText keeps the text verbatim.
func (t *Time) UnmarshalText(b []byte) error {
	t.raw = string(b)
	return nil
}

// ErrAmbiguous means the text is a valid date in more than one layout, e.g.
// "01/02/2026" is 1 February in DD/MM/YYYY and 2 January in MM/DD/YYYY.
var ErrAmbiguous = errors.New("keepnetdate: ambiguous day/month order")

// Order says how to read a slash-separated date whose day and month are
// both 12 or less.
type Order int

// Orders for Time.ParseAs.
const (
	// Unknown refuses ambiguous slash dates with ErrAmbiguous.
	Unknown Order = iota
	DayFirst
	MonthFirst
)

// Time parses the text where its layout is unambiguous: RFC 3339 (with or
// without fractional seconds), .NET dates without a zone (read as UTC), and
// slash dates whose day is above 12 or which start with the year. Slash dates
// without a zone are read as UTC: the service sends the company's local time
// with no zone, so callers that know the zone should use ParseAs.
func (t Time) Time() (time.Time, error) {
	return t.ParseAs(Unknown, time.UTC)
}

// ParseAs parses like Time, resolving DD/MM versus MM/DD by order and
// reading zone-less dates in loc.
func (t Time) ParseAs(order Order, loc *time.Location) (time.Time, error) {
	s := strings.TrimSpace(t.raw)
	if s == "" {
		return time.Time{}, errors.New("keepnetdate: no date")
	}
	if loc == nil {
		loc = time.UTC
	}
	if v, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return v, nil
	}
	for _, layout := range isoLayouts {
		if v, err := time.ParseInLocation(layout, s, loc); err == nil {
			return v, nil
		}
	}
	return parseSlashed(s, order, loc)
}

// isoLayouts are the zone-less ISO forms .NET emits; Go's parser accepts any
// number of fractional digits after the seconds with ".999999999".
var isoLayouts = []string{
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02",
}

// parseSlashed reads "dd/MM/yyyy HH:mm[:ss]", "MM/dd/yyyy …" and
// "yyyy/MM/dd …", with an optional AM/PM.
func parseSlashed(s string, order Order, loc *time.Location) (time.Time, error) {
	datePart, clock, _ := strings.Cut(s, " ")
	parts := strings.Split(datePart, "/")
	if len(parts) != 3 {
		return time.Time{}, fmt.Errorf("keepnetdate: unrecognised date %q", s)
	}
	nums := [3]int{}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return time.Time{}, fmt.Errorf("keepnetdate: unrecognised date %q", s)
		}
		nums[i] = n
	}
	var year, month, day int
	switch {
	case len(parts[0]) == 4:
		year, month, day = nums[0], nums[1], nums[2]
	case len(parts[2]) == 4:
		year = nums[2]
		a, b := nums[0], nums[1]
		switch {
		case a > 12 && b <= 12:
			day, month = a, b
		case b > 12 && a <= 12:
			month, day = a, b
		case order == DayFirst:
			day, month = a, b
		case order == MonthFirst:
			month, day = a, b
		case a == b:
			day, month = a, b
		default:
			return time.Time{}, fmt.Errorf("%w: %q", ErrAmbiguous, s)
		}
	default:
		return time.Time{}, fmt.Errorf("keepnetdate: unrecognised date %q", s)
	}
	hour, minute, sec, err := parseClock(strings.TrimSpace(clock))
	if err != nil {
		return time.Time{}, fmt.Errorf("keepnetdate: %q: %w", s, err)
	}
	v := time.Date(year, time.Month(month), day, hour, minute, sec, 0, loc)
	if v.Year() != year || int(v.Month()) != month || v.Day() != day || v.Hour() != hour || v.Minute() != minute || v.Second() != sec {
		return time.Time{}, fmt.Errorf("keepnetdate: %q is not a valid date", s)
	}
	return v, nil
}

func parseClock(c string) (hour, minute, sec int, err error) {
	if c == "" {
		return 0, 0, 0, nil
	}
	pm, am := false, false
	upper := strings.ToUpper(c)
	switch {
	case strings.HasSuffix(upper, "PM"):
		pm, c = true, strings.TrimSpace(c[:len(c)-2])
	case strings.HasSuffix(upper, "AM"):
		am, c = true, strings.TrimSpace(c[:len(c)-2])
	}
	fields := strings.Split(c, ":")
	if len(fields) < 2 || len(fields) > 3 {
		return 0, 0, 0, fmt.Errorf("unrecognised time of day %q", c)
	}
	vals := [3]int{}
	for i, f := range fields {
		if i == 2 {
			f, _, _ = strings.Cut(f, ".")
		}
		n, convErr := strconv.Atoi(f)
		if convErr != nil || n < 0 {
			return 0, 0, 0, fmt.Errorf("unrecognised time of day %q", c)
		}
		vals[i] = n
	}
	hour, minute, sec = vals[0], vals[1], vals[2]
	if am || pm {
		if hour < 1 || hour > 12 {
			return 0, 0, 0, fmt.Errorf("hour %d out of range for 12-hour clock", hour)
		}
		hour %= 12
		if pm {
			hour += 12
		}
	}
	return hour, minute, sec, nil
}
