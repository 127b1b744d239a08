package workflows

import (
	"errors"
	"reflect"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
)

func TestDecodeTimeline(t *testing.T) {
	body := `{"data":[
		{"interaction":"Email Sent","eventTime":"22/01/2026 13:30:09","stepCount":1,"trackingInfo":{"browserName":"Firefox","userIpAddresslist":["192.0.2.1"]}},
		{"interaction":"Email Opened","eventTime":"2026-01-22T13:40:00.1234567"},
		{"interaction":"Training Opened"}],"status":"SUCCESS"}`
	got, err := decodeTimeline([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	want := []Interaction{
		{Event: "Email Sent", Time: keepnetdate.FromString("22/01/2026 13:30:09")},
		{Event: "Email Opened", Time: keepnetdate.FromString("2026-01-22T13:40:00.1234567")},
		{Event: "Training Opened"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("decodeTimeline = %+v, want %+v", got, want)
	}
	if got, err := decodeTimeline([]byte(`{"data":[]}`)); err != nil || got == nil || len(got) != 0 {
		t.Errorf("decodeTimeline(data: []) = %v, %v; want an empty list", got, err)
	}
	// No data is not "no events": it is an answer without its content.
	for _, hollow := range []string{`{"data":null}`, `{}`, `{"status":"SUCCESS"}`} {
		if _, err := decodeTimeline([]byte(hollow)); !errors.Is(err, keepnet.ErrHollowResponse) {
			t.Errorf("decodeTimeline(%s): err = %v, want ErrHollowResponse", hollow, err)
		}
	}
	if _, err := decodeTimeline([]byte(`<html>502</html>`)); err == nil {
		t.Error("an HTML page decoded as a timeline")
	}
}

// FuzzDecodeTimeline: any body decodes as encoding/json decodes it, and
// either to a non-nil list or not at all.
func FuzzDecodeTimeline(f *testing.F) {
	f.Add(`{"data":[{"interaction":"Email Sent","eventTime":"22/01/2026 13:30:09"}]}`)
	f.Add(`{"data":[{"eventTime":12345},{"interaction":null}]}`)
	f.Fuzz(func(t *testing.T, body string) {
		agreesWithEncodingJSON[timelineBody](t, body)
		got, err := decodeTimeline([]byte(body))
		if err == nil && got == nil {
			t.Fatalf("nil timeline without error for %q", body)
		}
	})
}
