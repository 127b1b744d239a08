//go:build unix

package store

import (
	"errors"
	"os"
	"syscall"
)

// processAlive reports whether a process of this machine still runs: a
// signal 0 reaches it, or is refused for want of permission.
func processAlive(pid int64) bool {
	if pid <= 0 || int64(int(pid)) != pid {
		return false
	}
	err := syscall.Kill(int(pid), 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// pidNamespace names this process's PID namespace where the system says
// ("pid:[4026531836]" on Linux), so a PID is only compared with PIDs of
// the same namespace.
func pidNamespace() string {
	ns, err := os.Readlink("/proc/self/ns/pid")
	if err != nil {
		return ""
	}
	return ns
}
