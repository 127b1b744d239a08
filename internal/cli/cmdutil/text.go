package cmdutil

import (
	"strings"

	"github.com/keepnet-flow/keepnet-flow/internal/plural"

	"github.com/keepnet-flow/keepnet-flow/internal/termsafe"
)

// OneLine makes an error's text one line that is safe on a terminal: the
// text may carry server strings (names, API messages) with control
// characters in them, and scripts expect one line.
func OneLine(s string) string {
	return termsafe.String(strings.Join(strings.Fields(s), " "))
}

// Count is n with the noun that agrees with it: "1 company", "3
// companies".
func Count(n int, one, many string) string { return plural.Count(n, one, many) }
