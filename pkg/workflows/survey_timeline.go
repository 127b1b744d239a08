package workflows

import (
	"errors"
	"fmt"
	"github.com/keepnet-flow/keepnet-flow/internal/reqctx"
	"github.com/keepnet-flow/keepnet-flow/internal/wire"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
)

// timelineBody is the part of an interactions answer the pull reads: each
// event's name and time. Like sessionsBody, it leaves out what the generated
// type would decode and the pull never uses (tracking info: browser, user
// agent, geolocation, IP addresses), which saves CPU per user and keeps
// personal data the output does not carry out of memory.
type timelineBody struct {
	Data *[]struct {
		Interaction string           `json:"interaction"`
		EventTime   keepnetdate.Time `json:"eventTime"`
	} `json:"data"`
}

// timelineOf returns a decoded interactions body's events, in the server's
// order. Like answersOfBody, it fails on any field that could not be
// decoded, and on a body without data.
func timelineOf(body *timelineBody, r *keepnet.DecodeReport) ([]Interaction, error) {
	if !r.OK() {
		return []Interaction{}, errors.New(wire.ProblemText(r.Problems))
	}
	if body.Data == nil {
		return []Interaction{}, reqctx.Hollow("the interactions answer has no data")
	}
	events := make([]Interaction, 0, len(*body.Data))
	for _, e := range *body.Data {
		events = append(events, Interaction{Event: e.Interaction, Time: e.EventTime})
	}
	return events, nil
}

// decodeTimeline reads an interactions body into the user's events.
func decodeTimeline(data []byte) ([]Interaction, error) {
	var body timelineBody
	r, err := keepnet.Decode(data, &body)
	if err != nil {
		return []Interaction{}, fmt.Errorf("decode interactions: %w", err)
	}
	return timelineOf(&body, r)
}
