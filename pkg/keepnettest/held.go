package keepnettest

import (
	"bytes"
	"net/http"
)

// heldResponse holds an answer while ListingChanges are pending, until
// the change the request triggers is made: a client that has decoded a
// page before the handler returns, and asks for the next, must meet the
// changed listing. Past heldLimit bytes the answer goes through as it is
// written.
type heldResponse struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
	passed bool
}

const heldLimit = 1 << 20

func (h *heldResponse) WriteHeader(code int) {
	if h.passed {
		h.ResponseWriter.WriteHeader(code)
	} else if h.status == 0 {
		h.status = code
	}
}

func (h *heldResponse) Write(b []byte) (int, error) {
	if h.passed {
		return h.ResponseWriter.Write(b)
	}
	if h.status == 0 {
		h.status = http.StatusOK
	}
	if h.buf.Len()+len(b) > heldLimit {
		h.release()
		return h.ResponseWriter.Write(b)
	}
	return h.buf.Write(b)
}

// release sends what was held.
func (h *heldResponse) release() {
	if h.passed {
		return
	}
	h.passed = true
	if h.status != 0 {
		h.ResponseWriter.WriteHeader(h.status)
	}
	if h.buf.Len() > 0 {
		_, _ = h.ResponseWriter.Write(h.buf.Bytes()) // the client hanging up is not the fake's problem
	}
}

func (h *heldResponse) Unwrap() http.ResponseWriter { return h.ResponseWriter }
