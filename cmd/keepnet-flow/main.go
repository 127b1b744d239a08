// Command keepnet-flow runs the Keepnet Labs reseller flows: survey results
// and enrollments across customer companies. See README.md.
package main

import (
	"context"
	"os"
)

func main() {
	a := &app{in: os.Stdin, out: os.Stdout, errOut: os.Stderr, ownsProcess: true}
	os.Exit(runApp(context.Background(), a, os.Args[1:]))
}
