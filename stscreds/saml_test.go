package stscreds_test

import (
	"context"
	"crypto/rand"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alibabacloud-go/tea/dara"
	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
	"github.com/stsgo/sts/stscreds"
	"github.com/stsgo/sts/ststest"
)

// ticketIdP is this package's SAML identity provider, registered with the fake as its
// verifier: it hands out opaque assertions, each for a subject and a role until an
// expiry, and accepts only those (the XML-signed kind is package samlidp's, which the
// tests here leave out so that users of stscreds do not download XML signature
// libraries for its tests).
type ticketIdP struct {
	Arn string

	mu     sync.Mutex
	issued map[string]ticketGrant // by assertion
}

type ticketGrant struct {
	info         *ststest.SAMLAssertionInfo
	notOnOrAfter time.Time
}

func newTicketIdP(srv *ststest.Server, name string) *ticketIdP {
	idp := &ticketIdP{issued: map[string]ticketGrant{}}
	idp.Arn = srv.AddSAMLProvider(ststest.DefaultAccountID, name, idp)
	return idp
}

// Assertion hands out an assertion that subject, as session sessionName, may assume
// roleArn through this provider until notOnOrAfter.
func (p *ticketIdP) Assertion(subject, sessionName, roleArn string, notOnOrAfter time.Time) string {
	a := rand.Text()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.issued[a] = ticketGrant{notOnOrAfter: notOnOrAfter, info: &ststest.SAMLAssertionInfo{Issuer: "https://idp.example.com/metadata",
		Subject: subject, SubjectType: "persistent", SessionName: sessionName, Roles: []string{roleArn + "," + p.Arn}}}
	return a
}

func (p *ticketIdP) VerifySAMLAssertion(assertion string, now time.Time) (*ststest.SAMLAssertionInfo, error) {
	p.mu.Lock()
	grant, ok := p.issued[assertion]
	p.mu.Unlock()
	switch {
	case !ok:
		return nil, &ststest.SAMLError{Code: "InvalidSignature", Message: "The provider did not issue this assertion."}
	case !now.Before(grant.notOnOrAfter):
		return nil, &ststest.SAMLError{Code: "Expired", Message: "The SAML assertion is expired."}
	}
	return grant.info, nil
}

// TestSAMLProvider trades assertions that a registered identity provider hands out for
// a role's credentials, asking for a fresh assertion at every refresh, and reports the
// assertion source's failures and the service's refusals with the session's role.
func TestSAMLProvider(t *testing.T) {
	srv := ststest.NewServer()
	defer srv.Close()
	idp := newTicketIdP(srv, "adfs")
	srv.Trust(srv.Role().Arn, idp.Arn)
	anon, err := sts.NewClient(&sts.Config{Endpoint: dara.String(srv.Endpoint()), Protocol: dara.String("HTTP")}, once)
	require.NoError(t, err)
	role := srv.Role().Arn

	var calls atomic.Int32
	fresh := func(context.Context) (string, error) {
		calls.Add(1)
		return idp.Assertion("alice@example.com", "alice", role, time.Now().Add(5*time.Minute)), nil
	}
	p, err := stscreds.NewSAMLProvider(anon, role, idp.Arn, fresh, func(o *stscreds.SAMLOptions) { o.Duration = 15 * time.Minute })
	require.NoError(t, err)
	creds, err := p.Retrieve(context.Background())
	require.NoError(t, err)
	require.Equal(t, "stscreds.SAML", creds.Source)
	require.WithinDuration(t, time.Now().Add(15*time.Minute), creds.Expires, time.Minute)
	id, err := clientWith(t, srv, p).GetCallerIdentity()
	require.NoError(t, err)
	require.Equal(t, "acs:ram::"+ststest.DefaultAccountID+":assumed-role/test-role/alice", *id.Body.Arn)

	p.Invalidate()
	_, err = p.Retrieve(context.Background())
	require.NoError(t, err)
	require.Equal(t, int32(2), calls.Load(), "a fresh assertion at every refresh")
	require.Equal(t, 2, srv.RequestCount("AssumeRoleWithSAML"))

	t.Run("the assertion source fails", func(t *testing.T) {
		idpDown := errors.New("identity provider down")
		p, err := stscreds.NewSAMLProvider(anon, role, idp.Arn, func(context.Context) (string, error) { return "", idpDown })
		require.NoError(t, err)
		_, err = p.Retrieve(context.Background())
		require.ErrorIs(t, err, idpDown)
		require.EqualError(t, err, "stscreds: session "+role+": refreshing credentials: identity provider down")
	})
	t.Run("the service refuses the assertion", func(t *testing.T) {
		expired := idp.Assertion("bob", "", role, time.Now().Add(-time.Minute))
		p, err := stscreds.NewSAMLProvider(anon, role, idp.Arn, func(context.Context) (string, error) { return expired, nil })
		require.NoError(t, err)
		_, err = p.Retrieve(context.Background())
		var se *sts.ServiceError
		require.ErrorAs(t, err, &se)
		require.Equal(t, "AuthenticationFail.SAMLAssertion.Expired", se.Code)
		require.NotContains(t, err.Error(), expired)
	})
}

func TestNewSAMLProviderRefuses(t *testing.T) {
	srv := ststest.NewServer()
	defer srv.Close()
	anon, err := sts.NewClient(&sts.Config{Endpoint: dara.String(srv.Endpoint()), Protocol: dara.String("HTTP")})
	require.NoError(t, err)
	role, idp := srv.Role().Arn, "acs:ram::"+ststest.DefaultAccountID+":saml-provider/adfs"
	assertion := func(context.Context) (string, error) { return "PHNhbWw+", nil }
	tests := []struct {
		name                  string
		client                stscreds.SAMLAPI
		role, idp             string
		assertion             func(context.Context) (string, error)
		opt                   func(*stscreds.SAMLOptions)
		want, validationField string
	}{
		{name: "no client", role: role, idp: idp, assertion: assertion, want: "needs a client"},
		{name: "no assertion source", client: anon, role: role, idp: idp, want: "returns the assertion"},
		{name: "provider ARN of another kind", client: anon, role: role, idp: "acs:ram::1:oidc-provider/x", assertion: assertion,
			validationField: "AssumeRoleWithSAMLRequest.SAMLProviderArn"},
		{name: "no role", client: anon, idp: idp, assertion: assertion, validationField: "AssumeRoleWithSAMLRequest.RoleArn"},
		{name: "too short", client: anon, role: role, idp: idp, assertion: assertion,
			opt: func(o *stscreds.SAMLOptions) { o.Duration = time.Minute }, validationField: "AssumeRoleWithSAMLRequest.DurationSeconds"},
		{name: "policy too long", client: anon, role: role, idp: idp, assertion: assertion,
			opt: func(o *stscreds.SAMLOptions) { o.Policy = string(make([]byte, 2049)) }, validationField: "AssumeRoleWithSAMLRequest.Policy"},
		{name: "negative cache option", client: anon, role: role, idp: idp, assertion: assertion,
			opt: func(o *stscreds.SAMLOptions) { o.Cache.RefreshTimeout = -1 }, want: "CacheOptions.RefreshTimeout"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var opts []func(*stscreds.SAMLOptions)
			if tc.opt != nil {
				opts = append(opts, tc.opt)
			}
			p, err := stscreds.NewSAMLProvider(tc.client, tc.role, tc.idp, tc.assertion, opts...)
			require.Nil(t, p)
			if tc.validationField != "" {
				var ve *sts.ValidationError
				require.ErrorAs(t, err, &ve)
				require.Equal(t, tc.validationField, ve.Field)
				return
			}
			require.ErrorContains(t, err, tc.want)
		})
	}
	require.Zero(t, srv.RequestCount(""), "nothing was sent")
}
