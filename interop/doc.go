// Package interop holds the tests and benchmarks that run Alibaba Cloud's official STS
// SDK (github.com/alibabacloud-go/sts-20150401/v2) beside this module's client. It is a
// module of its own so that users of github.com/stsgo/sts never download the official
// SDK.
package interop
