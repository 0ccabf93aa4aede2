// Package stsfixture gives the adapters' tests a fake STS and a stscreds provider of
// its role, which a test can make fetch new credentials.
package stsfixture

import (
	"testing"

	"github.com/stsgo/sts"
	"github.com/stsgo/sts/stscreds"
	"github.com/stsgo/sts/ststest"
)

// Fixture is a fake STS and a provider of its role's credentials.
type Fixture struct {
	STS      *ststest.Server
	Provider *stscreds.AssumeRoleProvider
}

// New starts the fake STS (closed at the end of t) and the provider.
func New(t testing.TB) *Fixture {
	f := &Fixture{STS: ststest.NewServer()}
	t.Cleanup(f.STS.Close)
	client, err := sts.NewClient(f.STS.Config())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(client.CloseIdleConnections)
	if f.Provider, err = stscreds.NewAssumeRoleProvider(client, f.STS.Role().Arn, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = "adapter-test"
	}); err != nil {
		t.Fatal(err)
	}
	return f
}

// Rotate makes the provider drop its credentials, as it does when the service
// refuses them, so that the next retrieval gets new ones from the fake. (The SDKs
// under test sign with the machine's clock, so the fake's clock must stay on it.)
func (f *Fixture) Rotate() { f.Provider.Invalidate() }
