package memnet_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/synctest"
	"time"

	"github.com/keepnet-flow/keepnet-flow/internal/memnet"
)

// An HTTP server and client over memnet live in a synctest bubble: the
// server's handler sleeps an hour of the bubble's clock, and the test
// returns at once, which it could not over loopback TCP.
func TestHTTPInABubble(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := memnet.Listen(&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1})
		srv := &httptest.Server{Listener: l, Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(time.Hour)
			io.WriteString(w, "late")
		})}}
		srv.Start()
		defer srv.Close()
		tr := &http.Transport{DialContext: l.Dial}
		defer tr.CloseIdleConnections()
		start := time.Now()
		res, err := (&http.Client{Transport: tr}).Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil || string(b) != "late" {
			t.Fatalf("body %q, %v", b, err)
		}
		if got := time.Since(start); got != time.Hour {
			t.Errorf("the bubble's clock moved %v, want 1h", got)
		}
		if srv.URL != "http://127.0.0.1:1" {
			t.Errorf("URL %q", srv.URL)
		}
	})
}

func TestDialAfterCloseIsRefused(t *testing.T) {
	l := memnet.Listen(&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1})
	l.Close()
	if _, err := l.Dial(context.Background(), "tcp", "127.0.0.1:1"); err == nil {
		t.Fatal("dialed a closed listener")
	}
	if _, err := l.Accept(); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("Accept after Close: %v", err)
	}
}

func TestDialHonoursItsContext(t *testing.T) {
	l := memnet.Listen(&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := l.Dial(ctx, "tcp", ""); !errors.Is(err, context.Canceled) {
		t.Fatalf("a dial nobody accepts, its context cancelled: %v", err)
	}
}
