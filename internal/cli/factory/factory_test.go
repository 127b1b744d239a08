package factory

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/gen"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/cmdutil"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/iostreams"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

func TestSandboxFlagNeedsNoCredentials(t *testing.T) {
	t.Setenv(keepnet.EnvClientID, "")
	t.Setenv(keepnet.EnvClientSecret, "")
	t.Setenv(keepnet.EnvBaseURL, "")
	ios, _, _, trace := iostreams.Test()
	c := &clients{settings: &Settings{Sandbox: true, Debug: true}, ios: ios}
	defer c.close()

	api, err := c.client(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var body gen.PostCompaniesSearchJSONRequestBody
	body.PageNumber, body.PageSize, body.OrderBy = 1, 10, "CreateTime"
	cond, text := "AND", ""
	body.Filter.Condition, body.Filter.SearchInputTextValue = &cond, &text
	resp, err := api.API().PostCompaniesSearchWithResponse(context.Background(), body)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, co := range *resp.JSON200.Data.Results {
		found = found || *co.CompanyName == keepnettest.CompanyAcmeName
	}
	if !found {
		t.Errorf("sandbox companies lack %q: %s", keepnettest.CompanyAcmeName, resp.Body)
	}
	if again, _ := c.client(context.Background()); again != api {
		t.Error("client() built a second client in one run")
	}
	if trace.Len() == 0 {
		t.Error("--debug wrote no trace")
	}
	if strings.Contains(trace.String(), c.fake.ClientSecret) {
		t.Error("--debug trace shows the client secret")
	}
}

func TestMissingCredentialsAreAConfigError(t *testing.T) {
	t.Setenv(keepnet.EnvClientID, "")
	t.Setenv(keepnet.EnvClientSecret, "")
	ios, _, _, _ := iostreams.Test()
	f, closeRun := New(ios, &Settings{})
	defer closeRun()
	_, err := f.Client(context.Background())
	var cfg *keepnet.ConfigError
	if !errors.As(err, &cfg) || cmdutil.ExitCode(err) != 2 {
		t.Errorf("client() without credentials: %v (exit %d), want a ConfigError and exit 2", err, cmdutil.ExitCode(err))
	}
}

// TestSandboxOptionsShapeTheInProcessFake: --sandbox-drift drifts the
// fake's JSON (0 is a seed, not "off"), and --sandbox-unstable pages it in
// small pages whose order moves.
func TestSandboxOptionsShapeTheInProcessFake(t *testing.T) {
	cases := []struct {
		name         string
		settings     Settings
		wantDrift    bool
		wantUnstable bool
	}{
		{"plain", Settings{Sandbox: true}, false, false},
		{"drift 0", Settings{Sandbox: true, SandboxDriftSet: true}, true, false},
		{"drift 9", Settings{Sandbox: true, SandboxDrift: 9, SandboxDriftSet: true}, true, false},
		{"unstable", Settings{Sandbox: true, SandboxUnstable: 3, SandboxUnstableSet: true}, false, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			c := &clients{settings: &tc.settings, ios: ios}
			defer c.close()
			api, err := c.client(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			// Whether a command gets through drift is the decoder's
			// business; here only the fake it ran against matters.
			resp, err := api.API().ClientInterface.GetTimezoneTimezones(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			if got := bytes.Contains(body, []byte(`"x-drift-`)); got != tc.wantDrift {
				t.Errorf("fake drifts: %v, want %v; body %s", got, tc.wantDrift, body)
			}
			if orders := companyOrders(t, api); (orders > 1) != tc.wantUnstable {
				t.Errorf("twenty reads of the first page of companies came in %d orders; want an unstable order: %v", orders, tc.wantUnstable)
			}
		})
	}
}

// companyOrders reads the first page of companies/search a few times and
// counts the distinct orders its rows came in.
func companyOrders(t *testing.T, api *keepnet.Client) int {
	t.Helper()
	var body gen.PostCompaniesSearchJSONRequestBody
	body.PageNumber, body.PageSize, body.OrderBy = 1, 100, "CreateTime"
	cond, text := "AND", ""
	body.Filter.Condition, body.Filter.SearchInputTextValue = &cond, &text
	orders := map[string]bool{}
	for range 20 {
		resp, err := api.API().ClientInterface.PostCompaniesSearch(context.Background(), body)
		if err != nil {
			t.Fatal(err)
		}
		var page struct {
			Data struct {
				Results []struct {
					Name any `json:"companyName"`
				} `json:"results"`
			} `json:"data"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		_ = resp.Body.Close()
		if err != nil || len(page.Data.Results) == 0 {
			t.Fatalf("companies/search: %v", err)
		}
		orders[fmt.Sprint(page.Data.Results)] = true
	}
	return len(orders)
}
