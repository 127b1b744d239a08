package keepnetdate

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func TestUnmarshalKeepsServerText(t *testing.T) {
	tests := []struct {
		json string
		raw  string
		zero bool
	}{
		{`"22/01/2026 13:30:09"`, "22/01/2026 13:30:09", false},
		{`"22/01/2026 13:40"`, "22/01/2026 13:40", false},
		{`"2026-01-22T13:30:09.1234567"`, "2026-01-22T13:30:09.1234567", false},
		{`"2026-01-22T13:30:09Z"`, "2026-01-22T13:30:09Z", false},
		{`"2026-01-22T13:30:09+03:00"`, "2026-01-22T13:30:09+03:00", false},
		{`"01/22/2026 1:30 PM"`, "01/22/2026 1:30 PM", false},
		{`"not a date at all"`, "not a date at all", false},
		{`""`, "", true},
		{`null`, "", true},
		{`1769088609`, "1769088609", false},
		{`true`, "true", false},
	}
	for _, tt := range tests {
		var got struct {
			At Time `json:"at"`
		}
		if err := json.Unmarshal([]byte(`{"at":`+tt.json+`}`), &got); err != nil {
			t.Errorf("decode %s: %v", tt.json, err)
			continue
		}
		if got.At.String() != tt.raw || got.At.IsZero() != tt.zero {
			t.Errorf("decode %s: raw %q zero %v, want %q %v", tt.json, got.At.String(), got.At.IsZero(), tt.raw, tt.zero)
		}
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	for _, raw := range []string{"22/01/2026 13:30:09", "2026-01-22T13:30:09.1234567", `quote " and \ slash`} {
		b, err := json.Marshal(FromString(raw))
		if err != nil {
			t.Fatal(err)
		}
		var back Time
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if back.String() != raw {
			t.Errorf("round trip %q → %s → %q", raw, b, back.String())
		}
	}
	b, _ := json.Marshal(struct {
		At *Time `json:"at,omitempty"`
		Z  Time  `json:"z"`
	}{Z: Time{}})
	if string(b) != `{"z":null}` {
		t.Errorf("zero Time marshals as %s, want null", b)
	}
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.FixedZone("", 3*3600))
	if got := FromTime(at).String(); got != "2026-03-01T09:00:00+03:00" {
		t.Errorf("FromTime = %q, want RFC 3339", got)
	}
}

func TestTimeParsesUnambiguousLayouts(t *testing.T) {
	utc := func(y int, mo time.Month, d, h, mi, s, ns int) time.Time {
		return time.Date(y, mo, d, h, mi, s, ns, time.UTC)
	}
	tests := []struct {
		raw   string
		order Order
		want  time.Time
		err   error
	}{
		{"22/01/2026 13:30:09", Unknown, utc(2026, 1, 22, 13, 30, 9, 0), nil},
		{"22/01/2026 13:40", Unknown, utc(2026, 1, 22, 13, 40, 0, 0), nil},
		{"01/22/2026 01:40 PM", Unknown, utc(2026, 1, 22, 13, 40, 0, 0), nil},
		{"01/22/2026 12:05 AM", Unknown, utc(2026, 1, 22, 0, 5, 0, 0), nil},
		{"2026/01/22 13:40:00", Unknown, utc(2026, 1, 22, 13, 40, 0, 0), nil},
		{"2026-01-22T13:30:09.1234567", Unknown, utc(2026, 1, 22, 13, 30, 9, 123456700), nil},
		{"2026-01-22T13:30:09Z", Unknown, utc(2026, 1, 22, 13, 30, 9, 0), nil},
		{"05/05/2026", Unknown, utc(2026, 5, 5, 0, 0, 0, 0), nil},
		{"01/02/2026 10:00", Unknown, time.Time{}, ErrAmbiguous},
		{"01/02/2026 10:00", DayFirst, utc(2026, 2, 1, 10, 0, 0, 0), nil},
		{"01/02/2026 10:00", MonthFirst, utc(2026, 1, 2, 10, 0, 0, 0), nil},
	}
	for _, tt := range tests {
		got, err := FromString(tt.raw).ParseAs(tt.order, time.UTC)
		if tt.err != nil {
			if !errors.Is(err, tt.err) {
				t.Errorf("%q: err %v, want %v", tt.raw, err, tt.err)
			}
			continue
		}
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("%q: got %v, %v; want %v", tt.raw, got, err, tt.want)
		}
	}
}

func TestTimeRejectsNonsense(t *testing.T) {
	for _, raw := range []string{"", "yesterday", "31/02/2026 10:00", "22/13/2026", "22/01/2026 25:00", "13/14/2026", "01/22/2026 13:00 PM", "1/2/3"} {
		if got, err := FromString(raw).Time(); err == nil {
			t.Errorf("%q parsed as %v, want an error", raw, got)
		}
	}
}

func TestParseAsReadsZonelessDatesInLocation(t *testing.T) {
	ist := time.FixedZone("TRT", 3*3600)
	got, err := FromString("22/01/2026 13:30:09").ParseAs(Unknown, ist)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 1, 22, 10, 30, 9, 0, time.UTC); !got.Equal(want) {
		t.Errorf("got %v, want %v", got.UTC(), want)
	}
}

// FuzzUnmarshal: no server value may fail decoding or lose its text,
// parsing must never panic, and a null date never parses.
func FuzzUnmarshal(f *testing.F) {
	for _, s := range []string{`"22/01/2026 13:30:09"`, `"22/01/2026 13:40"`, `"2026-01-22T13:30:09.1234567"`, `null`, `"01/02/2026 12:00 PM"`, `"2026/1/2"`, `7`, `"99/99/9999 99:99:99"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !json.Valid(data) {
			return
		}
		var v Time
		if trimmed := bytes.TrimSpace(data); trimmed[0] == '{' || trimmed[0] == '[' {
			if json.Unmarshal(data, &v) == nil {
				t.Fatalf("Unmarshal(%s) took an object or array as a date", data)
			}
			return
		}
		if err := json.Unmarshal(data, &v); err != nil {
			t.Fatalf("Unmarshal(%s): %v", data, err)
		}
		var s string
		if json.Unmarshal(data, &s) == nil && v.String() != s {
			t.Fatalf("Unmarshal(%s) kept %q, want %q", data, v.String(), s)
		}
		out, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("Marshal after Unmarshal(%s): %v", data, err)
		}
		var back Time
		if err := json.Unmarshal(out, &back); err != nil || back.String() != v.String() {
			t.Fatalf("round trip of %s: %q, %v", data, back.String(), err)
		}
		for _, o := range []Order{Unknown, DayFirst, MonthFirst} {
			if _, err := v.ParseAs(o, time.UTC); err == nil && v.IsZero() {
				t.Fatalf("ParseAs of a null date succeeded")
			}
		}
	})
}

func TestUnmarshalRefusesContainers(t *testing.T) {
	for _, body := range []string{`{"at":{}}`, `{"at":{"date":"22/01/2026"}}`, `{"at":[]}`, `{"at":["22/01/2026"]}`} {
		var got struct {
			At Time `json:"at"`
		}
		if err := json.Unmarshal([]byte(body), &got); err == nil {
			t.Errorf("Unmarshal(%s) = %q, want an error: no date reading could come of it", body, got.At.String())
		}
	}
}
