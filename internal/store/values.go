package store

import (
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
)

// dater reads a source's dates into their two columns: the service's text
// as it came, and its ISO 8601 reading. The reading rests on the day/month
// order the company's settings give; without one, on what the source's
// dates show so far (keepnetdate.OrderEvidence). A date that cannot be
// read, or that is ambiguous before anything settles the order, has no
// reading: its _at column is NULL, never a guess.
type dater struct {
	order    keepnetdate.Order
	learn    bool
	evidence keepnetdate.OrderEvidence
}

func newDater(order keepnetdate.Order) *dater {
	return &dater{order: order, learn: order == keepnetdate.Unknown}
}

// cols is t's text and ISO reading, each NULL when absent.
func (d *dater) cols(t keepnetdate.Time) (text, at any) {
	if t.IsZero() {
		return nil, nil
	}
	order := d.order
	if d.learn {
		d.evidence.Observe(t)
		order = d.evidence.Order()
	}
	iso, err := t.ISO(order)
	if err != nil {
		return clean(t.String()), nil
	}
	return clean(t.String()), iso
}

// clean makes the service's text storable in both engines: PostgreSQL
// refuses a NUL and bytes that are not UTF-8 in text, and a value must
// not read differently from one engine to the other. Both become U+FFFD.
func clean(s string) string {
	if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

// nullText is s cleaned, or NULL when it is empty.
func nullText(s string) any {
	if s == "" {
		return nil
	}
	return clean(s)
}

// nullInt is *n, or NULL.
func nullInt(n *int64) any {
	if n == nil {
		return nil
	}
	return *n
}

// nullFloat is *f, or NULL.
func nullFloat(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

// nullBool is *b, or NULL.
func nullBool(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}

// nullJSON is raw JSON as text, or NULL when there is none.
func nullJSON(raw json.RawMessage) any {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	return clean(string(raw))
}
