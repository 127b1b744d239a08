package resultsout

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/keepnet-flow/keepnet-flow/internal/csvout"
	"github.com/keepnet-flow/keepnet-flow/internal/jsonspool"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
)

// csvWriter writes a row per user.
type csvWriter[R any] struct {
	base[R]
	w *csvout.Writer
}

func newCSV[R any](b base[R], w io.Writer, raw bool) (*csvWriter[R], error) {
	c := &csvWriter[R]{base: b, w: csvout.NewWriter(w, raw)}
	if err := c.w.Write(b.kind.Columns); err != nil {
		return nil, fmt.Errorf("write csv header: %w", err)
	}
	return c, nil
}

func (c *csvWriter[R]) Write(rec R) error {
	c.observe(&rec)
	if err := c.w.Write(c.kind.Row(&rec, c.dates.ISO)); err != nil {
		return fmt.Errorf("write csv row: %w", err)
	}
	return nil
}

func (c *csvWriter[R]) Close() error {
	c.w.Flush()
	return c.w.Error()
}

func (c *csvWriter[R]) Discard() error { return c.Close() }

// csvWide writes a row per user: csv's columns, then each event's time as
// a column of its own and its ISO 8601 companion beside it ("clicked1",
// "clicked1Iso", "clicked2", …), as many of each kind as the user with the
// most has. Those counts are known only after the last user, so records
// are spooled as JSON lines to a file with no name while they are
// counted; Close writes the header, then replays the spool into rows.
// Memory stays flat at the cost of one more pass over a local file, and
// every date has been seen before the first row, so each company's
// day/month order is as known as it will be.
type csvWide[R any] struct {
	base[R]
	out   io.Writer
	raw   bool
	spool *jsonspool.Spool[R]
	most  map[string]int // by event name, the most one user has
}

func newCSVWide[R any](b base[R], w io.Writer, opts Options) (*csvWide[R], error) {
	spool, err := jsonspool.New[R](opts.SpoolDir)
	if err != nil {
		return nil, fmt.Errorf("csv-wide: %w", err)
	}
	return &csvWide[R]{base: b, out: w, raw: opts.CSVRaw, spool: spool, most: map[string]int{}}, nil
}

func (c *csvWide[R]) Write(rec R) error {
	c.observe(&rec)
	count := map[string]int{}
	for _, e := range c.kind.Events(&rec) {
		count[e.Event]++
	}
	for name, n := range count {
		c.most[name] = max(c.most[name], n)
	}
	if err := c.spool.Add(rec); err != nil {
		return fmt.Errorf("csv-wide: %w", err)
	}
	return nil
}

func (c *csvWide[R]) Close() error {
	err := c.replay()
	return errors.Join(err, c.Discard())
}

func (c *csvWide[R]) replay() error {
	events := eventColumns(c.kind.EventOrder, c.most)
	first := map[string]int{} // by event name, its first column after the fixed ones
	header := append([]string(nil), c.kind.Columns...)
	for _, name := range events {
		first[name] = len(header) - len(c.kind.Columns)
		for i := 1; i <= c.most[name]; i++ {
			col := columnName(name) + strconv.Itoa(i)
			header = append(header, col, col+"Iso")
		}
	}
	w := csvout.NewWriter(c.out, c.raw)
	if err := w.Write(header); err != nil {
		return fmt.Errorf("write csv header: %w", err)
	}
	fixed := len(c.kind.Columns)
	row := make([]string, len(header))
	for rec, err := range c.spool.All() {
		if err != nil {
			return fmt.Errorf("csv-wide: %w", err)
		}
		c.dates.ForCompany(c.kind.Company(&rec), keepnetdate.Unknown) // its setting, if any, was noted when it began
		copy(row, c.kind.Row(&rec, c.dates.ISO))
		clear(row[fixed:])
		next := map[string]int{}
		for _, e := range c.kind.Events(&rec) {
			at := fixed + first[e.Event] + 2*next[e.Event]
			next[e.Event]++
			row[at], row[at+1] = e.Time.String(), c.dates.ISO(e.Time)
		}
		if err := w.Write(row); err != nil {
			return fmt.Errorf("write csv row: %w", err)
		}
	}
	w.Flush()
	return w.Error()
}

// Discard frees the spool.
func (c *csvWide[R]) Discard() error {
	if err := c.spool.Close(); err != nil {
		return fmt.Errorf("csv-wide: %w", err)
	}
	return nil
}

// columnName spells an event's name as the other columns are spelled:
// "attachment-opened" as "attachmentOpened".
func columnName(event string) string {
	parts := strings.Split(event, "-")
	for i := 1; i < len(parts); i++ {
		if p := parts[i]; p != "" {
			parts[i] = strings.ToUpper(p[:1]) + p[1:]
		}
	}
	return strings.Join(parts, "")
}
