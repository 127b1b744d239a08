package version

import (
	"encoding/json"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/cmdutil"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/iostreams"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
)

func TestLine(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		b    keepnet.BuildInfo
		want string
	}{
		{keepnet.BuildInfo{Version: "dev"}, "keepnet-flow dev"},
		{keepnet.BuildInfo{Version: "v1.2.3", Commit: "0123456789abcdef0123", Date: "2026-04-01T09:00:00Z", GoVersion: "go1.26.0"},
			"keepnet-flow v1.2.3 (commit 0123456789ab, built 2026-04-01T09:00:00Z, go1.26.0)"},
		{keepnet.BuildInfo{Version: "dev", Commit: "0123456789abcdef0123", Modified: true},
			"keepnet-flow dev (commit 0123456789ab+modified)"},
	} {
		if got := Line(tc.b); got != tc.want {
			t.Errorf("Line(%+v) = %q, want %q", tc.b, got, tc.want)
		}
	}
}

func TestVersionJSON(t *testing.T) {
	t.Parallel()
	ios, _, out, _ := iostreams.Test()
	f := &cmdutil.Factory{IOStreams: ios}
	cmd := NewCmdVersion(f, func(o *Options) error {
		o.Build = func() keepnet.BuildInfo { return keepnet.BuildInfo{Version: "v9.9.9", GoVersion: "go1.26.0"} }
		return versionRun(o)
	})
	cmd.SetArgs([]string{"-f", "JSON"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	var b keepnet.BuildInfo
	if err := json.Unmarshal(out.Bytes(), &b); err != nil || b.Version != "v9.9.9" {
		t.Errorf("version -f JSON wrote %q (%v)", out.String(), err)
	}
}
