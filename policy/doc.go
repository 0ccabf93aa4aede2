// Package policy builds, checks and encodes RAM session policies: the Policy
// parameter of AssumeRole, AssumeRoleWithOIDC and AssumeRoleWithSAML, which narrows
// what the role's credentials may do.
//
// Three things go wrong when such a policy is written with string formatting, and
// this package closes each:
//
//   - Untrusted names widen the grant. A user name "*" spliced into
//     acs:oss:*:*:bucket/uploads/<user>/* grants every user's prefix. OSSBucket,
//     OSSObjects, OSSPrefix and ARN take untrusted segments and refuse any that holds
//     a wildcard, a path separator, "..", a policy variable or any character outside
//     a small ASCII set, with a *SegmentError naming the segment and the rule.
//   - Grammar errors surface only at the service, as InvalidParameter.PolicyGrammar.
//     Validate and Parse hold a policy to RAM's grammar (Version "1", Effect Allow or
//     Deny, service-prefixed actions, ARN resources, known condition operators) and
//     the 2048-character limit, with an *Error naming the statement and element.
//   - Equal policies spelled differently are different strings, so a cache keyed by
//     the string holds two sessions for one policy. String gives one canonical,
//     compact encoding: elements in a fixed order, lists whose order RAM ignores
//     sorted and without duplicates, no HTML escaping; the size limit is measured on
//     it, so send String. (MarshalJSON returns the same bytes, but json.Marshal then
//     escapes & < > as \u0026, six characters each, as it does for every value.)
//     Normalize turns a hand-written policy into that form; stscreds.SessionCache
//     keys and sends sessions by it.
//
// A per-user upload policy:
//
//	objects, err := policy.OSSObjects("example-uploads", "uploads", user)
//	if err != nil {
//		return err // user holds a character that could widen the grant
//	}
//	p := policy.New(policy.Statement{
//		Effect:   policy.Allow,
//		Action:   []string{"oss:PutObject"},
//		Resource: []string{objects},
//	})
//	if err := p.Validate(); err != nil {
//		return err
//	}
//	req.SetPolicy(p.String())
//
// The grammar follows Alibaba Cloud's RAM documentation, "Policy structure and
// syntax" (alibabacloud.com/help/doc-detail/93739) and "Policy elements"
// (doc-detail/93738), and its list of conditional operators
// (alibabacloud.com/help/en/ram/conditional-operator).
package policy
