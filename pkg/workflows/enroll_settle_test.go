package workflows

import (
	"testing"
	"time"
)

func TestPickWinner(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	row := func(id, status string, created time.Time) Enrollment {
		return Enrollment{ID: id, Status: status, created: created}
	}
	for _, tc := range []struct {
		name string
		rows []Enrollment
		want string
	}{
		{"earliest created", []Enrollment{row("b", "Scheduled", t0.Add(time.Second)), row("a", "Scheduled", t0.Add(2*time.Second))}, "b"},
		{"same time: smallest ID", []Enrollment{row("e7New2", "Scheduled", t0), row("e7New1", "Scheduled", t0)}, "e7New1"},
		{"a sent one wins over an earlier one", []Enrollment{row("a", "Scheduled", t0), row("b", "Sending", t0.Add(time.Minute))}, "b"},
		{"an unreadable time sorts last", []Enrollment{row("a", "Scheduled", time.Time{}), row("b", "Scheduled", t0)}, "b"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Every order of the listing gives the same winner.
			for _, rows := range [][]Enrollment{tc.rows, {tc.rows[1], tc.rows[0]}} {
				if got := pickWinner(rows).ID; got != tc.want {
					t.Errorf("pickWinner(%v) = %s, want %s", rows, got, tc.want)
				}
			}
		})
	}
}
