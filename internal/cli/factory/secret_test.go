package factory_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/clitest"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/factory"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/iostreams"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

func TestClientSecretFromFile(t *testing.T) {
	tests := []struct {
		name     string
		content  string // of the secret file; "{secret}" is the fake's
		stdin    string
		flag     bool   // --client-secret-file, else KEEPNET_CLIENT_SECRET_FILE
		path     string // "-" for stdin; default: the file
		envToo   bool   // KEEPNET_CLIENT_SECRET set as well
		wantCode int
		wantErr  string
	}{
		{name: "flag, file with a trailing newline", content: "{secret}\n", flag: true, wantCode: 0},
		{name: "environment, file without newline", content: "{secret}", wantCode: 0},
		{name: "flag, CRLF", content: "{secret}\r\n", flag: true, wantCode: 0},
		{name: "flag, stdin", stdin: "{secret}\n", flag: true, path: "-", wantCode: 0},
		{name: "environment, stdin", stdin: "{secret}", path: "-", wantCode: 0},
		{name: "flag wins over KEEPNET_CLIENT_SECRET", content: "{secret}", flag: true, envToo: true, wantCode: 0},
		{name: "both environment variables", content: "{secret}", envToo: true, wantCode: 2, wantErr: "both it and KEEPNET_CLIENT_SECRET are set"},
		{name: "missing file", flag: true, path: "missing", wantCode: 2, wantErr: "--client-secret-file"},
		{name: "empty file", content: "\n", flag: true, wantCode: 2, wantErr: "is empty"},
		{name: "two lines", content: "{secret}\nsecond line\n", wantCode: 2, wantErr: "more than one line"},
		{name: "wrong secret", content: "not-the-secret", flag: true, wantCode: 1, wantErr: "invalid_client"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := clitest.Fake(t)
			if !tt.envToo {
				t.Setenv(keepnet.EnvClientSecret, "")
			}
			t.Setenv(factory.EnvClientSecretFile, "")
			fill := func(s string) string { return strings.ReplaceAll(s, "{secret}", srv.ClientSecret) }
			path := filepath.Join(t.TempDir(), "secret")
			if tt.content != "" {
				if err := os.WriteFile(path, []byte(fill(tt.content)), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			switch tt.path {
			case "-":
				path = "-"
			case "missing":
				path = filepath.Join(t.TempDir(), "no-such-file")
			}
			args := []string{"companies"}
			if tt.flag {
				args = append([]string{"--client-secret-file", path}, args...)
			} else {
				t.Setenv(factory.EnvClientSecretFile, path)
			}
			ios, in, out, errOut := iostreams.Test()
			in.WriteString(fill(tt.stdin))
			code := clitest.RunStreams(context.Background(), ios, args)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d; stderr %q", code, tt.wantCode, errOut.String())
			}
			if tt.wantCode == 0 && !strings.Contains(out.String(), keepnettest.CompanyAcmeName) {
				t.Errorf("no companies listed: %q", out.String())
			}
			if !strings.Contains(errOut.String(), tt.wantErr) {
				t.Errorf("stderr %q, want it to say %q", errOut.String(), tt.wantErr)
			}
			if strings.Count(strings.TrimSpace(errOut.String()), "\n") > 0 && tt.wantCode != 0 {
				t.Errorf("error is not one line: %q", errOut.String())
			}
			for _, secret := range []string{srv.ClientSecret, "not-the-secret"} {
				if strings.Contains(out.String()+errOut.String(), secret) {
					t.Errorf("the secret %q was printed", secret)
				}
			}
			if tt.wantCode == 2 && srv.TokensIssued() != 0 {
				t.Errorf("bad input still fetched %d tokens", srv.TokensIssued())
			}
		})
	}
}
