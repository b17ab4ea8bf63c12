package dbtest

import (
	"net"
	"sync"
	"testing"
)

// SilentServer listens on a free loopback port, accepts connections and
// never writes: a database host that is there and does not answer. Each
// accepted connection is announced on the channel (dropped when nobody
// reads), so a test can wait until the client sits in its handshake.
func SilentServer(t testing.TB) (addr string, accepted <-chan struct{}) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan struct{}, 16)
	var mu sync.Mutex
	var conns []net.Conn
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			select {
			case ch <- struct{}{}:
			default:
			}
		}
	}()
	return l.Addr().String(), ch
}
