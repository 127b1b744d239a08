package pull

import (
	"context"
	"iter"
)

// Wrap is src with each record held in a record of another type, so that
// sources of different flows (a survey's, a training's, a phishing job's)
// run side by side on one pool. wrap puts a record in its holder; unwrap
// finds it there again. The record is held by pointer, so that the steps
// fill it in place, as they would fill src's own.
func Wrap[R, W any](src Source[R], wrap func(*R) W, unwrap func(*W) *R) Source[W] {
	out := Source[W]{Total: src.Total}
	if src.Size != nil {
		out.Size = func(w *W) int64 { return src.Size(unwrap(w)) }
	}
	out.Tasks = func(ctx context.Context, do Do) iter.Seq2[Task[W], error] {
		return func(yield func(Task[W], error) bool) {
			for task, err := range src.Tasks(ctx, do) {
				if err != nil {
					yield(Task[W]{}, err)
					return
				}
				rec := task.Record
				wrapped := Task[W]{Record: wrap(&rec)}
				for _, step := range task.Steps {
					wrapped.Steps = append(wrapped.Steps, func(ctx context.Context, w *W) error { return step(ctx, unwrap(w)) })
				}
				if finish := task.Finish; finish != nil {
					wrapped.Finish = func(w *W, errs []error) { finish(unwrap(w), errs) }
				}
				if !yield(wrapped, nil) {
					return
				}
			}
		}
	}
	return out
}
