// Package memnet is a network inside the process: a net.Listener whose
// connections are net.Pipe pairs, and the dial function that reaches it.
//
// It exists for testing/synctest. A goroutine blocked on a TCP socket is
// never "durably blocked" in a synctest bubble, so a bubble holding an HTTP
// server or client on loopback TCP never lets its fake clock move; a
// goroutine blocked on a net.Pipe waits on channels and is. The standard
// library has no listener over net.Pipe, hence this one.
package memnet

import (
	"context"
	"errors"
	"net"
	"sync"
)

// Listener is an in-process listener. Its zero value is not usable; use
// Listen.
type Listener struct {
	addr   net.Addr
	conns  chan net.Conn
	closed chan struct{}
	once   sync.Once
}

// Listen returns a listener reporting addr as its address. The address is
// only a name: nothing listens on it, and only Dial reaches the listener.
func Listen(addr *net.TCPAddr) *Listener {
	return &Listener{addr: addr, conns: make(chan net.Conn), closed: make(chan struct{})}
}

// Accept waits for the next Dial.
func (l *Listener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

// Close stops Accept and refuses further dials; connections already made
// stay open.
func (l *Listener) Close() error {
	l.once.Do(func() { close(l.closed) })
	return nil
}

// Addr is the address Listen was given.
func (l *Listener) Addr() net.Addr { return l.addr }

// errRefused is what dialing a closed listener returns, as dialing a port
// nothing listens on does.
var errRefused = errors.New("memnet: connection refused")

// Dial connects to the listener, whatever network and address are asked
// for: it has the signature of http.Transport.DialContext.
func (l *Listener) Dial(ctx context.Context, _, _ string) (net.Conn, error) {
	client, server := net.Pipe()
	select {
	case l.conns <- server:
		return client, nil
	case <-l.closed:
	case <-ctx.Done():
		client.Close()
		server.Close()
		return nil, ctx.Err()
	}
	client.Close()
	server.Close()
	return nil, &net.OpError{Op: "dial", Net: "memnet", Addr: l.addr, Err: errRefused}
}
