package workflows

import (
	"cmp"
	"context"
	"fmt"
	"github.com/keepnet-flow/keepnet-flow/internal/reqctx"
	"github.com/keepnet-flow/keepnet-flow/internal/wire"
	"net/http"
	"slices"
	"strings"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
)

// TimeZone is one time zone the service accepts in an enrollment schedule.
// IDs are Windows time-zone IDs such as "GMT Standard Time", the ones the
// vendor's own UI sends, not IANA names.
type TimeZone struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
}

// maxTimeZoneSuggestions bounds the close matches an unknown time zone's
// error lists, so the reason stays one readable line.
const maxTimeZoneSuggestions = 5

// zonesBody is a timezones answer as the enroll flow reads it.
type zonesBody struct {
	Data *struct {
		TimeZoneList *[]struct {
			ID          string `json:"id"`
			DisplayName string `json:"displayName"`
		} `json:"timeZoneList"`
	} `json:"data"`
}

// ListTimeZones returns the time zones the service lists
// (GET /api/timezone/timezones), in the service's order.
func ListTimeZones(ctx context.Context, scope *keepnet.ScopedClient) ([]TimeZone, error) {
	body, report, err := wire.Fetch(ctx, func(ctx context.Context) (*http.Response, error) {
		return scope.API().GetTimezoneTimezones(ctx)
	}, func(b *zonesBody, r *keepnet.DecodeReport) error {
		if prob, bad := r.Problem("data.timeZoneList"); bad {
			return fmt.Errorf("unusable time-zone list: %s", prob)
		}
		if b.Data == nil || b.Data.TimeZoneList == nil {
			return reqctx.Hollow("the time-zone answer has no data.timeZoneList")
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list time zones: %w", err)
	}
	var zones []TimeZone
	for i, z := range *body.Data.TimeZoneList {
		// A zone whose ID could not be read cannot be chosen; one whose
		// display name could not be read still can.
		if z.ID == "" || len(report.Within(fmt.Sprintf("data.timeZoneList[%d].id", i))) > 0 {
			continue
		}
		zones = append(zones, TimeZone{ID: z.ID, DisplayName: z.DisplayName})
	}
	return zones, nil
}

// matchTimeZone finds the zone id names. The service's ID wins as spelled;
// a case-insensitive exact match is accepted too, since nobody means a
// different zone by "gmt standard time". Anything else is an *InputError
// that lists close matches, because a near miss ("GMT Standard Tme", or the
// IANA "Europe/London" the vendor's how-to shows) is the usual mistake.
func matchTimeZone(id string, zones []TimeZone) (TimeZone, error) {
	q := strings.TrimSpace(id)
	for _, z := range zones {
		if z.ID == q {
			return z, nil
		}
	}
	for _, z := range zones {
		if strings.EqualFold(z.ID, q) {
			return z, nil
		}
	}
	reason := "is not a time zone the service lists (it uses Windows IDs such as \"GMT Standard Time\")"
	if close := closeTimeZones(q, zones); len(close) > 0 {
		quoted := make([]string, len(close))
		for i, z := range close {
			quoted[i] = fmt.Sprintf("%q", z.ID)
		}
		reason += "; close matches: " + strings.Join(quoted, ", ")
	}
	return TimeZone{}, &InputError{Field: "timezone", Value: q, Reason: reason}
}

// closeTimeZones ranks zones by how near they are to q: first those whose ID
// or display name contains q (or, for an IANA-style "Region/City", the city),
// then those within a small edit distance of the ID. Ties keep the service's
// order.
func closeTimeZones(q string, zones []TimeZone) []TimeZone {
	lq := strings.ToLower(q)
	terms := []string{lq}
	if i := strings.LastIndex(lq, "/"); i >= 0 && i < len(lq)-1 {
		// "Europe/Istanbul" -> "istanbul", which the display names carry:
		// "(UTC+03:00) Istanbul".
		terms = append(terms, strings.ReplaceAll(lq[i+1:], "_", " "))
	}
	type scored struct {
		zone  TimeZone
		score int
	}
	var hits []scored
	limit := max(3, len(lq)/4)
	for _, z := range zones {
		lid, lname := strings.ToLower(z.ID), strings.ToLower(z.DisplayName)
		score := -1
		for _, t := range terms {
			if t != "" && (strings.Contains(lid, t) || strings.Contains(lname, t)) {
				score = 0
				break
			}
		}
		if score < 0 {
			if d := levenshtein(lq, lid); d <= limit {
				score = d
			}
		}
		if score >= 0 {
			hits = append(hits, scored{z, score})
		}
	}
	slices.SortStableFunc(hits, func(a, b scored) int { return cmp.Compare(a.score, b.score) })
	out := make([]TimeZone, 0, min(len(hits), maxTimeZoneSuggestions))
	for _, h := range hits[:min(len(hits), maxTimeZoneSuggestions)] {
		out = append(out, h.zone)
	}
	return out
}

// levenshtein is the edit distance between a and b, by runes. It is written
// here rather than imported because it is fifteen lines, used only to suggest
// time zones and names, and not worth a dependency.
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
