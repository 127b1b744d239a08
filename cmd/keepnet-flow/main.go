// Command keepnet-flow runs the Keepnet Labs reseller flows: survey results
// and enrollments across customer companies. See README.md.
package main

import (
	"context"
	"os"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}
