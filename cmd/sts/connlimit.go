package main

import (
	"net"
	"net/http"
	"sync"
)

// connLimiter is a listener that keeps at most max connections open. When a new
// connection comes at the limit, the one idle the longest (kept alive after a
// request, or connected and silent) is closed to make room; only when every
// connection is in the middle of a request is the new one closed instead. So a
// client that opens connections and leaves them idle cannot keep others out, and the
// server's file descriptors stay bounded; a slow request ends at the server's read
// timeout. Its track method is the http.Server's ConnState hook.
type connLimiter struct {
	net.Listener
	max int

	mu    sync.Mutex            // guards the fields below
	conns map[net.Conn]*connUse // every connection accepted and not yet closed
	clock uint64                // counts state changes, to order idleness
}

// connUse is what the limiter knows of one connection.
type connUse struct {
	active    bool   // in the middle of a request
	idleSince uint64 // the limiter's clock when it last became idle
}

func newConnLimiter(l net.Listener, max int) *connLimiter {
	return &connLimiter{Listener: l, max: max, conns: make(map[net.Conn]*connUse)}
}

// Accept returns the next connection, making room for it as the type says.
func (l *connLimiter) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if l.admit(c) {
			return c, nil
		}
		c.Close()
	}
}

// admit records c, closing the longest-idle connection if there is no room; false
// when every connection is active.
func (l *connLimiter) admit(c net.Conn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.conns) >= l.max {
		var victim net.Conn
		var since uint64
		for vc, u := range l.conns {
			if !u.active && (victim == nil || u.idleSince < since) {
				victim, since = vc, u.idleSince
			}
		}
		if victim == nil {
			return false
		}
		delete(l.conns, victim)
		victim.Close() // its server goroutine sees the error and ends
	}
	l.clock++
	l.conns[c] = &connUse{idleSince: l.clock}
	return true
}

// track follows the server's view of each connection.
func (l *connLimiter) track(c net.Conn, s http.ConnState) {
	l.mu.Lock()
	defer l.mu.Unlock()
	u, ok := l.conns[c]
	switch {
	case s == http.StateClosed || s == http.StateHijacked:
		delete(l.conns, c)
	case !ok:
	case s == http.StateActive:
		u.active = true
	case s == http.StateIdle:
		l.clock++
		u.active, u.idleSince = false, l.clock
	}
}

// open returns how many connections are open.
func (l *connLimiter) open() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.conns)
}
