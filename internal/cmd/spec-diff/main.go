// Command spec-diff lists the breaking changes between the pinned vendor spec
// and a candidate, those touching the operations keepnet-flow's workflows
// call first, so a new vendor spec can be judged before `make spec` installs
// it.
//
//	make spec-diff SPEC=/path/to/new/keepnet-api-spec.json
//	go run ./internal/cmd/spec-diff -base api/keepnet-api-spec.json -candidate https://…/keepnet-api-spec.json
//
// The comparison is oasdiff's (github.com/oasdiff/oasdiff), the same rules as
// `oasdiff breaking`. Exit status: 0 no breaking changes, 1 breaking changes
// listed, 2 no comparison: bad input (missing file, failed download, not a
// JSON OpenAPI 3 document, bad flags).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
)

// Exit statuses; scripts and `make` rely on them.
const (
	exitNoBreakingChanges = 0
	exitBreakingChanges   = 1
	exitBadInput          = 2
)

const usage = `usage: spec-diff [-base FILE] -candidate FILE|URL

Lists the breaking changes (oasdiff's ERR and WARN levels) between the pinned
spec and a candidate: first those in operations keepnet-flow's workflows
call, then the others, each as "LEVEL  METHOD PATH: what changed".

Exit status:
  0  no breaking changes
  1  breaking changes found (listed on stdout)
  2  no comparison: bad input (missing file, failed download, not a JSON
     OpenAPI 3 document) or bad flags

Flags:
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, http.DefaultClient)
	stop()
	os.Exit(code)
}

// run is the whole command, apart from the process, for tests.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, hc *http.Client) int {
	fs := flag.NewFlagSet("spec-diff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
	}
	basePath := fs.String("base", "api/keepnet-api-spec.json", "pinned spec (file)")
	candidate := fs.String("candidate", "", "candidate spec (file or http(s) URL)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitNoBreakingChanges
		}
		return exitBadInput
	}
	if *candidate == "" || fs.NArg() > 0 {
		fs.Usage()
		return exitBadInput
	}

	// Any failure to produce the report is exit 2, so that 1 always means
	// "here are the breaking changes".
	r, err := compare(ctx, hc, *basePath, *candidate)
	if err != nil {
		fmt.Fprintln(stderr, "spec-diff:", err)
		return exitBadInput
	}
	if err := r.write(stdout); err != nil {
		fmt.Fprintln(stderr, "spec-diff: write report:", err)
		return exitBadInput
	}
	if r.count() > 0 {
		return exitBreakingChanges
	}
	return exitNoBreakingChanges
}

func compare(ctx context.Context, hc *http.Client, basePath, candidate string) (*report, error) {
	baseData, err := readSource(ctx, hc, basePath)
	if err != nil {
		return nil, fmt.Errorf("base: %w (install one with `make spec`)", err)
	}
	candData, err := readSource(ctx, hc, candidate)
	if err != nil {
		return nil, fmt.Errorf("candidate: %w", err)
	}
	base, err := loadSpec(baseData, basePath)
	if err != nil {
		return nil, fmt.Errorf("base: %w", err)
	}
	cand, err := loadSpec(candData, candidate)
	if err != nil {
		return nil, fmt.Errorf("candidate: %w", err)
	}
	keepOnlyJSONRequests(base.Spec, cand.Spec)
	return breakingChanges(base, cand, newOperationSet(workflowOperations))
}
