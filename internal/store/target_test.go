package store

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestParseTarget: a path is SQLite, a postgres URL PostgreSQL, and the
// rest is refused with a reason that never repeats a password.
func TestParseTarget(t *testing.T) {
	for _, c := range []struct {
		in      string
		dialect Dialect
		wantErr string
	}{
		{in: "keepnet.db", dialect: SQLite},
		{in: "/var/lib/keepnet/results.db", dialect: SQLite},
		{in: "postgres://reporter:s3cret-pw@db.example:5432/keepnet", dialect: Postgres},
		{in: "postgresql://reporter@db.example/keepnet?sslmode=require", dialect: Postgres},
		{in: "", wantErr: "no database given"},
		{in: "  ", wantErr: "no database given"},
		{in: "mysql://reporter:s3cret-pw@db.example/keepnet", wantErr: `scheme "mysql" is not supported`},
		{in: "postgres://reporter:s3cret-pw@db.example:port/keepnet", wantErr: "cannot be parsed"},
		{in: "postgres://reporter@db.example/keepnet?password=s3cret-pw", wantErr: "carries a password parameter"},
	} {
		tg, err := ParseTarget(c.in)
		switch {
		case c.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("ParseTarget(%q): %v, want an error with %q", c.in, err, c.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "s3cret-pw") {
				t.Errorf("ParseTarget(%q): the error shows the password: %v", c.in, err)
			}
		case err != nil:
			t.Errorf("ParseTarget(%q): %v", c.in, err)
		case tg.Dialect != c.dialect:
			t.Errorf("ParseTarget(%q) is %s, want %s", c.in, tg.Dialect, c.dialect)
		case strings.Contains(tg.String(), "s3cret-pw"):
			t.Errorf("Target.String() shows the password: %s", tg)
		case c.dialect == SQLite && !filepath.IsAbs(tg.Path):
			t.Errorf("ParseTarget(%q).Path = %q, not absolute", c.in, tg.Path)
		}
	}
}

// TestUnreachableServerErrorHidesThePassword: the error of a server that
// cannot be reached names the server, never the password.
func TestUnreachableServerErrorHidesThePassword(t *testing.T) {
	dir := t.TempDir() // no server listens here
	tg, err := ParseTarget("postgres://reporter:s3cret-pw@/keepnet?host=" + url.QueryEscape(dir) + "&connect_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	_, err = OpenTarget(context.Background(), tg, TargetOptions{})
	if err == nil {
		t.Fatal("opened a server that does not exist")
	}
	if strings.Contains(err.Error(), "s3cret-pw") {
		t.Errorf("the error shows the password: %v", err)
	}
	if !strings.Contains(err.Error(), "xxxxx") && !strings.Contains(err.Error(), "keepnet") {
		t.Errorf("the error does not say which database: %v", err)
	}
}

// TestPasswordSources: against a real server, the password may come from
// the URL, a password file or PGPASSWORD; a wrong one is refused without
// being shown, and a URL password beside a file is refused as ambiguous.
func TestPasswordSources(t *testing.T) {
	engines(t, func(t *testing.T, e engine) {
		if e.name != "postgres" {
			t.Skip("PostgreSQL only")
		}
		full := e.target(t)
		u, _ := url.Parse(full)
		password, _ := u.User.Password()
		if password == "" {
			t.Skip(pgEnv + " has no password in it to move elsewhere")
		}
		bare := *u
		bare.User = url.User(u.User.Username())
		open := func(raw string, opt TargetOptions) error {
			tg, err := ParseTarget(raw)
			if err != nil {
				return err
			}
			st, err := OpenTarget(context.Background(), tg, opt)
			if err == nil {
				st.Close()
			}
			return err
		}
		t.Setenv("PGPASSWORD", "")
		t.Setenv("PGPASSFILE", filepath.Join(t.TempDir(), "none"))

		if err := open(full, TargetOptions{}); err != nil {
			t.Errorf("password in the URL: %v", err)
		}
		file := filepath.Join(t.TempDir(), "pw")
		if err := os.WriteFile(file, []byte(password+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := open(bare.String(), TargetOptions{PasswordFile: file}); err != nil {
			t.Errorf("password from a file: %v", err)
		}
		if err := open(full, TargetOptions{PasswordFile: file}); err == nil || !strings.Contains(err.Error(), "use one") {
			t.Errorf("URL password and a file: %v, want a refusal", err)
		}
		wrong := *u
		wrong.User = url.UserPassword(u.User.Username(), "not-the-pw-123")
		err := open(wrong.String(), TargetOptions{})
		if err == nil {
			t.Error("a wrong password was accepted")
		} else if strings.Contains(err.Error(), "not-the-pw-123") {
			t.Errorf("the error shows the wrong password: %v", err)
		}
		t.Setenv("PGPASSWORD", password)
		if err := open(bare.String(), TargetOptions{}); err != nil {
			t.Errorf("password from PGPASSWORD: %v", err)
		}
	})
}
