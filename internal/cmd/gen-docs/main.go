// Command gen-docs writes the CLI's reference from the command tree itself,
// with cobra's doc package: a markdown page per command in docs/cli and a
// man page per command in docs/cli/man. `make docs` runs it; its test
// fails when the committed reference is stale.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra/doc"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/root"
)

func main() {
	dir := flag.String("dir", "docs/cli", "directory of the reference; man pages go to its man subdirectory")
	flag.Parse()
	if err := generate(*dir, time.Now()); err != nil {
		fmt.Fprintf(os.Stderr, "gen-docs: %v\n", err)
		os.Exit(1)
	}
}

// generate replaces the reference in dir. The man pages are dated date,
// to the month, as man pages are; nothing else in them changes unless the
// commands do.
func generate(dir string, date time.Time) error {
	man := filepath.Join(dir, "man")
	if err := os.MkdirAll(man, 0o755); err != nil {
		return err
	}
	// A command removed must not leave its page behind.
	for _, pattern := range []string{filepath.Join(dir, "*.md"), filepath.Join(man, "*.1")} {
		old, err := filepath.Glob(pattern)
		if err != nil {
			return err
		}
		for _, path := range old {
			if err := os.Remove(path); err != nil {
				return err
			}
		}
	}
	if err := doc.GenMarkdownTree(root.DocTree(), dir); err != nil {
		return fmt.Errorf("markdown: %w", err)
	}
	header := &doc.GenManHeader{Section: "1", Source: "keepnet-flow", Manual: "keepnet-flow manual", Date: &date}
	if err := doc.GenManTree(root.DocTree(), header, man); err != nil {
		return fmt.Errorf("man pages: %w", err)
	}
	return nil
}
