package enroll_test

import (
	"bufio"
	"context"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/clitest"
	"github.com/keepnet-flow/keepnet-flow/internal/enrollstate"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// TestRerunSaysAtOnceItWaitsOutTheSettleWindow: a rerun after a create
// whose outcome was unknown says, before it waits, that it waits, until
// when, why, and which flag sets how long. The test stops it there.
func TestRerunSaysAtOnceItWaitsOutTheSettleWindow(t *testing.T) {
	srv := clitest.Fake(t)
	const name = "Q2 Phishing Refresher" // clitest.AcmeEnrollArgs's
	st, err := enrollstate.Open(os.Getenv(workflows.EnvStateDir), keepnettest.CompanyAcmeID, name)
	if err != nil {
		t.Fatal(err)
	}
	earlier := time.Now().Add(-time.Minute)
	if err := st.WriteRecord(enrollstate.Pending{Company: enrollstate.Company{ID: keepnettest.CompanyAcmeID, Name: keepnettest.CompanyAcmeName}, Name: name, Time: earlier}); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stderr, errW := io.Pipe()
	done := make(chan int, 1)
	go func() {
		code := clitest.RunOn(ctx, append(clitest.AcmeEnrollArgs, "--settle-window", "1h"), io.Discard, errW)
		errW.Close()
		done <- code
	}()
	first, err := bufio.NewReader(stderr).ReadString('\n')
	if err != nil {
		t.Fatalf("nothing said before waiting: %v", err)
	}
	cancel()
	go io.Copy(io.Discard, stderr) // the rest: how the cancelled run ended
	<-done
	for _, want := range []string{"waiting until " + earlier.Add(time.Hour).Format(time.TimeOnly), name, "unknown outcome", "(--settle-window sets how long)"} {
		if !strings.Contains(first, want) {
			t.Errorf("first line %q lacks %q", first, want)
		}
	}
	if n := clitest.Writes(srv); n != 0 {
		t.Errorf("%d writes while waiting out the settle window", n)
	}
}
