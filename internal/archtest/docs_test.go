package archtest

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// readmeMaxLines is what a newcomer reads top to bottom; the details live
// in docs/.
const readmeMaxLines = 200

// mdLink matches a markdown link's target: [text](target).
var mdLink = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// codeSpan matches inline code, whose brackets are code, not links.
var codeSpan = regexp.MustCompile("`[^`]*`")

// TestDocsLinksResolve fails when README.md or a page of docs/ links to a
// file of this repository that is not there: pages move and get renamed,
// and a newcomer's first click should not be a 404.
func TestDocsLinksResolve(t *testing.T) {
	root := filepath.Join("..", "..")
	pages, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	pages = append(pages, filepath.Join(root, "README.md"))
	for _, page := range pages {
		f, err := os.Open(page)
		if err != nil {
			t.Fatal(err)
		}
		lines := 0
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			lines++
			for _, m := range mdLink.FindAllStringSubmatch(codeSpan.ReplaceAllString(sc.Text(), ""), -1) {
				target := m[1]
				if strings.Contains(target, "://") || strings.HasPrefix(target, "#") || strings.HasPrefix(target, "mailto:") {
					continue
				}
				target, _, _ = strings.Cut(target, "#")
				if _, err := os.Stat(filepath.Join(filepath.Dir(page), target)); err != nil {
					t.Errorf("%s:%d links to %s, which is not there", filepath.Base(page), lines, m[1])
				}
			}
		}
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
		f.Close()
		if filepath.Base(page) == "README.md" && lines > readmeMaxLines {
			t.Errorf("README.md has %d lines; at most %d (move details to docs/)", lines, readmeMaxLines)
		}
	}
}
