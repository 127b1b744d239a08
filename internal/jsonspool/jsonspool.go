// Package jsonspool keeps values as JSON lines in a file with no name,
// written once and read back once, in order: what a format that needs
// every record before its first row (a header of columns only the last
// record may add) holds instead of memory.
package jsonspool

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"

	"github.com/keepnet-flow/keepnet-flow/internal/atomicfile"
)

// Spool is a file of values of T. It is not safe for concurrent use.
type Spool[T any] struct {
	file *os.File
	buf  *bufio.Writer
	enc  *json.Encoder
}

// New makes a spool in dir (os.TempDir() when empty). The values hold
// names, emails and answers: the file has no name at any time, so a run
// that ends in any way (a closed pipe, a kill) leaves none of it behind.
func New[T any](dir string) (*Spool[T], error) {
	f, err := atomicfile.Anonymous(dir)
	if err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	buf := bufio.NewWriter(f)
	return &Spool[T]{file: f, buf: buf, enc: json.NewEncoder(buf)}, nil
}

// Add writes v to the end of the spool.
func (s *Spool[T]) Add(v T) error {
	if err := s.enc.Encode(v); err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	return nil
}

// All reads the values back in the order they were added; an error ends
// the sequence. It is called once, after the last Add.
func (s *Spool[T]) All() iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		if err := s.buf.Flush(); err != nil {
			yield(zero, fmt.Errorf("spool: %w", err))
			return
		}
		if _, err := s.file.Seek(0, io.SeekStart); err != nil {
			yield(zero, fmt.Errorf("spool: %w", err))
			return
		}
		dec := json.NewDecoder(bufio.NewReader(s.file))
		for {
			var v T
			err := dec.Decode(&v)
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				yield(zero, fmt.Errorf("spool: %w", err))
				return
			}
			if !yield(v, nil) {
				return
			}
		}
	}
}

// Close frees the spool; it may be called more than once.
func (s *Spool[T]) Close() error {
	if s.file == nil {
		return nil
	}
	err := s.file.Close()
	s.file = nil
	if err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	return nil
}
