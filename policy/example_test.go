package policy_test

import (
	"errors"
	"fmt"

	"github.com/stsgo/sts/policy"
)

// A token vending service narrows each user's credentials to the user's own prefix.
func Example() {
	user := "alice" // from the service's own authentication
	objects, err := policy.OSSObjects("example-uploads", "uploads", user)
	if err != nil {
		fmt.Println(err)
		return
	}
	p := policy.New(policy.Statement{
		Effect:   policy.Allow,
		Action:   []string{"oss:PutObject"},
		Resource: []string{objects},
	})
	if err := p.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p) // give p.String() to AssumeRoleRequest.SetPolicy
	// Output:
	// {"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:PutObject","Resource":"acs:oss:*:*:example-uploads/uploads/alice/*"}]}
}

func ExampleOSSObjects() {
	fmt.Println(policy.OSSObjects("example-uploads", "uploads", "alice"))
	_, err := policy.OSSObjects("example-uploads", "uploads", "*")
	fmt.Println(err)
	var se *policy.SegmentError
	fmt.Println(errors.As(err, &se), se.Segment)
	// Output:
	// acs:oss:*:*:example-uploads/uploads/alice/* <nil>
	// policy: segment 2 "*": holds a wildcard (* or ?)
	// true segment 2
}

func ExampleOSSBucket() {
	fmt.Println(policy.OSSBucket("example-uploads"))
	fmt.Println(policy.OSSBucket("Example_Uploads"))
	// Output:
	// acs:oss:*:*:example-uploads <nil>
	//  policy: bucket "Example_Uploads": an OSS bucket name is lower-case letters, digits and '-'
}

// A user may list only the objects under their own prefix.
func ExampleOSSPrefix() {
	bucket, _ := policy.OSSBucket("example-uploads")
	prefix, err := policy.OSSPrefix("uploads", "alice")
	if err != nil {
		fmt.Println(err)
		return
	}
	p := policy.New(policy.Statement{
		Effect:    policy.Allow,
		Action:    []string{"oss:ListObjects"},
		Resource:  []string{bucket},
		Condition: policy.Condition{policy.StringLike: {policy.KeyOSSPrefix: {prefix + "*"}}},
	})
	fmt.Println(p.Validate())
	fmt.Println(p)
	// Output:
	// <nil>
	// {"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:ListObjects","Resource":"acs:oss:*:*:example-uploads","Condition":{"StringLike":{"oss:Prefix":"uploads/alice/*"}}}]}
}

func ExampleARN() {
	fmt.Println(policy.ARN("ecs", "cn-hangzhou", "1234567890123456", "instance", "i-abc"))
	fmt.Println(policy.ARN("ecs", "cn-hangzhou", "1234567890123456", "instance", "i-*"))
	// Output:
	// acs:ecs:cn-hangzhou:1234567890123456:instance/i-abc <nil>
	//  policy: segment 2 "i-*": holds a wildcard (* or ?)
}

func ExamplePolicy_Validate() {
	p := policy.New(
		policy.Statement{Effect: policy.Allow, Action: []string{"oss:GetObject"}, Resource: []string{"*"}},
		policy.Statement{Effect: policy.Allow, Action: []string{"PutObject"}, Resource: []string{"*"}},
	)
	fmt.Println(p.Validate())
	// Output:
	// policy: Statement[1].Action[0]: "PutObject" has no service prefix (<service>:<operation>, e.g. oss:GetObject)
}

// Parse reads a hand-written policy; its String is the canonical form, the same for
// every spelling of the policy.
func ExampleParse() {
	p, err := policy.Parse(`{
		"Statement": [{
			"Resource": ["acs:oss:*:*:example-uploads/*"],
			"Action": ["oss:PutObject", "oss:GetObject", "oss:PutObject"],
			"Effect": "Allow"
		}],
		"Version": "1"
	}`)
	fmt.Println(p, err)
	_, err = policy.Parse(`{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:GetObject","Resource":"mybucket/*"}]}`)
	fmt.Println(err)
	// Output:
	// {"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:GetObject","oss:PutObject"],"Resource":"acs:oss:*:*:example-uploads/*"}]} <nil>
	// policy: Statement[0].Resource[0]: "mybucket/*" is neither "*" nor an ARN (acs:<service>:<region>:<account>:<resource>)
}

func ExampleNormalize() {
	fmt.Println(policy.Normalize(`{ "Version": "1", "Statement": [ { "Effect": "Allow", "Action": [ "oss:GetObject" ], "Resource": [ "*" ] } ] }`))
	fmt.Println(policy.Normalize(`{not a policy`))
	// Output:
	// {"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:GetObject","Resource":"*"}]}
	// {not a policy
}
