package main

import (
	"fmt"
	"time"

	"github.com/stsgo/sts/stscreds"
)

// The refresh policy of the credentials that credential-server and exec serve.
//
// Alibaba's Python (alibabacloud_credentials provider/refreshable.py, STALE_TIME),
// Java (RefreshCachedSupplier.STALE_TIME) and Node.js (@alicloud/credentials
// providers/session.ts, STALE_TIME) libraries treat credentials as stale 15 minutes
// before their Expiration, and while they are stale ask the URL again on every call.
// So the server refreshes well before that: the refresh starts between
// serveWindow and serveWindow*(1-serveJitter) ahead of expiry (25 to 20 minutes),
// which leaves at least 5 minutes for the refresh itself (one minute at most, the
// cache's RefreshTimeout) and for a consumer's clock running ahead of the server's.
const (
	consumerStaleTime = 15 * time.Minute
	serveWindow       = 25 * time.Minute
	serveJitter       = 0.2
	// minServeDuration is the shortest -duration the server accepts: credentials of
	// 30 minutes are refreshed every 5 to 10 minutes; shorter ones would be
	// refreshed almost at once, or be stale to the consumers the moment they come.
	minServeDuration = 30 * time.Minute
)

// servePolicy is the cache configuration of served credentials; clock, when not nil,
// replaces time.Now.
func servePolicy(clock func() time.Time) stscreds.CacheOptions {
	return stscreds.CacheOptions{ExpiryWindow: serveWindow, JitterFraction: serveJitter, Clock: clock}
}

// checkServeDuration refuses a -duration under which the official consumers would
// find the served credentials stale.
func checkServeDuration(d time.Duration) error {
	if d < minServeDuration {
		return fmt.Errorf("sts: -duration %v is too short to serve: Alibaba's Python, Java and Node.js credential libraries "+
			"treat credentials as stale %v before they expire and then ask again on every call, so the server refreshes "+
			"them %v ahead; serving needs -duration %v or more (default 1h)", d, consumerStaleTime, serveWindow, minServeDuration)
	}
	return nil
}
