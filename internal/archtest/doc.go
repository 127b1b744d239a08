// Package archtest holds the test that keeps the project's layers apart
// (docs/architecture.md): it has no code of its own.
package archtest
