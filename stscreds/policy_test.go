package stscreds_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
	"github.com/stsgo/sts/stscreds"
	"github.com/stsgo/sts/ststest"
)

// policyRecorder records the Policy of every AssumeRole request that reaches the client.
type policyRecorder struct {
	stscreds.AssumeRoleAPI
	mu   sync.Mutex
	sent []string
}

func (r *policyRecorder) AssumeRoleWithContext(ctx context.Context, req *sts.AssumeRoleRequest, rt *sts.RuntimeOptions) (*sts.AssumeRoleResponse, error) {
	r.mu.Lock()
	r.sent = append(r.sent, *req.Policy)
	r.mu.Unlock()
	return r.AssumeRoleAPI.AssumeRoleWithContext(ctx, req, rt)
}

// recordingCache is a SessionCache over a fake STS, recording the policies it sends.
func recordingCache(t *testing.T) (*ststest.Server, *policyRecorder, *stscreds.SessionCache) {
	srv := ststest.NewServer()
	t.Cleanup(srv.Close)
	rec := &policyRecorder{AssumeRoleAPI: userClient(t, srv, nil)}
	c, err := stscreds.NewSessionCache(rec)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return srv, rec, c
}

// TestSessionCacheSharesEqualPolicies asks for one session under three spellings of
// its policy (whitespace, member order, list order, duplicates, a list of one), from
// many goroutines at once: one AssumeRole call, with the policy in canonical form,
// one entry, the same credentials for all. Invalidating under yet another spelling
// drops it; a policy that is not equal is a session of its own.
func TestSessionCacheSharesEqualPolicies(t *testing.T) {
	srv, rec, c := recordingCache(t)

	const canonical = `{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:GetObject","oss:PutObject"],"Resource":"acs:oss:*:*:b/alice/*"}]}`
	spellings := []string{
		canonical,
		`{ "Version": "1", "Statement": [ { "Effect": "Allow", "Action": [ "oss:GetObject", "oss:PutObject" ], "Resource": [ "acs:oss:*:*:b/alice/*" ] } ] }`,
		`{"Statement":[{"Resource":"acs:oss:*:*:b/alice/*","Action":["oss:PutObject","oss:GetObject","oss:PutObject"],"Effect":"Allow"}],"Version":"1"}`,
	}
	session := func(policy string) stscreds.Session {
		return stscreds.Session{RoleArn: srv.Role().Arn, RoleSessionName: "alice", Policy: policy}
	}
	got := make([]stscreds.Credentials, 3*len(spellings))
	var wg sync.WaitGroup
	for i := range got {
		wg.Go(func() {
			creds, err := c.Retrieve(context.Background(), session(spellings[i%len(spellings)]))
			require.NoError(t, err)
			got[i] = creds
		})
	}
	wg.Wait()
	require.Equal(t, 1, srv.RequestCount("AssumeRole"))
	require.Equal(t, []string{canonical}, rec.sent)
	require.Equal(t, 1, c.Len())
	for _, creds := range got {
		require.Equal(t, got[0], creds)
	}

	require.NoError(t, c.Invalidate(context.Background(), session(`{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:PutObject","oss:GetObject"],"Resource":["acs:oss:*:*:b/alice/*"]}]}`)))
	require.Zero(t, c.Len(), "invalidated under another spelling")
	_, err := c.Retrieve(context.Background(), session(spellings[1]))
	require.NoError(t, err)
	require.Equal(t, 2, srv.RequestCount("AssumeRole"))

	_, err = c.Retrieve(context.Background(), session(`{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:GetObject","Resource":"acs:oss:*:*:b/alice/*"}]}`))
	require.NoError(t, err)
	require.Equal(t, 3, srv.RequestCount("AssumeRole"), "a narrower policy is another session")
	require.Equal(t, 2, c.Len())
}

// TestSessionCacheSendsInvalidPoliciesAsGiven: a policy that does not parse is not
// rewritten (the service judges it), and is not dropped (which would grant the whole
// role).
func TestSessionCacheSendsInvalidPoliciesAsGiven(t *testing.T) {
	srv, rec, c := recordingCache(t)

	const bad = `{"Version":"1", "Statement":[{"Effect":"allow","Action":"oss:GetObject","Resource":"*"}]}`
	_, err := c.Retrieve(context.Background(), stscreds.Session{RoleArn: srv.Role().Arn, RoleSessionName: "alice", Policy: bad})
	var se *sts.ServiceError
	require.ErrorAs(t, err, &se)
	require.Equal(t, "InvalidParameter.PolicyGrammar", se.Code)
	require.Equal(t, []string{bad}, rec.sent)
}
