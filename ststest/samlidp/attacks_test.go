package samlidp_test

import (
	"encoding/base64"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts/ststest"
	"github.com/stsgo/sts/ststest/samlidp"
)

// rewrite decodes an assertion, applies edit to its XML and encodes it again.
func rewrite(t *testing.T, assertion string, edit func(string) string) string {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(assertion)
	require.NoError(t, err)
	out := edit(string(raw))
	require.NotEqual(t, string(raw), out, "the edit changed nothing")
	return base64.StdEncoding.EncodeToString([]byte(out))
}

var assertionRe = regexp.MustCompile(`(?s)<saml:Assertion .*</saml:Assertion>`)

// TestVerifyRefusesTamperedAssertions holds samlidp to what the fake's SAML check
// refused before it moved (signature, expiry), and to the classic attacks on XML
// signatures: a second, unsigned assertion beside the signed one, either order; a
// comment inside a signed text (excluded from the canonical form, so the signature
// still holds) must not change what is read; an assertion signed by another key.
func TestVerifyRefusesTamperedAssertions(t *testing.T) {
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	srv := ststest.NewServer(ststest.WithClock(func() time.Time { return now }))
	defer srv.Close()
	idp := samlidp.Register(srv, ststest.DefaultAccountID, "adfs", "https://idp.example.com/metadata")
	role := srv.Role().Arn
	admin := "acs:ram::" + ststest.DefaultAccountID + ":role/admin"
	code := func(err error) string {
		var se *ststest.SAMLError
		if errors.As(err, &se) {
			return se.Code
		}
		require.NoError(t, err)
		return ""
	}

	signed := idp.Assertion("bob", role)
	signedXML := assertionRe.FindString(mustDecode(t, signed))
	unsigned := regexp.MustCompile(`(?s)<ds:Signature.*</ds:Signature>`).ReplaceAllString(
		strings.ReplaceAll(strings.ReplaceAll(signedXML, ">bob<", ">mallory<"), role, admin), "")
	require.NotEqual(t, signedXML, unsigned)

	t.Run("a second unsigned assertion after the signed one", func(t *testing.T) {
		info, err := idp.VerifySAMLAssertion(rewrite(t, signed, func(s string) string {
			return strings.Replace(s, "</samlp:Response>", unsigned+"</samlp:Response>", 1)
		}), now)
		if err == nil {
			require.Equal(t, "bob", info.Subject, "read the unsigned assertion")
			require.NotContains(t, info.Roles, admin+","+idp.Arn)
		}
	})
	t.Run("a second unsigned assertion before the signed one", func(t *testing.T) {
		info, err := idp.VerifySAMLAssertion(rewrite(t, signed, func(s string) string {
			return strings.Replace(s, "<saml:Assertion ", unsigned+"<saml:Assertion ", 1)
		}), now)
		if err == nil {
			require.Equal(t, "bob", info.Subject, "read the unsigned assertion")
		}
	})
	t.Run("the unsigned assertion wrapped inside the signed one", func(t *testing.T) {
		_, err := idp.VerifySAMLAssertion(rewrite(t, signed, func(s string) string {
			return strings.Replace(s, "<saml:Subject>", strings.Replace(unsigned, "<saml:Assertion ", "<saml:Assertion ID=\"_wrap\" ", 1)+"<saml:Subject>", 1)
		}), now)
		require.Error(t, err)
	})
	t.Run("a comment inside the NameID", func(t *testing.T) {
		a := idp.Assertion("bob@example.com.evil.com", role, samlidp.SessionName("bob"))
		info, err := idp.VerifySAMLAssertion(rewrite(t, a, func(s string) string {
			return strings.Replace(s, ">bob@example.com.evil.com<", ">bob@example.com<!---->.evil.com<", 1)
		}), now)
		if err == nil {
			require.Equal(t, "bob@example.com.evil.com", info.Subject, "a comment cut the NameID")
		}
	})
	t.Run("a comment inside the RoleSessionName", func(t *testing.T) {
		a := idp.Assertion("bob", role, samlidp.SessionName("admin.evil"))
		info, err := idp.VerifySAMLAssertion(rewrite(t, a, func(s string) string {
			return strings.Replace(s, ">admin.evil<", ">admin<!---->.evil<", 1)
		}), now)
		if err == nil {
			require.Equal(t, "admin.evil", info.SessionName, "a comment cut the session name")
		}
	})
	t.Run("a comment inside the Issuer", func(t *testing.T) {
		a := idp.Assertion("bob", role)
		_, err := idp.VerifySAMLAssertion(rewrite(t, a, func(s string) string {
			return strings.Replace(s, ">https://idp.example.com/metadata<", ">https://idp.example.com/<!---->metadata<", 2)
		}), now)
		require.NoError(t, err, "a comment is not part of the signed text")
	})
	for name, tc := range map[string]struct{ assertion, code string }{
		"signed by another key": {idp.Assertion("bob", role, samlidp.SignedByAnotherKey()), "InvalidSignature"},
		"expired":               {idp.Assertion("bob", role, samlidp.Validity(now.Add(-time.Hour), now.Add(-time.Second))), "Expired"},
		"expires this second":   {idp.Assertion("bob", role, samlidp.Validity(now.Add(-time.Hour), now)), "Expired"},
		"subject after signing": {rewrite(t, signed, func(s string) string { return strings.Replace(s, ">bob<", ">mallory<", 1) }), "InvalidSignature"},
		"role after signing":    {rewrite(t, signed, func(s string) string { return strings.Replace(s, role+",", admin+",", 1) }), "InvalidSignature"},
		"signature removed": {rewrite(t, signed, func(s string) string {
			return regexp.MustCompile(`(?s)<ds:Signature.*</ds:Signature>`).ReplaceAllString(s, "")
		}), "InvalidSignature"},
		"only the unsigned one": {rewrite(t, signed, func(s string) string { return assertionRe.ReplaceAllLiteralString(s, unsigned) }), "InvalidSignature"},
		"a DOCTYPE with entities": {rewrite(t, signed, func(s string) string {
			return `<!DOCTYPE r [<!ENTITY a "bob">]>` + strings.Replace(s, ">bob<", ">&a;<", 1)
		}), "Invalid"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := idp.VerifySAMLAssertion(tc.assertion, now)
			require.Equal(t, tc.code, code(err))
		})
	}
}

func mustDecode(t *testing.T, s string) string {
	raw, err := base64.StdEncoding.DecodeString(s)
	require.NoError(t, err)
	return string(raw)
}
