package sts

import "context"

// RateLimiter paces the calls a client sends to STS, which answers at most 100
// requests per second per account, region and API. Wait blocks until a call may be
// sent, or returns an error when it cannot be before ctx ends. A *rate.Limiter from
// golang.org/x/time/rate fits as it is; stscreds/redisstore has one shared by a fleet.
type RateLimiter interface {
	Wait(ctx context.Context) error
}

// RateLimitError reports a call that the client's own RateLimiter refused to send: its
// wait would have outlasted the call's context. STS never saw the request.
type RateLimitError struct {
	// Action is the operation that was not sent, such as "AssumeRole".
	Action string
	// Err is the limiter's error; errors.Is finds context.DeadlineExceeded or
	// context.Canceled through it when the context ended.
	Err error
}

// Error returns "sts: <Action>: not sent: the client's rate limit: <cause>".
func (e *RateLimitError) Error() string {
	return "sts: " + e.Action + ": not sent: the client's rate limit: " + e.Err.Error()
}

// Unwrap returns the limiter's error.
func (e *RateLimitError) Unwrap() error { return e.Err }
