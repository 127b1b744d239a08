package workflows

import (
	"fmt"
	"io"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
)

// timelineBody is the part of an interactions answer the pull reads: each
// event's name and time. Like sessionsBody, it leaves out what the generated
// type would decode and the pull never uses (tracking info: browser, user
// agent, geolocation, IP addresses), which saves CPU per user and keeps
// personal data the output does not carry out of memory.
type timelineBody struct {
	Data []struct {
		Interaction string           `json:"interaction"`
		EventTime   keepnetdate.Time `json:"eventTime"`
	} `json:"data"`
}

// decodeTimeline reads an interactions body into the user's events, in the
// server's order.
func decodeTimeline(r io.Reader) ([]Interaction, error) {
	var body timelineBody
	if err := decodeServerJSON(r, &body); err != nil {
		return []Interaction{}, fmt.Errorf("decode interactions: %w", err)
	}
	events := make([]Interaction, 0, len(body.Data))
	for _, e := range body.Data {
		events = append(events, Interaction{Event: e.Interaction, Time: e.EventTime})
	}
	return events, nil
}
