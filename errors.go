package sts

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/alibabacloud-go/tea/tea"

	"github.com/stsgo/sts/internal/protocol"
)

// ServiceError is an error answer to a request that reached STS, or something in front
// of it: the HTTP status and whatever the body said. Find it with errors.As.
//
// A body that is not STS's JSON (an HTML page from a proxy, a truncated reply) still
// gives a ServiceError, with an empty Code and a short excerpt of the body in Message.
type ServiceError struct {
	// Action is the operation that failed, such as "AssumeRole".
	Action string
	// StatusCode is the HTTP status; 200 when the body of a 200 reply carried a Code.
	StatusCode int
	// Code is the service's error code, such as "NoPermission" or "Throttling.User".
	Code string
	// Message is the service's explanation.
	Message string
	// RequestId identifies the request to Alibaba Cloud support: from the body, or
	// else from the x-acs-request-id header.
	RequestId string
	// HostId is the endpoint that answered.
	HostId string
	// Recommend is a link to Alibaba Cloud's troubleshooting page for this error.
	Recommend string
	// AccessDeniedDetail says which policy denied what, when the service says so.
	AccessDeniedDetail *AccessDeniedDetail
	// RetryAfter is the back-off the service asked for with x-acs-retry-after (or the
	// older x-ratelimit headers); zero when it asked for none.
	RetryAfter time.Duration
	// ClockSkew is set when the service refused the request's timestamp
	// (InvalidTimeStamp.Expired): how far the service's clock was ahead of this
	// machine's (negative: behind), measured from the answer's Date header. A wrong
	// local clock is the usual cause.
	ClockSkew time.Duration

	// final marks an answer that sending the request again cannot mend, whatever its
	// status: one larger than the client reads.
	final bool
}

// AccessDeniedDetail is the service's account of an authorization failure.
type AccessDeniedDetail struct {
	AuthAction               string `json:"AuthAction,omitempty"`
	AuthPrincipalType        string `json:"AuthPrincipalType,omitempty"`
	AuthPrincipalOwnerId     string `json:"AuthPrincipalOwnerId,omitempty"`
	AuthPrincipalDisplayName string `json:"AuthPrincipalDisplayName,omitempty"`
	PolicyType               string `json:"PolicyType,omitempty"`
	NoPermissionType         string `json:"NoPermissionType,omitempty"`
	EncodedDiagnosticMessage string `json:"EncodedDiagnosticMessage,omitempty"`
}

// Error returns "sts: <Action>: <Code>: <Message> (status <n>, request id <id>)",
// followed by how far off this machine's clock is when the service refused a
// timestamp.
func (e *ServiceError) Error() string {
	var b strings.Builder
	b.WriteString("sts: ")
	if e.Action != "" {
		b.WriteString(e.Action)
		b.WriteString(": ")
	}
	if e.Code != "" {
		b.WriteString(e.Code)
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	b.WriteString(" (status ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	if e.RequestId != "" {
		b.WriteString(", request id ")
		b.WriteString(e.RequestId)
	}
	b.WriteByte(')')
	if e.ClockSkew != 0 {
		b.WriteString("; this machine's clock is ")
		if e.ClockSkew > 0 {
			b.WriteString((e.ClockSkew).String() + " behind")
		} else {
			b.WriteString((-e.ClockSkew).String() + " ahead of")
		}
		b.WriteString(" the service's")
	}
	return b.String()
}

// ErrorCode returns Code.
func (e *ServiceError) ErrorCode() string { return e.Code }

// HTTPStatusCode returns StatusCode.
func (e *ServiceError) HTTPStatusCode() int { return e.StatusCode }

// Throttling reports whether the service refused the request for its rate: a
// Throttling code, ServiceUnavailable, or a retry-after header on any error.
func (e *ServiceError) Throttling() bool {
	return strings.HasPrefix(e.Code, "Throttling") || e.Code == "ServiceUnavailable" || e.RetryAfter > 0
}

// Retryable reports whether the same request may succeed if sent again: throttling,
// a server error (5xx), or a nonce that happened to be used before (a retry sends a
// new one). Other client errors (4xx) never are, nor an answer too large to read.
func (e *ServiceError) Retryable() bool {
	if e.final {
		return false
	}
	return e.Throttling() || e.StatusCode >= 500 || e.Code == "SignatureNonceUsed"
}

// AuthFailure reports whether the caller's identity or permissions were refused: an
// unknown, inactive or mismatched key, a bad signature or token, or no permission.
func (e *ServiceError) AuthFailure() bool {
	for _, prefix := range []string{
		"InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidSecurityToken",
		"MissingSecurityToken", "NoPermission", "AuthenticationFail", "Forbidden",
	} {
		if strings.HasPrefix(e.Code, prefix) {
			return true
		}
	}
	return e.StatusCode == 401 || e.StatusCode == 403
}

// IsThrottling reports whether err is, or wraps, a throttling ServiceError.
func IsThrottling(err error) bool {
	var se *ServiceError
	return errors.As(err, &se) && se.Throttling()
}

// IsRetryable reports whether err is, or wraps, a retryable ServiceError or an error
// of the network (connection refused or reset, a timeout of one attempt).
func IsRetryable(err error) bool {
	var se *ServiceError
	if errors.As(err, &se) {
		return se.Retryable()
	}
	var te *TransportError
	return errors.As(err, &te)
}

// TransportError is a failure to exchange a request and its response with the
// endpoint: no connection, a reset, a timeout of one attempt, a body cut short. It
// wraps the cause, which errors.Is and errors.As find. Its text never carries the
// request's query.
//
// When the attempt's read or connect timeout or the caller's context ended it, the
// cause says which ("read timeout 10s exceeded", "connect timeout 5s exceeded dialing
// <address>", "context deadline exceeded (the caller's deadline)") and is still
// context.DeadlineExceeded (or context.Canceled) for errors.Is.
type TransportError struct {
	Action   string
	Endpoint string
	Err      error
	// Attempts is how many times the call sent its request, retries included; zero
	// for the error of one attempt that the call went on to retry.
	Attempts int
}

// Error returns "sts: <Action> <Endpoint>: <cause>", followed by " after <n>
// attempts" when Attempts is set.
func (e *TransportError) Error() string {
	s := "sts: " + e.Action + " " + e.Endpoint + ": " + e.Err.Error()
	if e.Attempts > 0 {
		s += " after " + attemptsText(e.Attempts)
	}
	return s
}

// attemptsText returns "1 attempt" or "<n> attempts".
func attemptsText(n int) string {
	if n == 1 {
		return "1 attempt"
	}
	return strconv.Itoa(n) + " attempts"
}

// endedError says which deadline or cancellation ended an attempt; errors.Is finds
// the context's error in it.
type endedError struct {
	what  string // "read timeout 10s exceeded", "context canceled", ...
	err   error  // context.DeadlineExceeded or context.Canceled
	cause error  // the network's own error, if any (a dial's *net.OpError)
}

func (e *endedError) Error() string { return e.what }

// Unwrap returns the context's error and the network's own, for errors.Is and
// errors.As.
func (e *endedError) Unwrap() []error {
	if e.cause == nil {
		return []error{e.err}
	}
	return []error{e.err, e.cause}
}

// Unwrap returns the cause, for errors.Is and errors.As.
func (e *TransportError) Unwrap() error { return e.Err }

// ValidationError reports a request or configuration that breaks a rule; it is found
// before anything is sent. It names the field and the rule, never the value, which
// may be a secret.
type ValidationError struct {
	// Field is the offending field, such as "AssumeRoleRequest.RoleSessionName" or
	// "Config.Protocol".
	Field string
	// Rule says what the field must be.
	Rule string

	// code is the service's error code for the same input; empty for a field the
	// service never sees (Config, RuntimeOptions).
	code string
}

// Error returns "sts: invalid <Field>: <Rule>".
func (e *ValidationError) Error() string {
	return "sts: invalid " + e.Field + ": " + e.Rule
}

// As lets errors.As fill a *tea.SDKError (github.com/alibabacloud-go/tea/tea) from e,
// the way the official client fills the errors it returns, so that code written
// against it keeps working: Code, StatusCode, Message ("code: <status>, <Message>
// request id: <RequestId>"), Data (the error body's JSON, scrubbed of the call's
// secrets as every field here is) and AccessDeniedDetail. A type assertion,
// err.(*tea.SDKError), cannot work; use errors.As.
func (e *ServiceError) As(target any) bool {
	p, ok := target.(**tea.SDKError)
	if !ok {
		return false
	}
	var detail map[string]any
	if d := e.AccessDeniedDetail; d != nil {
		detail = nonEmpty(map[string]string{"AuthAction": d.AuthAction, "AuthPrincipalType": d.AuthPrincipalType,
			"AuthPrincipalOwnerId": d.AuthPrincipalOwnerId, "AuthPrincipalDisplayName": d.AuthPrincipalDisplayName,
			"PolicyType": d.PolicyType, "NoPermissionType": d.NoPermissionType, "EncodedDiagnosticMessage": d.EncodedDiagnosticMessage})
	}
	*p = sdkError(e.StatusCode, e.Code, e.Message, e.RequestId, e.HostId, e.Recommend, detail)
	return true
}

// As lets errors.As fill a *tea.SDKError from e with what the service answers the
// same bad input, so that code written against the official client, which sends the
// request and gets the service's error, keeps working: StatusCode 400, Code
// MissingParameter for a required field left out (Message `The input parameter
// "RoleArn" that is mandatory for processing this request is not supplied.`), else
// InvalidParameter.<name> (Message "The parameter <name> is wrongly formed."), or
// InvalidParameter.PolicySize or InvalidParameter.PolicyGrammar for a Policy too long
// or empty; the request ID is empty, since nothing was sent. Of several broken fields,
// errors.As finds the one the service reports first. It fills nothing for a
// ValidationError of a Config or RuntimeOptions field, or of a nil request, which the
// official client does not send either.
func (e *ValidationError) As(target any) bool {
	p, ok := target.(**tea.SDKError)
	if !ok || e.code == "" {
		return false
	}
	_, name, _ := strings.Cut(e.Field, ".")
	*p = sdkError(400, e.code, protocol.ParameterMessage(e.code, name), "", "", "", nil)
	return true
}

// sdkError builds the *tea.SDKError the official client returns for an error answer
// with these fields; empty ones are left out of Data, as the service leaves them out
// of its body.
func sdkError(status int, code, message, requestID, hostID, recommend string, detail map[string]any) *tea.SDKError {
	body := nonEmpty(map[string]string{"Code": code, "Message": message, "RequestId": requestID, "HostId": hostID, "Recommend": recommend})
	fields := map[string]any{
		"code":       code,
		"statusCode": status,
		"message":    "code: " + strconv.Itoa(status) + ", " + message + " request id: " + requestID,
		"data":       body,
	}
	if detail != nil {
		body["AccessDeniedDetail"] = detail
		fields["accessDeniedDetail"] = detail
	}
	return tea.NewSDKError(fields)
}

// nonEmpty returns the fields of m that are not empty.
func nonEmpty(m map[string]string) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		if v != "" {
			out[k] = v
		}
	}
	return out
}
