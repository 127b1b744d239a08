package workflows

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// agreesWithEncodingJSON fails the test when body decodes into a T with
// encoding/json but not with decodeServerJSON, or decodes differently: the
// faster decoder must not change what the pull reads from the server.
func agreesWithEncodingJSON[T any](t *testing.T, body string) {
	t.Helper()
	var want T
	if json.Unmarshal([]byte(body), &want) != nil {
		return
	}
	var got T
	if err := decodeServerJSON(strings.NewReader(body), &got); err != nil {
		t.Fatalf("encoding/json decodes %q but decodeServerJSON fails: %v", body, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("decodeServerJSON(%q) =\n %+v\nencoding/json gives\n %+v", body, got, want)
	}
}

func TestDecodeServerJSONMatchesEncodingJSON(t *testing.T) {
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
