package workflows

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// parseLatency reads a SCORM answer latency. SCORM 2004 sends an ISO-8601
// duration ("PT0H1M15S", "PT1.5S", "P0DT0H0M3S"); SCORM 1.2 content sends
// a CMITimespan ("0000:01:15.00"). The standard library has no ISO-8601
// duration parser and the subset SCORM allows is small, hence by hand.
// Years and months have no fixed length and are refused.
func parseLatency(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "P") {
		return parseISODuration(s)
	}
	if strings.Contains(s, ":") {
		return parseTimespan(s)
	}
	return 0, fmt.Errorf("latency %q: not an ISO-8601 duration", s)
}

// maxLatency keeps arithmetic far from overflow; no answer takes a year.
const maxLatency = 366 * 24 * time.Hour

func parseISODuration(s string) (time.Duration, error) {
	bad := func() (time.Duration, error) {
		return 0, fmt.Errorf("latency %q: not an ISO-8601 duration", s)
	}
	rest := s[1:]
	if rest == "" {
		return bad()
	}
	var total float64
	inTime := false
	sawField := false
	lastUnit := -1
	for rest != "" {
		if rest[0] == 'T' {
			if inTime {
				return bad()
			}
			inTime = true
			rest = rest[1:]
			if rest == "" {
				return bad()
			}
			continue
		}
		n := 0
		for n < len(rest) && (rest[n] >= '0' && rest[n] <= '9' || rest[n] == '.' || rest[n] == ',') {
			n++
		}
		if n == 0 || n == len(rest) {
			return bad()
		}
		number := strings.Replace(rest[:n], ",", ".", 1)
		v, err := strconv.ParseFloat(number, 64)
		if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
			return bad()
		}
		rank, secs, ok := durationUnit(rest[n], inTime)
		if !ok || rank <= lastUnit {
			return bad()
		}
		lastUnit = rank
		sawField = true
		total += v * secs
		if total > maxLatency.Seconds() {
			return 0, fmt.Errorf("latency %q: longer than %s", s, maxLatency)
		}
		rest = rest[n+1:]
	}
	if !sawField {
		return bad()
	}
	return time.Duration(math.Round(total * float64(time.Second))), nil
}

// durationUnit ranks an ISO-8601 unit letter (units must come in rank
// order) and gives its length in seconds. W stands alone in the standard,
// but SCORM players are lenient, so it is accepted before D.
func durationUnit(c byte, inTime bool) (rank int, secs float64, ok bool) {
	switch {
	case !inTime && c == 'W':
		return 0, 7 * 86400, true
	case !inTime && c == 'D':
		return 1, 86400, true
	case inTime && c == 'H':
		return 2, 3600, true
	case inTime && c == 'M':
		return 3, 60, true
	case inTime && c == 'S':
		return 4, 1, true
	}
	return 0, 0, false
}

// parseTimespan reads the SCORM 1.2 CMITimespan HHHH:MM:SS[.SS].
func parseTimespan(s string) (time.Duration, error) {
	parts := strings.Split(s, ":")
	if len(parts) != 3 {
		return 0, fmt.Errorf("latency %q: not HHHH:MM:SS", s)
	}
	h, err1 := strconv.ParseUint(parts[0], 10, 16)
	m, err2 := strconv.ParseUint(parts[1], 10, 8)
	sec, err3 := strconv.ParseFloat(parts[2], 64)
	if err := errors.Join(err1, err2, err3); err != nil || m > 59 || sec < 0 || sec >= 60 ||
		strings.ContainsAny(parts[2], "eEinxp+-") {
		return 0, fmt.Errorf("latency %q: not HHHH:MM:SS", s)
	}
	total := float64(h)*3600 + float64(m)*60 + sec
	return time.Duration(math.Round(total * float64(time.Second))), nil
}
