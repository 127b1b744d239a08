package workflows

import (
	"context"
	"fmt"
	"iter"
)

// maxPages guards against a server whose page counts are nonsense; at the
// service's cap of 100 rows a page it allows ten million rows.
const maxPages = 100_000

// pageFetcher fetches one page (numbered from 1) and returns its rows.
type pageFetcher[T any] func(ctx context.Context, pageNumber, pageSize int) ([]T, error)

// allPages yields every row of a paged search. It pages by what the server
// returns, not by what was asked or by the reported counts (which can be
// negative or wrong): it stops on an empty page or one shorter than the
// longest seen so far, since the server may cap the page size below the one
// asked for.
func allPages[T any](ctx context.Context, pageSize int, fetch pageFetcher[T]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		longest := 0
		for page := 1; ; page++ {
			if page > maxPages {
				yield(zero, fmt.Errorf("paged search did not end after %d pages", maxPages))
				return
			}
			if err := ctx.Err(); err != nil {
				yield(zero, err)
				return
			}
			rows, err := fetch(ctx, page, pageSize)
			if err != nil {
				yield(zero, fmt.Errorf("page %d: %w", page, err))
				return
			}
			for _, r := range rows {
				if !yield(r, nil) {
					return
				}
			}
			if len(rows) == 0 || len(rows) < longest {
				return
			}
			longest = max(longest, len(rows))
		}
	}
}

// collect gathers a sequence into a slice, stopping at the first error.
func collect[T any](seq iter.Seq2[T, error]) ([]T, error) {
	var out []T
	for v, err := range seq {
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}
