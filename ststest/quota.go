package ststest

import (
	"net/http"
	"strings"
	"time"
)

// WithQuota makes the server answer each action at most perSecond times in any one
// second for one account, as STS's quota does (100 requests per second per account,
// region and API); beyond it the answer is 400 Throttling.User with x-acs-retry-after
// (milliseconds until the quota frees). The account is the signer's for signed
// actions, and the role's for AssumeRoleWithOIDC and AssumeRoleWithSAML. Refused
// requests do not count against the quota. The quota runs on the machine's clock,
// whatever WithClock says.
func WithQuota(perSecond int) Option {
	mustf(perSecond > 0, "WithQuota(%d): the rate must be positive", perSecond)
	return func(s *Server) { s.quota = perSecond }
}

// quotaKey is what STS's quota counts by.
type quotaKey struct{ account, action string }

// window holds the times of the last perSecond answered requests of one quotaKey, as
// a ring: a request may pass when the oldest of them is a second old.
type window struct {
	times []time.Time
	next  int
}

// throttle spends one request of account's quota for action, or refuses it.
func (s *Server) throttle(account, action string) *apiError {
	if s.quota == 0 {
		return nil
	}
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	k := quotaKey{account, action}
	w := s.windows[k]
	if w == nil {
		w = &window{times: make([]time.Time, s.quota)}
		s.windows[k] = w
	}
	if oldest := w.times[w.next]; !oldest.IsZero() {
		if age := now.Sub(oldest); age < time.Second {
			return throttled(time.Second - age)
		}
	}
	w.times[w.next] = now
	w.next = (w.next + 1) % len(w.times)
	return nil
}

// roleAccount returns the account of a role ARN, acs:ram::<account>:role/<name>.
func roleAccount(arn string) string {
	rest, ok := strings.CutPrefix(arn, "acs:ram::")
	if !ok {
		return ""
	}
	account, _, _ := strings.Cut(rest, ":")
	return account
}

// throttled is STS's answer to a request over its quota.
func throttled(retryAfter time.Duration) *apiError {
	return &apiError{status: http.StatusBadRequest, code: "Throttling.User",
		message: "Request was denied due to user flow control.", retryAfter: retryAfter}
}
