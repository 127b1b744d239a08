// Package reqctx carries what a flow asks of one request through its
// context, for the connection layer (pkg/keepnet) to honour inside its retry
// loop: a check of the 2xx body. It is internal because only the project's
// own flows set it; library users get the default check (a 2xx body must be
// JSON), and decode with keepnet.DecodeResponse afterwards.
package reqctx

import (
	"context"
	"errors"
	"fmt"
)

// ErrHollow is what keepnet exports as ErrHollowResponse: a 2xx whose body
// is not what the operation returns. It is defined here so that checks made
// outside pkg/keepnet can wrap it without an import cycle.
var ErrHollow = errors.New("the Keepnet server answered 2xx without the content the operation returns")

// Hollow returns an error wrapping ErrHollow that says what was missing.
func Hollow(format string, args ...any) error {
	return &hollowError{what: fmt.Sprintf(format, args...)}
}

type hollowError struct{ what string }

func (e *hollowError) Error() string        { return "hollow response: " + e.what }
func (e *hollowError) Is(target error) bool { return target == ErrHollow }

type bodyCheckKey struct{}

// WithBodyCheck returns a copy of ctx under which a request answered 2xx
// succeeds only when check accepts the response body. The check runs once
// per attempt, inside the client's retry loop, before the call returns, so
// it may decode the body and keep the result: the flows decode each body
// exactly once this way.
//
// When check returns an error wrapping ErrHollow, the answer is treated
// like a 5xx: a read is retried and fails with that error when the retries
// run out; a create or send fails with an unknown outcome. Any other error
// fails the call at once.
func WithBodyCheck(ctx context.Context, check func(body []byte) error) context.Context {
	return context.WithValue(ctx, bodyCheckKey{}, check)
}

// BodyCheck returns the check WithBodyCheck set, if any.
func BodyCheck(ctx context.Context) (func(body []byte) error, bool) {
	check, ok := ctx.Value(bodyCheckKey{}).(func([]byte) error)
	return check, ok
}
