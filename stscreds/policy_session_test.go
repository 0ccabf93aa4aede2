package stscreds_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts/stscreds"
)

// TestDifferentPoliciesNeverOneSession: spellings of one policy share one session, so
// policies that are not one policy must not. Three resources that differ only in an
// unpaired surrogate escape (\ud800, \udfff), which encoding/json would turn into
// U+FFFD alike, stay three sessions (found by an adversarial review: they were one).
func TestDifferentPoliciesNeverOneSession(t *testing.T) {
	srv, rec, c := recordingCache(t)
	doc := func(resource string) string {
		return `{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:GetObject","Resource":"acs:oss:*:*:b/` + resource + `/*"}]}`
	}
	written := []string{doc(`\ud800`), doc(`\udfff`), doc(`\ufffd`)}
	for _, p := range written {
		_, err := c.Retrieve(context.Background(), stscreds.Session{RoleArn: srv.Role().Arn, RoleSessionName: "alice", Policy: p})
		require.NoError(t, err)
	}
	require.Equal(t, len(written), srv.RequestCount("AssumeRole"), "three different policies, %d session(s); sent %q", srv.RequestCount("AssumeRole"), rec.sent)
}
