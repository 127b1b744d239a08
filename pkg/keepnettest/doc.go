// Package keepnettest runs an in-process fake of the Keepnet Labs API for
// tests, benchmarks and the CLI's sandbox.
//
// It feels like net/http/httptest: NewServer starts it, Server.URL,
// Server.ClientID and Server.ClientSecret are what a client needs, and Close
// stops it. Behind it is a seeded, deterministic world (a reseller, its
// customer companies, trainings, target groups, enrollments and survey
// answers) that tests inspect and change through Server's methods. The
// same world holds training results (every enrollment type, with exam
// results and due dates) and phishing, smishing and quishing campaigns
// whose jobs have users, events and scanner activity; their users are
// generated on demand too (see Server.TrainingUsers and Server.JobUsers).
//
// The fake behaves like the live service as recorded in the repository's
// docs/api-behaviour.md, not like the vendor's idealised spec: form-encoded
// tokens that expire, 401 with an empty body, company scope through two
// headers, search bodies that fail on nulls (with an HTML 500 for a null
// filter), a page-size cap, dates in the company's display format, answers
// that live only in exam-result sessions, enrollments that stay Scheduled
// until sent, and error bodies whose key casing varies. With WithSpec every
// request is also checked against the vendor's OpenAPI document (see package
// speccheck), so a client that sends what the spec does not allow fails its
// test.
//
// Faults (latency, 429s with and without Retry-After, HTML 5xx pages, dropped
// connections, a server-side rate limit, and "commit then fail" on create and
// send) are deterministic for a given seed, so a failing reliability test
// fails the same way twice.
//
// Two further faults are about what a 2xx response holds. WithTypeDrift
// (or SetTypeDrift) sends JSON types the spec does not promise but the
// live service may send: integers as strings, digit strings as numbers,
// arrays the flows do not read as null or objects, and an unknown member in
// every object, on every route but the token endpoint. The arrays the flows
// do read stay arrays; they are listed in one place, neededArrays in
// drift.go. WithHollow (or SetHollow) makes a route answer some of its
// successes with nothing usable in them: an HTML page, "data": null,
// "data.results": null or an empty body, all labelled 200; or the right
// JSON labelled text/plain. See docs/api-behaviour.md for why.
//
// Every search pages through one pager (searchRequest.window in
// pager.go), so the service's paging faults reach each of them, and a
// search added to the fake gets them by paging the same way. The live
// service pages by offset over an order it does not promise to keep:
// WithUnstableOrder and WithUnstableTies answer each request in another
// order, so consecutive pages overlap and skip rows; WithListingChanges
// adds, removes and moves rows after a given page, and AppliedChanges
// says which. The world's inspection (Companies, Users, Groups…) is the
// truth a whole listing must match. A hostile service pages without end
// (WithEndlessPages, WithRepeatingPages), stalls (WithStall), answers
// huge or gzip-bombed bodies (WithHugeBody) or big answers
// (WithBigAnswers), issues IDs that steer paths (WithHostileIDs) and
// serves its customers' hostile text (WithPoisonedNames). RouteCounts
// counts each route's requests, for measuring what checking a listing
// costs. All of it is deterministic for the server's seed (or the
// option's), and none of it changes a single byte of an answer unless
// asked for.
package keepnettest
