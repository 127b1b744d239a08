package workflows

import (
	"errors"
	"fmt"
	"strings"
)

// InputError reports input the flow cannot act on: an unknown or ambiguous
// name, an invalid date or time zone, a bad option. It is detected before
// anything is written, and the CLI exits 2 on it.
type InputError struct {
	// Field names the offending input, e.g. "company" or "due".
	Field string
	// Value is the value as given.
	Value string
	// Reason says what is wrong with it, in one line.
	Reason string
	// Suggestions are what an unknown name may have meant, closest first,
	// as `"Name" (ID)`; the message ends with them as "did you mean …?".
	Suggestions []string

	// unknown marks "matches nothing", which callers may reword for what
	// they searched.
	unknown bool
	// notSurvey marks a survey name or ID that matches only an enrollment
	// of another type: like an unknown one, the company has no such
	// survey, and a pull across all companies skips it.
	notSurvey bool
}

func (e *InputError) Error() string {
	msg := fmt.Sprintf("%s %q: %s", e.Field, e.Value, e.Reason)
	if e.Value == "" {
		msg = fmt.Sprintf("%s: %s", e.Field, e.Reason)
	}
	if len(e.Suggestions) > 0 {
		msg += "; did you mean " + strings.Join(e.Suggestions, " or ") + "?"
	}
	return msg
}

// Unknown reports whether the value matches nothing (as opposed to several
// things, or being malformed), so a caller may say where the valid values
// are listed.
func (e *InputError) Unknown() bool { return e.unknown }

// IsInputError reports whether err is, or wraps, an *InputError.
func IsInputError(err error) bool {
	var ie *InputError
	return errors.As(err, &ie)
}

// ErrIncomplete means a pull finished but some records carry an error: every
// other record is complete, and the failed ones say what is missing. The CLI
// exits 3 on it.
var ErrIncomplete = errors.New("some records could not be fetched")

// ShortListingError means a paged listing ended (on an empty or short page)
// with fewer records than the server said it had: records were lost on the
// way, so the result is incomplete. It wraps ErrIncomplete.
type ShortListingError struct {
	// Listing names the search ("users/search").
	Listing string
	// Reported is the server's totalNumberOfRecords; Listed is how many
	// records its pages held.
	Reported, Listed int
}

func (e *ShortListingError) Error() string {
	return fmt.Sprintf("%s reported %d records but its pages listed %d: %d are missing", e.Listing, e.Reported, e.Listed, e.Reported-e.Listed)
}

func (e *ShortListingError) Unwrap() error { return ErrIncomplete }
