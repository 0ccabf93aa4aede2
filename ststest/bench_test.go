package ststest_test

import (
	"testing"

	"github.com/stsgo/sts"
	"github.com/stsgo/sts/ststest"
)

// BenchmarkServerAssumeRole measures verified AssumeRole calls through our client, on
// every core: the fake must not be the bottleneck of other benchmarks.
func BenchmarkServerAssumeRole(b *testing.B) {
	srv := ststest.NewServer()
	defer srv.Close()
	c := srv.Client()
	req := new(sts.AssumeRoleRequest).SetRoleArn(srv.Role().Arn).SetRoleSessionName("bench")
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.AssumeRole(req); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "calls/s")
}
