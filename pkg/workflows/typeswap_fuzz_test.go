package workflows

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/keepnet-flow/keepnet-flow/internal/wire"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
)

// These fuzz targets take a well-formed body of each response the flows
// decode and change the JSON type of one of its values, anywhere, as the
// live service's drift might. Whatever is changed, decoding must not panic,
// and every field the flow reads must come out either exactly as from the
// original body or reported by path in the DecodeReport: never silently
// different or empty.

// jsonNode is one value of a parsed body, with its path as DecodeReport
// spells paths.
type jsonNode struct {
	path string
	set  func(any) // replaces the value in its parent
	v    any
}

// nodes lists every value of tree (json.Number for numbers), parents first.
func nodes(tree *any) []jsonNode {
	var out []jsonNode
	var walk func(path string, v any, set func(any))
	walk = func(path string, v any, set func(any)) {
		out = append(out, jsonNode{path: path, set: set, v: v})
		switch x := v.(type) {
		case map[string]any:
			for k, child := range x {
				walk(joinPath(path, k), child, func(nv any) { x[k] = nv })
			}
		case []any:
			for i, child := range x {
				walk(fmt.Sprintf("%s[%d]", path, i), child, func(nv any) { x[i] = nv })
			}
		}
	}
	walk("", *tree, func(nv any) { *tree = nv })
	return out
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// swapped returns v with its JSON type changed by the mutation numbered
// kind, whether the change keeps the value (a lossless coercion back is then
// expected), and whether the mutation applies to v at all. Only the type
// changes: a string never becomes a different string, nor an array a
// different array.
func swapped(v any, kind byte) (replacement any, lossless, ok bool) {
	_, isObject := v.(map[string]any)
	_, isArray := v.([]any)
	switch kind % 5 {
	case 0: // a number as a string, a digit string as a number, a boolean as text
		switch x := v.(type) {
		case json.Number:
			return x.String(), true, true
		case string:
			if _, err := strconv.ParseUint(x, 10, 53); err == nil && x == strings.TrimLeft(x, "0") && x != "" {
				return json.Number(x), true, true
			}
		case bool:
			return strconv.FormatBool(x), true, true
		}
	case 1:
		if !isObject {
			return map[string]any{"drifted": json.Number("1")}, false, true
		}
	case 2:
		if !isArray {
			return []any{"drifted"}, false, true
		}
	case 3:
		return nil, false, true // null: the field reads as absent
	case 4:
		if isObject || isArray {
			return true, false, true
		}
	}
	return nil, false, false
}

// fuzzTypeSwaps is the property, for a response decoded into T.
func fuzzTypeSwaps[T any](f *testing.F, seeds ...string) {
	for _, s := range seeds {
		f.Add([]byte(s), uint16(0), byte(0))
	}
	f.Fuzz(func(t *testing.T, body []byte, at uint16, kind byte) {
		var original T
		if r, err := keepnet.Decode(body, &original); err != nil || !r.OK() {
			return // only well-formed bodies are mutated
		}
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		var tree any
		if dec.Decode(&tree) != nil {
			return
		}
		// The original is read back from the tree as re-encoded, so that
		// both sides see its keys in the same order (re-encoding sorts them,
		// and a repeated key's last value wins).
		normal, err := json.Marshal(tree)
		if err != nil {
			t.Fatal(err)
		}
		original = *new(T)
		if r, err := keepnet.Decode(normal, &original); err != nil || !r.OK() {
			return
		}
		all := nodes(&tree)
		target := all[int(at)%len(all)]
		replacement, lossless, ok := swapped(target.v, kind)
		if !ok {
			return
		}
		target.set(replacement)
		mutated, err := json.Marshal(tree)
		if err != nil {
			t.Fatal(err)
		}
		var got T
		report, err := keepnet.Decode(mutated, &got)
		if err != nil {
			t.Fatalf("Decode(%s): %v", mutated, err)
		}
		path := target.path
		if path == "" {
			path = "(body)"
		}
		reported := len(report.Within(path)) > 0
		for _, p := range report.Problems {
			if !strings.HasPrefix(strings.ToLower(p.Path), strings.ToLower(path)) && path != "(body)" {
				t.Fatalf("changing %s reported %s too", path, p.Path)
			}
		}
		switch {
		case lossless && !report.OK():
			t.Fatalf("a lossless change at %s was reported: %v\nbody %s", path, report.Problems, mutated)
		case lossless:
			if !reflect.DeepEqual(got, original) {
				t.Fatalf("a lossless change at %s changed the result:\n %+v\nwant\n %+v", path, got, original)
			}
		case replacement == nil || reported:
			// Null or reported: only that value may differ from the
			// original; everything else must be as it was.
			if !equalOutside(t, got, original, path) {
				t.Fatalf("changing %s also changed other fields:\n %+v\nwant\n %+v", path, got, original)
			}
		default:
			// Neither lossless nor reported: the value must not have been
			// one the type reads.
			if !reflect.DeepEqual(got, original) {
				t.Fatalf("%s changed to %s without a report, and the result changed:\n %+v\nwant\n %+v", path, mutated, got, original)
			}
		}
	})
}

// equalOutside compares a and b as JSON trees, ignoring the subtree at
// path (and, for a changed container, what it held).
func equalOutside(t *testing.T, a, b any, path string) bool {
	t.Helper()
	ta, tb := asTree(t, a), asTree(t, b)
	blank := func(tree *any) {
		for _, n := range nodes(tree) {
			// The body's keys may be cased otherwise than the Go type's.
			if strings.EqualFold(n.path, path) || (path == "(body)" && n.path == "") {
				n.set(nil)
			}
		}
	}
	blank(&ta)
	blank(&tb)
	return reflect.DeepEqual(ta, tb)
}

func asTree(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var tree any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&tree); err != nil {
		t.Fatal(err)
	}
	return tree
}

const (
	companiesSeed = `{"data":{"pageNumber":1,"totalNumberOfRecords":2,"results":[{"companyResourceId":"co-1","companyName":"Acme","numberOfUsers":"250","children":[{"companyResourceId":"co-2","companyName":"Acme Europe","children":[]}]}]},"status":"SUCCESS"}`
	usersSeed     = `{"data":{"totalNumberOfRecords":2,"results":[{"targetUserResourceId":"u-1","email":"a@example.test","firstName":"Ada","lastName":"Byte","department":"Finance","status":"Completed","lastInteractionDate":"22/01/2026 13:30:09","isMainScore":true},{"targetUserResourceId":"u-2","email":"b@example.test","status":"Not Responded"}]}}`
	sessionsSeed  = `{"data":[{"enrollmentSessionCreatedAt":"22/01/2026 13:30:09","totalQuestions":2,"interactionsHumanReadable":[{"source":"Qex","index":0,"scormId":"q1","question":"I report phishing","type":"choice-single","answers":[{"option":"Agree","isUserAnswer":true},{"option":"Disagree","isUserAnswer":false}],"studentOrLearnerResponse":"4_Agree","latency":"PT0H1M15S"},{"index":1,"scormId":"42","question":"Years","answers":[{"option":"5","isUserAnswer":true}]}]}]}`
	timelineSeed  = `{"data":[{"interaction":"Email Sent","eventTime":"22/01/2026 13:30:09","stepCount":1,"currentStep":"1","trackingInfo":{"browserName":"Firefox"}},{"interaction":"Email Opened","eventTime":"2026-01-22T13:40:00.1234567"}]}`
	trainingsSeed = `{"data":{"results":[{"trainingId":"t-1","trainingName":"Phishing Fundamentals","type":"SCORM","category":"Security","level":"Beginner","duration":"15","languages":["en","tr"],"vendorName":"Keepnet","tags":["a"]}]}}`
	groupsSeed    = `{"data":{"results":[{"resourceId":"g-1","name":"Finance","userCount":12,"priority":"High"}]}}`
	enrollSeed    = `{"data":{"results":[{"enrollmentId":"e-1","name":"Security Culture Survey","type":"Survey","status":"Finished","trainingName":"Culture","startDate":"22/01/2026 13:30","createTime":"2026-01-22T13:30:09.1234567"}]}}`
	zonesSeed     = `{"data":{"timeZoneList":[{"id":"GMT Standard Time","displayName":"(UTC+00:00) London"},{"id":"Turkey Standard Time","displayName":"(UTC+03:00) Istanbul"}]}}`
)

func FuzzTypeSwapCompanies(f *testing.F) {
	fuzzTypeSwaps[wire.SearchPage[companyRow]](f, companiesSeed)
}
func FuzzTypeSwapUsers(f *testing.F)    { fuzzTypeSwaps[wire.SearchPage[userRow]](f, usersSeed) }
func FuzzTypeSwapSessions(f *testing.F) { fuzzTypeSwaps[sessionsBody](f, sessionsSeed) }
func FuzzTypeSwapTimeline(f *testing.F) { fuzzTypeSwaps[timelineBody](f, timelineSeed) }
func FuzzTypeSwapTrainings(f *testing.F) {
	fuzzTypeSwaps[wire.SearchPage[trainingRow]](f, trainingsSeed)
}
func FuzzTypeSwapGroups(f *testing.F) { fuzzTypeSwaps[wire.SearchPage[targetGroupRow]](f, groupsSeed) }
func FuzzTypeSwapEnrollments(f *testing.F) {
	fuzzTypeSwaps[wire.SearchPage[enrollmentRow]](f, enrollSeed)
}
func FuzzTypeSwapTimeZones(f *testing.F) { fuzzTypeSwaps[zonesBody](f, zonesSeed) }

const (
	detailsSeed = `{"data":{"id":"e-1","name":"Q3 refresher","trainingId":"t-1","targetGroupResourceIds":["g-1","g-2"],"status":"Scheduled","awardCertificate":false,"languageIds":[1,2]}}`
	formSeed    = `{"data":{"enumNameValuePairs":{"CertificateConfigSendTypeEnum":[{"id":1,"name":"SendAfterCompletion","displayName":"Send after completion"},{"id":2,"name":"DoNotSend","displayName":"Do not send"}],"EmailPeriodTypeEnum":[{"id":0,"name":"Daily"}]},"templateResourceIds":["x"]}}`
)

func FuzzTypeSwapEnrollmentDetails(f *testing.F) { fuzzTypeSwaps[enrollmentDetails](f, detailsSeed) }
func FuzzTypeSwapFormDetails(f *testing.F)       { fuzzTypeSwaps[formDetails](f, formSeed) }
