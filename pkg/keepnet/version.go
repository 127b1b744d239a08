package keepnet

import (
	"runtime/debug"
	"sync"
)

// modulePath is this module's import path, used to find its version in the
// build information of whatever program links this package.
const modulePath = "github.com/keepnet-flow/keepnet-flow"

// Version reports the keepnet-flow module version compiled into the running
// program ("v1.2.3"), or "dev" for builds from a working tree. It is used in
// the default User-Agent, "keepnet-flow/<version>".
func Version() string { return buildVersion() }

// buildVersion reads the build information once; it never changes while the
// program runs.
var buildVersion = sync.OnceValue(func() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	if info.Main.Path == modulePath {
		return usableVersion(info.Main.Version)
	}
	for _, dep := range info.Deps {
		if dep.Path == modulePath {
			return usableVersion(dep.Version)
		}
	}
	return "dev"
})

func usableVersion(v string) string {
	if v == "" || v == "(devel)" {
		return "dev"
	}
	return v
}
