package sts

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestRedactNamedSecrets: a value assigned to a secret's name goes, in any spelling;
// prose that names a secret stays readable.
func TestRedactNamedSecrets(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"AccessKeySecret":"abc","x":1}`, `{"AccessKeySecret":"<redacted>","x":1}`},
		{`{"AccessKeySecret" : "abc`, `{"AccessKeySecret" : "<redacted>`},
		{`{\"SecurityToken\":\"CAIS+/=\"}`, `{\"SecurityToken\":\"<redacted>\"}`},
		{`SecurityToken=CAIS%2B%2F&Action=x`, `SecurityToken=<redacted>&Action=x`},
		{`<SecurityToken>CAIS</SecurityToken>`, `<SecurityToken><redacted></SecurityToken>`},
		{"x-acs-security-token: CAIS\r\nhost: h", "x-acs-security-token: <redacted>\r\nhost: h"},
		{`&quot;AccessKeySecret&quot;:&quot;abc&quot;`, `&quot;AccessKeySecret&quot;:&quot;<redacted>&quot;`},
		{`{"access_key_secret": "abc", "oidc_token": "jwt.a.b", "SAMLAssertion":"PHN"}`, `{"access_key_secret": "<redacted>", "oidc_token": "<redacted>", "SAMLAssertion":"<redacted>"}`},
		{"{\"SecurityToken\":\n  \"abc\"}", "{\"SecurityToken\":\n  \"<redacted>\"}"},
		// Prose stays as the service wrote it.
		{"Specified SecurityToken is expired.", "Specified SecurityToken is expired."},
		{"The AccessKeySecret you provided does not match.", "The AccessKeySecret you provided does not match."},
		{"SecurityToken", "SecurityToken"},
		{`"SecurityToken":""`, `"SecurityToken":""`},
		{`{"access_key":"LTAI","secret_key":"abc","token":"CAIS"}`, `{"access_key":"LTAI","secret_key":"<redacted>","token":"<redacted>"}`},
		{`body=AccessKeySecret%3Dabc%26x%3D1`, `body=AccessKeySecret%3D<redacted>`},
		{"Array\n(\n    [AccessKeySecret] => abc\n)", "Array\n(\n    [AccessKeySecret] => <redacted>\n)"},
		{`{"SecurityToken"=>"abc"}`, `{"SecurityToken"=>"<redacted>"}`},
		{"SecurityToken:\nCanary+/fedcba9 CAISIssuedToken\nmore", "SecurityToken:\n<redacted>"},
	} {
		require.Equal(t, tc.want, redactNamedSecrets(tc.in), tc.in)
	}
}

// TestRedactCredentialShapes: long base64-like runs go; codes, request IDs, URLs and
// words stay.
func TestRedactCredentialShapes(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"token CAIShwJ1q6Ft5B2yfSjIr5fiNvPnrelQ0LSTbhf+X/Y= end", "token <redacted>= end"},
		{"secret wyLTSmsyPGP1ohvvw8xYgB29dlGI8KMiH2pK", "secret <redacted>"},
		{"InvalidSecurityToken.Expired 964E0EC5-575B-4FF5-8FD0-D4BD8025602A", "InvalidSecurityToken.Expired 964E0EC5-575B-4FF5-8FD0-D4BD8025602A"},
		{"https://api.aliyun.com/troubleshoot?q=SignatureDoesNotMatch&product=Sts", "https://api.aliyun.com/troubleshoot?q=SignatureDoesNotMatch&product=Sts"},
		{"<html><body>502 Bad Gateway</body></html>", "<html><body>502 Bad Gateway</body></html>"},
	} {
		require.Equal(t, tc.want, redactCredentialShapes(tc.in, ""), tc.in)
	}
}

// TestSecretWordsCoverSecretFields keeps the two lists of secrets one list.
func TestSecretWordsCoverSecretFields(t *testing.T) {
	for field := range secretFields {
		require.True(t, namesSecret(field), field)
	}
}

// TestScrubErrorKeepsIs: a transport error whose text carries a secret is replaced by
// one with the text scrubbed, which errors.Is still sees through; one without is left
// as it is, so errors.As finds its type.
func TestScrubErrorKeepsIs(t *testing.T) {
	cred := credential{accessKeyID: "id", accessKeySecret: "CallerSecret0123456789"}
	leaky := fmt.Errorf("malformed HTTP response %q: %w", `{"SecurityToken":"CAISissued"} CallerSecret0123456789`, context.DeadlineExceeded)
	got := scrubber{cred: cred}.error(leaky)
	require.ErrorIs(t, got, context.DeadlineExceeded)
	require.NotContains(t, got.Error(), "CAISissued")
	require.NotContains(t, got.Error(), "CallerSecret0123456789")
	require.Nil(t, errors.Unwrap(got), "the secret-bearing error is not reachable")

	plain := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	require.Same(t, plain, scrubber{cred: cred}.error(plain))
}
