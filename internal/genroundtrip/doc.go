// Package genroundtrip holds the round-trip tests of the generated client
// (gen/ takes no hand-written files): each operation the workflows use is
// called through gen against an httptest server that validates the request
// against the vendor spec with kin-openapi and answers the way the live
// service does, quirks included.
package genroundtrip
