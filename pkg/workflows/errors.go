package workflows

import (
	"errors"
	"fmt"
	"strings"

	"github.com/keepnet-flow/keepnet-flow/internal/paging"
)

// InputError reports input a flow cannot act on: an unknown or ambiguous
// name, an invalid date or time zone, a bad option. It is detected before
// anything is written or created. It names the request's field and value,
// never a command-line flag: a caller maps fields to its own terms.
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
	// Option, when set, names the request's option that would resolve
	// the problem ("AllowDuplicate", "Schedule", "AwardCertificate",
	// "SkipMissing"), for a caller to name in its own terms.
	Option string

	// unknown marks "matches nothing", which callers may reword for what
	// they searched.
	unknown bool
	// otherKind marks a name or ID that matches only an enrollment of
	// another type (a training named as a survey): like an unknown one,
	// the company has no such survey, and a pull from all companies skips
	// it.
	otherKind bool
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

// ErrIncomplete means a pull finished but some of it is missing: records
// that carry an error, or a company whose listing could not be shown
// whole. Everything else is complete, and what is missing is named.
var ErrIncomplete = errors.New("some records could not be fetched")

// ListingError is a listing the service would not give whole: after the
// passes its paging allows (offset paging over an order that moves), it
// still holds fewer distinct rows than the service reported. It names the
// listing and both counts.
type ListingError = paging.IncompleteError

// CompanyError is one company's failure in a run across companies; the
// other companies go on.
type CompanyError struct {
	Company Company
	Err     error
}

func (e *CompanyError) Error() string {
	return fmt.Sprintf("company %q (%s): %v", e.Company.Name, e.Company.ID, e.Err)
}

func (e *CompanyError) Unwrap() error { return e.Err }

// CompanyOutcome is how one company's part of a run across companies
// ended, for pulls and rollouts alike.
type CompanyOutcome struct {
	Company Company `json:"company"`
	// Skipped says why the company was left out (it has no such survey,
	// or lacks the training); empty when it was not.
	Skipped string `json:"skipped,omitempty"`
	// Records counts a pull's records of the company (a sync's users
	// written); Complete those without an error, Failed those with one.
	Records  int `json:"records,omitempty"`
	Complete int `json:"complete,omitempty"`
	Failed   int `json:"failed,omitempty"`
	// SourcesFetched and SourcesUnchanged count a sync's enrollments and
	// jobs of the company: those whose users were fetched and written,
	// and those recorded from their listing and summary alone.
	SourcesFetched   int `json:"sourcesFetched,omitempty"`
	SourcesUnchanged int `json:"sourcesUnchanged,omitempty"`
	// Enrollment is what a rollout ended with in the company, as Enroll
	// reports it; nil for pulls, and when nothing was planned.
	Enrollment *EnrollResult `json:"enrollment,omitempty"`
	// Notices are what a pull found worth telling about the company that
	// is no record's error: what the request left out of it (test
	// campaigns, say), and its sources' notices (see Source.Notices).
	Notices []string `json:"notices,omitempty"`
	// Error says why the company failed, or its listing came up short;
	// empty when it did not. Err is the same error, for errors.Is and
	// errors.As.
	Error string `json:"error,omitempty"`
	Err   error  `json:"-"`
}
