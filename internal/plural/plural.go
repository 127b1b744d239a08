// Package plural makes counts in messages agree with their nouns: "1
// company", "3 companies". The library and the CLI share it, so neither
// says "1 companies".
package plural

import "fmt"

// Count is n with the noun that agrees with it.
func Count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
