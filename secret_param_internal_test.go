package sts

import (
	"strings"
	"testing"
)

// TestANewSecretParameterIsRedacted: a request parameter is one line of the API
// description, but whether String prints a field is decided by secretFields, a list
// by name in redact.go that the description does not reach. A bearer parameter added
// by that one line (as AssumeRoleWithOIDC's OIDCToken was) is printed in full by
// String, though its name holds one of secretWords, which the error scrubbing does
// redact. The struct below is what the generator writes for such a parameter.
func TestANewSecretParameterIsRedacted(t *testing.T) {
	type futureRequest struct {
		RoleArn          *string `json:"RoleArn,omitempty" xml:"RoleArn,omitempty"`
		WebIdentityToken *string `json:"WebIdentityToken,omitempty" xml:"WebIdentityToken,omitempty"`
		ClientSecret     *string `json:"ClientSecret,omitempty" xml:"ClientSecret,omitempty"`
	}
	arn, token, secret := "acs:ram::1:role/r", "eyJhbGciOiJSUzI1NiJ9.bearer.token", "client-secret-value"
	out := prettify(futureRequest{RoleArn: &arn, WebIdentityToken: &token, ClientSecret: &secret})
	for _, v := range []string{token, secret} {
		if strings.Contains(out, v) {
			t.Errorf("String prints %q:\n%s", v, out)
		}
	}
	if !strings.Contains(out, arn) {
		t.Errorf("String lost a field that is no secret:\n%s", out)
	}
}
