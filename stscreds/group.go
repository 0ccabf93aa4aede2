package stscreds

import (
	"context"
	"errors"
	"sync"
)

// group tracks the refreshes of the caches a SessionCache owns, so that Close can end
// them and wait for them.
type group struct {
	ctx    context.Context // ends at Close
	cancel context.CancelFunc

	mu     sync.RWMutex // guards closed against a refresh starting during Close
	closed bool
	wg     sync.WaitGroup
}

// newGroup returns an open group.
func newGroup() *group {
	ctx, cancel := context.WithCancel(context.Background())
	return &group{ctx: ctx, cancel: cancel}
}

// add counts a refresh about to start; false once the group is closed.
func (g *group) add() bool {
	g.mu.RLock()
	defer g.mu.RUnlock()
	if g.closed {
		return false
	}
	g.wg.Add(1)
	return true
}

// done counts a refresh that has ended.
func (g *group) done() { g.wg.Done() }

// close refuses new refreshes, ends those under way and waits for them.
func (g *group) close() {
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
	g.cancel()
	g.wg.Wait()
}

// errClosed is the error of a cache whose owner has been closed.
var errClosed = errors.New("the session cache is closed")
