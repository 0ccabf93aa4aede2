package sts_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
	"github.com/stsgo/sts/ststest"
)

// TestClockSkew runs a client whose clock is off by more than the service's window
// against a fake whose clock is right: corrected, the refused request is sent once
// more and later ones pass at once; uncorrected, the error says how far off the clock is.
func TestClockSkew(t *testing.T) {
	for _, skew := range []time.Duration{20 * time.Minute, -20 * time.Minute, 3 * time.Hour} {
		for _, alg := range []string{"", "v2"} {
			t.Run(skew.String()+"/"+alg, func(t *testing.T) {
				srv := ststest.NewServer()
				defer srv.Close()
				cfg := srv.Config()
				if alg != "" {
					cfg.SignatureAlgorithm = &alg
				}
				// The client's clock is behind the service's by skew.
				local := sts.WithClock(func() time.Time { return time.Now().Add(-skew) })

				var logs bytes.Buffer
				c := newTestClient(t, cfg, local, sts.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
				_, err := c.GetCallerIdentity()
				require.NoError(t, err)
				require.Equal(t, 2, srv.RequestCount("GetCallerIdentity"), "refused once, then sent with the corrected time")
				require.InDelta(t, skew.Seconds(), c.ClockOffset().Seconds(), 1.5)
				require.Contains(t, logs.String(), "clock_offset=")
				_, err = c.AssumeRole(new(sts.AssumeRoleRequest).SetRoleArn(srv.Role().Arn).SetRoleSessionName("after"))
				require.NoError(t, err)
				require.Equal(t, 1, srv.RequestCount("AssumeRole"), "later requests are signed with the corrected time")

				c = newTestClient(t, cfg, local, sts.WithClockSkewCorrection(false))
				_, err = c.GetCallerIdentity()
				var se *sts.ServiceError
				require.ErrorAs(t, err, &se)
				require.Equal(t, "InvalidTimeStamp.Expired", se.Code)
				require.InDelta(t, skew.Seconds(), se.ClockSkew.Seconds(), 1.5)
				want := "behind the service's"
				if skew < 0 {
					want = "ahead of the service's"
				}
				require.Contains(t, err.Error(), "this machine's clock is ")
				require.Contains(t, err.Error(), want)
				require.Equal(t, 3, srv.RequestCount("GetCallerIdentity"), "uncorrected: sent once")
			})
		}
	}
}

// TestClockOffsetMeasured checks the offset read from answers within the service's
// window (no request refused), and that a clock in agreement reads as none.
func TestClockOffsetMeasured(t *testing.T) {
	for _, skew := range []time.Duration{0, 10 * time.Minute, -7 * time.Minute} {
		srv := ststest.NewServer(ststest.WithClock(func() time.Time { return time.Now().Add(skew) }))
		c := newTestClient(t, srv.Config())
		require.Zero(t, c.ClockOffset(), "before any answer")
		_, err := c.GetCallerIdentity()
		require.NoError(t, err)
		require.InDelta(t, skew.Seconds(), c.ClockOffset().Seconds(), 1.5, "skew %s", skew)
		if skew == 0 {
			require.True(t, c.ClockOffset().Abs() <= time.Second)
		}
		require.Equal(t, 1, srv.RequestCount("GetCallerIdentity"))
		srv.Close()
	}
}

// TestClockSkewTextOnlyOnTimestampErrors keeps other errors' text unchanged.
func TestClockSkewTextOnlyOnTimestampErrors(t *testing.T) {
	srv := ststest.NewServer(ststest.WithClock(func() time.Time { return time.Now().Add(10 * time.Minute) }))
	defer srv.Close()
	_, err := newTestClient(t, srv.Config()).AssumeRole(new(sts.AssumeRoleRequest).
		SetRoleArn("acs:ram::1234567890123456:role/missing").SetRoleSessionName("x1"))
	require.Error(t, err)
	require.False(t, strings.Contains(err.Error(), "clock"), err.Error())
}
