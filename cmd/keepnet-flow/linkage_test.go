package main

import (
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCLILinksNoTemplatePackage keeps text/template and html/template out
// of the CLI. A template calls methods by name, through reflect, so when a
// binary can execute one the linker must keep every exported method of
// every type that reaches an interface: gen/'s client has about 2,900 of
// them, and the binary doubles (from about 15 MB to 30 MB), with more page
// faults at every start. The survey report writes its HTML by hand, and
// --version is our flag rather than cobra's templated one, for this reason.
//
// Cobra imports text/template for custom help, usage and version templates,
// and goose (the sync database's migrations, which report --db reads) for
// templated migrations the store does not use, so the package itself is in
// the build; what must not be is a way to execute a template. The test checks both the import graph (cheap, and
// names the culprit) and the linked binary (what actually costs).
func TestCLILinksNoTemplatePackage(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go tool is not installed")
	}

	out, err := exec.Command(goTool, "list", "-deps", "-f", `{{.ImportPath}} {{join .Imports " "}}`, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imports, _ := strings.Cut(line, " ")
		for _, imp := range strings.Fields(imports) {
			switch {
			case imp == "html/template":
				t.Errorf("%s imports html/template", pkg)
			case imp == "text/template" && pkg != "github.com/spf13/cobra" && pkg != "github.com/pressly/goose/v3" && pkg != "html/template":
				t.Errorf("%s imports text/template", pkg)
			}
		}
	}

	// Linking the binary is most of the test's cost. A binary linked from
	// the same compiled packages (their export data, which go list names
	// by content) links the same symbols, so a check that passed for them
	// is kept in .artifacts/ and not repeated.
	exports, err := exec.Command(goTool, "list", "-deps", "-export", "-f", "{{.ImportPath}} {{.Export}}", ".").Output()
	if err != nil {
		t.Fatalf("go list -export: %v", err)
	}
	passed := filepath.Join("..", "..", ".artifacts", "linkage", fmt.Sprintf("%x.passed", sha256.Sum256(exports)))
	if _, err := os.Stat(passed); err == nil {
		t.Logf("these packages' binary was checked before (%s)", passed)
		return
	}

	bin := filepath.Join(t.TempDir(), "keepnet-flow")
	if out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err = exec.Command(goTool, "tool", "nm", bin).Output()
	if err != nil {
		t.Fatalf("go tool nm: %v", err)
	}
	var linked []string
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) < 3 {
			continue
		}
		// Calls by name are reflect.Value's Method and MethodByName; a
		// template's execution state is text/template's state type.
		switch sym := f[len(f)-1]; {
		case strings.HasPrefix(sym, "html/template."),
			strings.HasPrefix(sym, "text/template.(*state)."),
			strings.HasPrefix(sym, "text/template.(*Template).Execute"),
			sym == "reflect.Value.Method", sym == "reflect.Value.MethodByName":
			linked = append(linked, sym)
		}
	}
	if len(linked) > 0 {
		t.Errorf("the CLI links %d symbols that execute templates or call methods by name, which keeps every exported method in the binary: %s",
			len(linked), strings.Join(linked[:min(len(linked), 6)], ", "))
		return
	}
	if err := os.MkdirAll(filepath.Dir(passed), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(passed, nil, 0o644); err != nil {
		t.Fatal(err)
	}
}
