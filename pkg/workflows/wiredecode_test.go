package workflows

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
)

// agreesWithEncodingJSON fails the test when body decodes into a T with
// encoding/json but not with keepnet.Decode, or decodes differently, or
// reports a problem: the faster, lenient decoder must not change what the
// pull reads from the server.
func agreesWithEncodingJSON[T any](t *testing.T, body string) {
	t.Helper()
	var want T
	if json.Unmarshal([]byte(body), &want) != nil {
		return
	}
	var got T
	report, err := keepnet.Decode([]byte(body), &got)
	if err != nil || !report.OK() {
		t.Fatalf("encoding/json decodes %q but keepnet.Decode fails: %v %v", body, err, report)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("keepnet.Decode(%q) =\n %+v\nencoding/json gives\n %+v", body, got, want)
	}
}

func TestDecodeMatchesEncodingJSON(t *testing.T) {
	// Bodies where a faster decoder might plausibly part ways with
	// encoding/json; the fuzz tests look for more.
	bodies := []string{
		`{"data":[{"ScormId":"q1","QUESTION":"Q","answers":[{"Option":"A","isuseranswer":true}]}]}`,
		`{"data":[{"scorm_id":"q1","scormId":"q2"}]}`,
		`{"data":[{"scormId":"q1","scormId":"q2"}]}`,
		`{"data":[{"scormId":"a","question":"Q","answers":[{"option":"A"},{"option":"B"}]}],"data":[{"scormId":"b","answers":[{"isUserAnswer":true}]}]}`,
		"{\"data\":[{\"scormId\":\"q\xff1\",\"question\":\"caf\xc3\"}]}",
		`{"data":[{"index":null,"scormId":null,"answers":null}],"extra":{"nested":[1,2,{"a":null}]}}`,
		`{"data":[{"enrollmentSessionCreatedAt":12345,"interactionsHumanReadable":[{"latency":"PT1S"}]}]}`,
		`{"Data":[{"EnrollmentSessionCreatedAt":"22/01/2026 13:30:09"}],"data":[]}`,
		` {"data":[]} `,
	}
	for _, body := range bodies {
		agreesWithEncodingJSON[sessionsBody](t, body)
		agreesWithEncodingJSON[timelineBody](t, body)
	}
}
