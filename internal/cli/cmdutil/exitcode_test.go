package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

func TestExitCodeIsDecidedByErrorKind(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want int
	}{
		{"success", nil, 0},
		{"input error", fmt.Errorf("resolving: %w", &workflows.InputError{Field: "company", Value: "Acme", Reason: "matches 2 companies"}), 2},
		{"config error", fmt.Errorf("connecting: %w", &keepnet.ConfigError{Setting: "KEEPNET_CLIENT_ID", Problem: "missing"}), 2},
		{"usage error", FlagErrorWrap(errors.New("unknown flag: --x"), "keepnet-flow"), 2},
		{"incomplete", fmt.Errorf("pull: %w", workflows.ErrIncomplete), 3},
		{"api failure", &keepnet.APIError{Method: "POST", Path: "/api/enrollments", StatusCode: 500}, 1},
		{"anything else", errors.New("boom"), 1},
		{"cancelled without a signal", context.Canceled, 1},
		{"SIGINT", &StoppedError{Signal: syscall.SIGINT}, 130},
		{"SIGTERM", &StoppedError{Signal: syscall.SIGTERM}, 143},
		{"SIGHUP", &StoppedError{Signal: syscall.SIGHUP}, 129},
	}
	for _, c := range cases {
		if got := ExitCode(c.err); got != c.want {
			t.Errorf("%s: exit %d, want %d", c.name, got, c.want)
		}
	}
}
