package keepnet

import (
	"runtime/debug"
	"strings"
	"sync"
)

// modulePath is this module's import path, used to find its version in the
// build information of whatever program links this package.
const modulePath = "github.com/keepnet-flow/keepnet-flow"

// Stamped at link time by release builds and `make build`:
//
//	go build -ldflags "-X github.com/keepnet-flow/keepnet-flow/pkg/keepnet.stampedVersion=v1.2.3 \
//	  -X github.com/keepnet-flow/keepnet-flow/pkg/keepnet.stampedCommit=0123abc…[+modified] \
//	  -X github.com/keepnet-flow/keepnet-flow/pkg/keepnet.stampedDate=2026-04-01T09:00:00Z"
//
// -X can only set package-level string variables; nothing assigns them at
// run time.
var (
	stampedVersion string
	stampedCommit  string
	stampedDate    string
)

// stamp is what the link stamped; empty fields were not.
type stamp struct{ version, commit, date string }

// BuildInfo says which keepnet-flow the running program is.
type BuildInfo struct {
	// Version is the module version ("v1.2.3"), the one stamped with
	// -ldflags -X if any, else "dev" for a build from a working tree
	// without one.
	Version string `json:"version"`
	// Commit is the VCS revision the program was built from, when the
	// build recorded it; Modified says the working tree had changes.
	Commit   string `json:"commit,omitempty"`
	Modified bool   `json:"modified,omitempty"`
	// Date is when it was built, when stamped, else the commit's time.
	Date string `json:"date,omitempty"`
	// GoVersion is the toolchain that built it.
	GoVersion string `json:"goVersion,omitempty"`
}

// Version reports the keepnet-flow version compiled into the running
// program ("v1.2.3"), or "dev" for builds from a working tree. It is used in
// the default User-Agent, "keepnet-flow/<version>".
func Version() string { return Build().Version }

// Build reports the version, commit and build date of the running program,
// from its build information and what the link stamped.
func Build() BuildInfo { return readBuild() }

// readBuild reads the build information once; it never changes while the
// program runs.
var readBuild = sync.OnceValue(func() BuildInfo {
	info, _ := debug.ReadBuildInfo() // nil when built without module support: nothing to report
	return buildFrom(info, stamp{stampedVersion, stampedCommit, stampedDate})
})

// buildFrom derives BuildInfo from info (nil if unavailable) and the
// stamped values, which win over what info says.
func buildFrom(info *debug.BuildInfo, st stamp) BuildInfo {
	b := BuildInfo{Version: "dev"}
	if info != nil {
		b.GoVersion = info.GoVersion
		b.Version = moduleVersion(info)
		// Only the main module's VCS settings are recorded, so a program
		// that links this module as a dependency has no commit of ours.
		if info.Main.Path == modulePath {
			for _, s := range info.Settings {
				switch s.Key {
				case "vcs.revision":
					b.Commit = s.Value
				case "vcs.time":
					b.Date = s.Value
				case "vcs.modified":
					b.Modified = s.Value == "true"
				}
			}
		}
	}
	if st.version != "" {
		b.Version = st.version
	}
	if st.commit != "" {
		b.Commit, b.Modified = strings.CutSuffix(st.commit, "+modified")
	}
	if st.date != "" {
		b.Date = st.date
	}
	return b
}

func moduleVersion(info *debug.BuildInfo) string {
	if info.Main.Path == modulePath {
		return usableVersion(info.Main.Version)
	}
	for _, dep := range info.Deps {
		if dep.Path == modulePath {
			return usableVersion(dep.Version)
		}
	}
	return "dev"
}

func usableVersion(v string) string {
	if v == "" || v == "(devel)" {
		return "dev"
	}
	return v
}
