// Package keepnet is the connection layer between keepnet-flow and the
// Keepnet Labs API.
//
// It wraps the generated client (package gen) with what the generated code
// cannot know: OAuth 2.0 client-credentials tokens shared by all goroutines,
// the company headers a Reseller credential needs, retries that never repeat
// a request that may have changed state, client-side rate and concurrency
// limits, typed errors with the vendor's guidance, and a redacted HTTP trace.
//
// Build one [Client] per credential with [New] and share it. Work on a
// customer company through [Client.ForCompany]; the result is an immutable
// value, so several companies can be worked on concurrently:
//
//	client, err := keepnet.New() // KEEPNET_CLIENT_ID, KEEPNET_CLIENT_SECRET
//	if err != nil { ... }
//	acme := client.ForCompany(companyID)
//	resp, err := acme.API().PostEnrollmentsSearchWithResponse(ctx, body)
//
// Every call made through a keepnet client returns a non-nil error for a
// non-2xx response: an [*APIError], possibly also wrapping
// [ErrOutcomeUnknown] when a state-changing request failed after it may have
// reached the server.
//
// # Retries
//
// Only requests that read are retried automatically: GET and the POST
// search endpoints (path ending in /search or containing /search/), after
// 429, 500, 502, 503, 504 or a connection error (reset, refused, timeout). The
// server's Retry-After is honoured, in seconds or as an HTTP date; otherwise
// the wait grows exponentially with jitter. [RetryPolicy] bounds attempts and
// total time, and the request's context ends everything.
//
// A request that may change state (creating or sending an enrollment) is
// never repeated once it may have reached the server: repeating it could
// create a duplicate. A 5xx answer, a timeout or a reset after the request
// was written gives an error wrapping [ErrOutcomeUnknown]; the caller
// checks the state before deciding. Three cases are retried even for such
// requests, because the server provably did not act: a connection that could
// not be made at all (connection refused, say: the request never left the
// machine); a 429, the rate limiter turning the request away before it is
// processed; and a 401, after which the request is sent once more with a
// fresh token (the server refused the token before looking at the request).
//
// An endpoint (an operation of the spec) on which three attempts in a row
// have timed out with no answer between is given up: its requests fail at
// once with [ErrEndpointStalled], naming it, instead of each waiting out
// its timeouts; a minute later one request tries it again, and any answer
// from it makes it usable again.
//
// # Reading responses
//
// The service does not always send the spec's types (docs/api-behaviour.md
// in the repository records where). The generated …WithResponse methods
// decode strictly and fail a whole answer on one field of an unexpected JSON
// type; [DecodeResponse] and [Decode] decode any generated type leniently,
// coercing what can be coerced without loss and reporting the rest by path
// in a [DecodeReport]. A 2xx answer whose body is not JSON fails its call
// with [ErrHollowResponse] (reads are retried). Every body, traced or
// not, is read through [WithMaxResponseBytes] (counted after decompression),
// and the bytes buffered at once across the client through
// [WithMaxBufferedBytes].
//
// # What the service sends is not trusted
//
// IDs the service sent go into request paths; one that is empty, "." or
// "..", or holds a control character would make the request another one,
// so it is refused before anything is sent, with [ErrMalformedID]. Text the
// service sent (error messages, the trace) is shown with control
// characters escaped.
//
// # Pace
//
// The service rate-limits without publishing its limit. A client finds it
// from the 429s: one pace, shared by every goroutine and company scope of
// the client, is set on the first 429s from what the service was just seen
// to accept, cut to what it accepts while it refuses, and raised again
// while requests are accepted. Until the pace is set, a client starts with
// eight requests in flight and lets more go as answers are accepted, so
// that few are in flight when a limit's burst runs out ([WithAdaptivePace]
// turns all this off; [WithRateLimit] stays an upper bound). 429s that go
// on at the same share whatever the pace are faults, not a limit, and do
// not slow the client. [WithPaceMemory] keeps the limit found for the next
// client of the same credential, which starts at it instead of finding it
// again. A 429 is not a failed attempt: the request waits (its Retry-After, up to [RetryPolicy].MaxRetryAfter, or
// a backoff) and is sent again under the pace, until no request of the
// client has been accepted for [RetryPolicy].MaxThrottled. A 5xx or a reset
// slows only the request that met it. [Client.Pace] reports the pace, the
// 429s and the time spent waiting them out. A request waiting to retry
// holds no slot of [WithMaxInFlight], and the flows' request pools get
// their slot back meanwhile.
package keepnet
