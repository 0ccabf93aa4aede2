package sts

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestBackoffDelay(t *testing.T) {
	exp := backoff{base: 100 * time.Millisecond, max: time.Second}
	tests := []struct {
		name       string
		b          backoff
		attempt    int
		retryAfter time.Duration
		lo, hi     time.Duration
	}{
		{"first", exp, 1, 0, 100 * time.Millisecond, 100 * time.Millisecond},
		{"doubles", exp, 3, 0, 400 * time.Millisecond, 400 * time.Millisecond},
		{"capped", exp, 10, 0, time.Second, time.Second},
		{"huge attempt does not overflow", exp, 200, 0, time.Second, time.Second},
		{"retry-after is a floor", exp, 1, 3 * time.Second, 3 * time.Second, 3 * time.Second},
		{"jitter stays in range", backoff{base: 100 * time.Millisecond, max: time.Second, jitter: true}, 2, 0, 0, 200 * time.Millisecond},
		{"no backoff", backoff{}, 5, 0, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for range 100 {
				d := tc.b.delay(tc.attempt, tc.retryAfter)
				require.GreaterOrEqual(t, d, tc.lo)
				require.LessOrEqual(t, d, tc.hi)
			}
		})
	}
}
