package keepnet

import (
	"runtime/debug"
	"testing"
)

func TestBuildFrom(t *testing.T) {
	vcs := []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
		{Key: "vcs.time", Value: "2026-03-02T10:00:00Z"},
		{Key: "vcs.modified", Value: "true"},
	}
	main := func(version string) *debug.BuildInfo {
		return &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Path: modulePath, Version: version}, Settings: vcs}
	}
	for _, tc := range []struct {
		name  string
		info  *debug.BuildInfo
		stamp stamp
		want  BuildInfo
	}{
		{"no build info", nil, stamp{}, BuildInfo{Version: "dev"}},
		{"working tree", main("(devel)"), stamp{},
			BuildInfo{Version: "dev", Commit: "0123456789abcdef0123456789abcdef01234567", Modified: true, Date: "2026-03-02T10:00:00Z", GoVersion: "go1.26.0"}},
		{"go install of a tag", main("v1.4.0"), stamp{},
			BuildInfo{Version: "v1.4.0", Commit: "0123456789abcdef0123456789abcdef01234567", Modified: true, Date: "2026-03-02T10:00:00Z", GoVersion: "go1.26.0"}},
		{"stamped with -ldflags -X", main("(devel)"), stamp{version: "v1.5.0-rc1", date: "2026-04-01T09:00:00Z"},
			BuildInfo{Version: "v1.5.0-rc1", Commit: "0123456789abcdef0123456789abcdef01234567", Modified: true, Date: "2026-04-01T09:00:00Z", GoVersion: "go1.26.0"}},
		{"stamped without VCS stamping", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Path: modulePath, Version: "(devel)"}},
			stamp{version: "v1.5.0", commit: "89abcdef0123456789abcdef0123456789abcdef", date: "2026-04-01T09:00:00Z"},
			BuildInfo{Version: "v1.5.0", Commit: "89abcdef0123456789abcdef0123456789abcdef", Date: "2026-04-01T09:00:00Z", GoVersion: "go1.26.0"}},
		{"stamped from a modified tree", nil, stamp{commit: "89abcdef0123456789abcdef0123456789abcdef+modified"},
			BuildInfo{Version: "dev", Commit: "89abcdef0123456789abcdef0123456789abcdef", Modified: true}},
		{"linked as a library", &debug.BuildInfo{
			GoVersion: "go1.26.0",
			Main:      debug.Module{Path: "example.com/reseller-tool", Version: "v0.3.0"},
			Deps:      []*debug.Module{{Path: modulePath, Version: "v1.4.0"}},
			Settings:  vcs, // the other program's commit, not ours
		}, stamp{}, BuildInfo{Version: "v1.4.0", GoVersion: "go1.26.0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := buildFrom(tc.info, tc.stamp); got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}
