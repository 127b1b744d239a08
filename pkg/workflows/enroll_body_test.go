package workflows

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCreatedEnrollmentID(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{`{"data":{"id":"e7New0000001","status":"Scheduled"},"status":"SUCCESS"}`, "e7New0000001"},
		{`{"data":{"resourceId":"e7Res0000002"}}`, "e7Res0000002"}, // what the how-to page promises
		{`{"Data":{"Id":"e7Cap0000003"}}`, "e7Cap0000003"},
		{`{"data":{"id":"","resourceId":"e7Res0000004"}}`, "e7Res0000004"},
		{`{"data":{"id":1234}}`, "1234"},
		{`{"data":{"id":null}}`, ""},
		{`{"data":null}`, ""},
		{`<html><body>502 Bad Gateway</body></html>`, ""},
		{``, ""},
	} {
		if got := createdEnrollmentID([]byte(tc.body)); got != tc.want {
			t.Errorf("createdEnrollmentID(%s) = %q, want %q", tc.body, got, tc.want)
		}
	}
}

// FuzzCreatedEnrollmentID: whatever the server answers, reading the ID must
// not panic and never yields an untrimmed ID; an ID the server does send in
// data.id comes back as sent.
func FuzzCreatedEnrollmentID(f *testing.F) {
	f.Add([]byte(`{"data":{"id":"e7New0000001"}}`), "e7New0000001")
	f.Add([]byte(`{"data":{"resourceId":"x"}}`), " x ")
	f.Add([]byte(`{"data":{"id":1e400}}`), "Zoë-Ñúñez")
	f.Add([]byte(`{"data":[]}`), "")
	f.Fuzz(func(t *testing.T, body []byte, id string) {
		if got := createdEnrollmentID(body); got != strings.TrimSpace(got) {
			t.Fatalf("createdEnrollmentID(%q) returned untrimmed %q", body, got)
		}
		if !utf8.ValidString(id) {
			return // encoding/json would replace the invalid bytes
		}
		env, err := json.Marshal(map[string]any{"data": map[string]string{"id": id}})
		if err != nil {
			t.Fatal(err)
		}
		if got := createdEnrollmentID(env); got != strings.TrimSpace(id) {
			t.Fatalf("createdEnrollmentID(%s) = %q, want %q", env, got, strings.TrimSpace(id))
		}
	})
}

func TestMatchFormEnum(t *testing.T) {
	values := []formEnum{{ID: 1, Name: "DoNotSend", DisplayName: "Do not send"}, {ID: 2, Name: "SendAfterCompletion", DisplayName: "Send after completion"}}
	for _, in := range []string{"SendAfterCompletion", "sendaftercompletion", "Send after completion", "2"} {
		got, err := matchFormEnum("certificate send type", in, values)
		if err != nil || got != "SendAfterCompletion" {
			t.Errorf("matchFormEnum(%q) = %q, %v; want SendAfterCompletion", in, got, err)
		}
	}
	_, err := matchFormEnum("certificate send type", "Email", values)
	var ie *InputError
	if !errors.As(err, &ie) || ie.Value != "Email" || !strings.Contains(err.Error(), `"DoNotSend"`) {
		t.Errorf("matchFormEnum(Email) = %v, want an InputError naming the value and listing the choices", err)
	}
}
