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
package keepnet
