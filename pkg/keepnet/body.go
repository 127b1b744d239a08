package keepnet

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"golang.org/x/sync/semaphore"
)

// Every response body is read whole into memory before a call returns (the
// body check decodes it there, and a read can be retried only if its body
// was not half handed out). Two bounds keep that from costing what a
// hostile or broken service wants: each body is read through the same
// limit (WithMaxResponseBytes), counted after decompression so a gzip bomb
// stops at the limit like a plain body; and the bytes buffered at once
// across the client are bounded by a budget (WithMaxBufferedBytes), so 32
// answers of 30 MB each do not sit in memory side by side.

// smallBody is what a body of unknown size may take before it counts as
// large. Nearly every answer the flows read (a page, a user's sessions) is
// smaller, and is read with one small reservation.
const smallBody = 64 << 10

// maxPresizedBody is the largest declared body read into a buffer
// allocated for it up front; a larger declaration is not trusted that far.
const maxPresizedBody = 8 << 20

// bodyBudget bounds the response bytes buffered at once across a client.
// A nil budget is unbounded.
//
// A reservation is never grown while it is held: a body of unknown size
// first reserves smallBody, and one that turns out larger gives that back
// and then waits, holding nothing, for a reservation of the whole limit
// (or of the whole budget, when the limit is larger). Waiting only while
// holding nothing is what makes it free of deadlock: two large bodies can
// never each hold half the budget and wait for the other's half. A body
// larger than the whole budget is read alone, holding all of it. What is
// not counted is at most smallBody per request waiting for a large
// reservation.
type bodyBudget struct {
	sem  *semaphore.Weighted
	size int64
}

func newBodyBudget(size int64) *bodyBudget {
	if size <= 0 {
		return nil
	}
	return &bodyBudget{sem: semaphore.NewWeighted(size), size: size}
}

// acquire reserves n bytes (at most the whole budget) and returns what it
// reserved.
func (b *bodyBudget) acquire(ctx context.Context, n int64) (int64, error) {
	if b == nil || n <= 0 {
		return 0, nil
	}
	n = min(n, b.size)
	if err := b.sem.Acquire(ctx, n); err != nil {
		return 0, err
	}
	return n, nil
}

// release gives n reserved bytes back.
func (b *bodyBudget) release(n int64) {
	if b != nil && n > 0 {
		b.sem.Release(n)
	}
}

// read reads resp's body whole through limit (0: none) under the budget,
// and returns the body and the bytes still reserved for it, which the
// caller releases once it is done with the body. On error nothing stays
// reserved.
func (b *bodyBudget) read(ctx context.Context, resp *http.Response, limit int64) (body *bytes.Buffer, held int64, err error) {
	if limit > 0 && resp.ContentLength > limit {
		return nil, 0, &bodyTooLargeError{limit: limit, declared: resp.ContentLength}
	}
	defer func() {
		if err != nil {
			b.release(held)
			held = 0
		}
	}()
	if n := resp.ContentLength; n >= 0 {
		// Declared (and enforced by net/http): reserve exactly that.
		if held, err = b.acquire(ctx, n); err != nil {
			return nil, 0, err
		}
		buf, err := readUpTo(resp.Body, nil, min(n, maxPresizedBody), limit)
		return bytes.NewBuffer(buf), held, err
	}
	if held, err = b.acquire(ctx, smallBody); err != nil {
		return nil, 0, err
	}
	small := int64(smallBody)
	if limit > 0 {
		small = min(small, limit)
	}
	buf, err := readUpTo(resp.Body, nil, 4<<10, small)
	var tooLarge *bodyTooLargeError
	if !errors.As(err, &tooLarge) || small == limit {
		return bytes.NewBuffer(buf), held, err
	}
	// Past smallBody: a large body. Wait for its reservation holding
	// nothing (see bodyBudget), then read the rest.
	b.release(held)
	held = 0
	large := limit
	if b != nil && (large <= 0 || large > b.size) {
		large = b.size
	}
	if held, err = b.acquire(ctx, large); err != nil {
		return nil, 0, err
	}
	// readUpTo read one byte aside to see that the body goes on; it is
	// the buffer's next byte.
	buf = append(buf, tooLarge.next)
	if buf, err = readUpTo(resp.Body, buf, 0, limit); err != nil {
		return nil, held, err
	}
	if got := int64(len(buf)); got < held {
		b.release(held - got)
		held = got
	}
	return bytes.NewBuffer(buf), held, nil
}

// readUpTo appends r to buf until EOF, refusing more than limit bytes in
// all (0: no limit) with *bodyTooLargeError; hint sizes the first
// allocation. Unlike io.ReadAll and bytes.Buffer.ReadFrom, it never grows
// the buffer past the limit, nor grows it at all once the body has been
// read whole: at the limit, one further byte is read aside to tell a body
// of exactly the limit from a longer one.
func readUpTo(r io.Reader, buf []byte, hint, limit int64) ([]byte, error) {
	if buf == nil {
		buf = make([]byte, 0, max(hint, 512))
	}
	for {
		if limit > 0 && int64(len(buf)) >= limit {
			var one [1]byte
			n, err := io.ReadFull(r, one[:])
			switch {
			case n > 0:
				return buf, &bodyTooLargeError{limit: limit, next: one[0]}
			case err == io.EOF:
				return buf, nil
			}
			return buf, err
		}
		if len(buf) == cap(buf) {
			grown := 2 * cap(buf)
			if limit > 0 {
				grown = int(min(int64(grown), limit))
			}
			buf = append(buf[:cap(buf)], make([]byte, grown-cap(buf))...)[:len(buf)]
		}
		end := cap(buf)
		if limit > 0 {
			end = int(min(int64(end), limit))
		}
		n, err := r.Read(buf[len(buf):end])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// readBody reads a response body whole, refusing one longer than limit
// bytes (0: no limit), outside any budget: for bodies the client has
// buffered already. io.ReadAll grows its buffer in steps and copies the
// pieces into a final slice: for a 7 KB exam-result-sessions body, 16 KB in
// 11 allocations. Sized from the Content-Length the server declares, it is
// 8 KB in 2.
func readBody(resp *http.Response, limit int64) (*bytes.Buffer, error) {
	body, _, err := (*bodyBudget)(nil).read(context.Background(), resp, limit)
	return body, err
}

// bodyTooLargeError is a response body over the client's limit (see
// WithMaxResponseBytes). It is not retried: the same request would get the
// same body.
type bodyTooLargeError struct {
	limit, declared int64
	next            byte // the first byte past the limit, when read
}

func (e *bodyTooLargeError) Error() string {
	if e.declared > 0 {
		return fmt.Sprintf("response body of %d bytes exceeds the limit of %d bytes (WithMaxResponseBytes)", e.declared, e.limit)
	}
	return fmt.Sprintf("response body exceeds the limit of %d bytes (WithMaxResponseBytes)", e.limit)
}

// makeReplayable makes sure every attempt can get a fresh copy of the body:
// the generated client's bodies are bytes readers with GetBody already set;
// any other body is buffered once.
func makeReplayable(req *http.Request) error {
	if req.Body == nil || req.Body == http.NoBody {
		req.Body, req.GetBody = nil, nil
		return nil
	}
	if req.GetBody != nil {
		// Each attempt uses GetBody, so the original is not needed.
		return req.Body.Close()
	}
	body, err := io.ReadAll(req.Body)
	closeErr := req.Body.Close()
	if err != nil {
		return err
	}
	if closeErr != nil {
		return closeErr
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	req.ContentLength = int64(len(body))
	return nil
}
