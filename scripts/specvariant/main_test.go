package main

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestBumpVersions(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{
			name: "every version, once, nothing else",
			in:   `{"A[[B, Asm, Version=1.0.0.0, Culture=neutral]], Core, Version=1.4.0.0":{"x":"Version=8.0.0.0"}}`,
			want: `{"A[[B, Asm, Version=1.1.0.0, Culture=neutral]], Core, Version=1.5.0.0":{"x":"Version=8.1.0.0"}}`,
		},
		{
			// Successive substitutions would turn 1.0 into 1.2 here.
			name: "no chained bump",
			in:   `["Version=1.0.0.0","Version=1.1.0.0"]`,
			want: `["Version=1.1.0.0","Version=1.2.0.0"]`,
		},
		{
			name: "multi-digit minor",
			in:   `"Version=3.9.0.7 Version=3.10.0.7"`,
			want: `"Version=3.10.0.7 Version=3.11.0.7"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := bumpVersions([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
	if _, err := bumpVersions([]byte(`{"openapi":"3.0.4"}`)); err == nil {
		t.Error("a spec without assembly versions: no error, want one (the variant would test nothing)")
	}
}

func TestWithoutPath(t *testing.T) {
	in := `{"openapi":"3.0.4","paths":{"/connect/token":{"post":{}},"/api/a":{"get":{"summary":"<b>&</b>"}}},"components":{}}`
	got, err := withoutPath([]byte(in), "/connect/token")
	if err != nil {
		t.Fatal(err)
	}
	var gotDoc, wantDoc any
	if err := json.Unmarshal(got, &gotDoc); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(`{"openapi":"3.0.4","paths":{"/api/a":{"get":{"summary":"<b>&</b>"}}},"components":{}}`), &wantDoc); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gotDoc, wantDoc) {
		t.Errorf("got %s", got)
	}
	if _, err := withoutPath([]byte(in), "/absent"); err == nil {
		t.Error("dropping an absent path: no error, want one (the variant would test nothing)")
	}
}
