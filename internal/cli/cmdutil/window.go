package cmdutil

import (
	"time"

	"github.com/spf13/cobra"
)

// WindowFlags are --since and --until: what started in a window of time.
type WindowFlags struct {
	Since, Until string
}

// AddWindowFlags registers --since and --until on cmd; what names what
// started in the window ("training enrollments").
func AddWindowFlags(cmd *cobra.Command, what string) *WindowFlags {
	w := &WindowFlags{}
	cmd.Flags().StringVar(&w.Since, "since", "", "every one of the "+what+" started on or after this date (YYYY-MM-DD, local time) or time (RFC 3339)")
	cmd.Flags().StringVar(&w.Until, "until", "", "every one of the "+what+" started before this time (RFC 3339), or on or before this date (YYYY-MM-DD: the whole day)")
	return w
}

// Set reports whether a window was given.
func (w *WindowFlags) Set() bool { return w.Since != "" || w.Until != "" }

// Parse reads the window: a date is a day in local time, a time is RFC
// 3339. --until's date takes in its whole day, as "from 1 January until
// 31 March" is meant; zero times leave that side open.
func (w *WindowFlags) Parse() (since, until time.Time, err error) {
	if since, err = windowTime("since", w.Since, false); err != nil {
		return
	}
	if until, err = windowTime("until", w.Until, true); err != nil {
		return
	}
	if !since.IsZero() && !until.IsZero() && !since.Before(until) {
		err = InvalidValue("until", w.Until, "is not after --since "+w.Since+": the window holds no time")
	}
	return
}

func windowTime(flag, value string, wholeDay bool) (time.Time, error) {
	if value == "" {
		return time.Time{}, nil
	}
	if t, err := time.ParseInLocation(time.DateOnly, value, time.Local); err == nil {
		if wholeDay {
			t = t.AddDate(0, 0, 1)
		}
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, value); err == nil {
		return t, nil
	}
	return time.Time{}, InvalidValue(flag, value, "is not a date (YYYY-MM-DD) or a time (RFC 3339, as 2026-03-31T17:00:00Z)")
}
