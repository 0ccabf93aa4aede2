package samlidp_test

import (
	"fmt"

	"github.com/alibabacloud-go/tea/dara"

	"github.com/stsgo/sts"
	"github.com/stsgo/sts/ststest"
	"github.com/stsgo/sts/ststest/samlidp"
)

// ExampleRegister registers an identity provider with the fake, has it mint a signed
// assertion for alice, and trades that for the role's credentials without any
// AccessKey, as AssumeRoleWithSAML does.
func ExampleRegister() {
	srv := ststest.NewServer()
	defer srv.Close()
	idp := samlidp.Register(srv, ststest.DefaultAccountID, "adfs", "https://idp.example.com/metadata")
	srv.Trust(srv.Role().Arn, idp.Arn)

	anon, _ := sts.NewClient(&sts.Config{Endpoint: dara.String(srv.Endpoint()), Protocol: dara.String("HTTP")})
	resp, err := anon.AssumeRoleWithSAML(new(sts.AssumeRoleWithSAMLRequest).SetRoleArn(srv.Role().Arn).SetSAMLProviderArn(idp.Arn).
		SetSAMLAssertion(idp.Assertion("alice@example.com", srv.Role().Arn, samlidp.SessionName("alice"))))
	fmt.Println(idp.Arn, err)
	fmt.Println(*resp.Body.AssumedRoleUser.Arn, *resp.Body.SAMLAssertionInfo.Issuer)
	// Output:
	// acs:ram::1234567890123456:saml-provider/adfs <nil>
	// acs:ram::1234567890123456:assumed-role/test-role/alice https://idp.example.com/metadata
}
