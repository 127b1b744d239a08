package workflows

import (
	"io"

	jsonv2 "github.com/go-json-experiment/json"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// decodeServerJSON decodes a response body into v with encoding/json's
// semantics (case-insensitive names, as the service's casing varies;
// duplicate names and invalid UTF-8 tolerated), but through the
// encoding/json/v2 implementation, which decodes an exam-result-sessions
// body three times faster than encoding/json's Decoder (23 µs against
// 69 µs for a 6.8 KB body on the benchmark machine). The pull decodes one
// such body per user, and it was the largest part of the client's CPU per
// user (see docs/benchmarks.md).
//
// Only errors differ: they are v2's, and decoding stops at the first one
// instead of going on to report it at the end. Legacy error reporting
// alone took the time from 23 to 29 µs, and the pull fails the user's
// record on any error either way.
//
// github.com/go-json-experiment/json mirrors encoding/json/v2, which is
// experimental in Go 1.26 and stable in Go 1.27, where this module becomes an
// alias of the standard library. Unlike encoding/json's Decoder it rejects
// data after the value, which a JSON response body never has.
func decodeServerJSON(r io.Reader, v any) error {
	return jsonv2.UnmarshalRead(r, v, serverJSONOptions)
}

// serverJSONOptions is encoding/json's semantics but for how errors are
// reported; see decodeServerJSON. Options values are immutable.
var serverJSONOptions = jsonv2.JoinOptions(jsonv1.DefaultOptionsV1(), jsonv1.ReportErrorsWithLegacySemantics(false))
