package policy_test

import (
	"testing"

	"github.com/stsgo/sts/policy"
)

const benchPolicy = `{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:PutObject","Resource":"acs:oss:*:*:example-uploads/uploads/alice/*"}]}`

func BenchmarkNormalize(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		policy.Normalize(benchPolicy)
	}
}

func BenchmarkString(b *testing.B) {
	p, err := policy.Parse(benchPolicy)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = p.String()
	}
}
