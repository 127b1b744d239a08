// Command keepnet-flow runs the Keepnet Labs reseller flows: survey results
// and enrollments across customer companies. See README.md.
package main

import (
	"os"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/root"
)

func main() { os.Exit(root.Main()) }
