package cmdutil

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestLibraryNamesNoFlagOrExitCode keeps the CLI's words out of the
// library: its errors and messages carry what failed (a field, an option,
// a value), and the CLI maps them to its flags and exit codes (Hint,
// ExitCode). It reads every string literal of pkg/workflows, pkg/keepnet
// and the packages of this module they import, gen/ aside (the vendor's
// text), and fails on a command-line flag ("--company") or an exit code.
func TestLibraryNamesNoFlagOrExitCode(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go tool is not installed")
	}
	const module = "github.com/keepnet-flow/keepnet-flow/"
	out, err := exec.Command(goTool, "list", "-deps", "-f", "{{.ImportPath}} {{.Dir}}",
		module+"pkg/workflows", module+"pkg/keepnet").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	flag := regexp.MustCompile(`(^|[^\w-])--[a-z][a-z0-9-]+`)
	exit := regexp.MustCompile(`(?i)\bexit(s|ed)?( code| status)?:? ?[0-9]+\b|\bexit (code|status)\b`)
	checked := 0
	for line := range strings.Lines(strings.TrimSpace(string(out))) {
		pkg, dir, _ := strings.Cut(strings.TrimSpace(line), " ")
		if !strings.HasPrefix(pkg, module) || strings.HasPrefix(pkg, module+"gen") || strings.HasPrefix(pkg, module+"internal/cli") {
			continue
		}
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		fset := token.NewFileSet()
		for _, path := range files {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			checked++
			ast.Inspect(f, func(n ast.Node) bool {
				lit, ok := n.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				s, err := strconv.Unquote(lit.Value)
				if err != nil {
					return true
				}
				if m := flag.FindString(s); m != "" {
					t.Errorf("%s: %q names a command-line flag (%s); name the field or option, and let the CLI map it", fset.Position(lit.Pos()), s, strings.TrimSpace(m))
				}
				if m := exit.FindString(s); m != "" {
					t.Errorf("%s: %q names an exit code (%s); the CLI decides exit codes", fset.Position(lit.Pos()), s, m)
				}
				return true
			})
		}
	}
	if checked < 20 {
		t.Fatalf("only %d library files read: the test proves nothing", checked)
	}
}
