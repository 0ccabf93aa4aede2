package sts

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	util "github.com/alibabacloud-go/tea-utils/v2/service"

	"github.com/stsgo/sts/internal/protocol"
	"github.com/stsgo/sts/internal/signer"
)

// Config is darabonba-openapi's Config, so that a Config built for the official client
// builds this one. See NewClient for which fields are honoured.
type Config = openapi.Config

// RuntimeOptions is tea-utils' RuntimeOptions (the same type as the official SDK's
// dara.RuntimeOptions): per-call settings. See AssumeRoleWithOptions for which fields
// are honoured.
type RuntimeOptions = util.RuntimeOptions

// GlobalParameters are headers and query parameters that Config adds to every request.
type GlobalParameters = openapi.GlobalParameters

// ExtendsParameters are headers and query parameters that RuntimeOptions adds to one
// call.
type ExtendsParameters = util.ExtendsParameters

// apiVersion is the STS API version every request names.
const apiVersion = protocol.APIVersion

// Client calls STS. It is safe for concurrent use, and meant to be built once and
// shared: it keeps its connections alive between calls.
type Client struct {
	endpoint  string // host[:port]
	scheme    string // "https", or "http" for loopback or with WithInsecureHTTP
	algorithm string // signer.HMACSHA1 (V1) or an ACS3 algorithm
	// emptyPayloadHash is x-acs-content-sha256 for the empty body every request has:
	// the hex hash under the algorithm's hash function (SM3 for ACS3-HMAC-SM3).
	emptyPayloadHash string
	userAgent        string
	httpClient       *http.Client      // from WithHTTPClient; nil: transport
	transport        http.RoundTripper // the client's own, used without http.Client
	creds            *credentialSource
	retry            RetryPolicy
	logger           *slog.Logger // nil: no logging
	now              func() time.Time
	lastStamp        atomic.Pointer[stamp]      // the last timestamp signed, see timestamp
	lastDate         atomic.Pointer[dateSample] // the service's clock, see observeDate
	signOffset       atomic.Int64               // nanoseconds added to the signed time
	correctSkew      bool                       // WithClockSkewCorrection
	limiter          RateLimiter                // WithRateLimiter; nil: none
	nonce            func() string
	readTimeout      time.Duration // per attempt
	connectTimeout   time.Duration // of the client's own transport; 0 with WithHTTPClient
	globalQueries    []signer.Param
	globalHeaders    []signer.Param
	maxBodyBytes     int64
}

// Endpoint returns the host (and port, if any) the client sends its requests to.
func (c *Client) Endpoint() string { return c.endpoint }

// operation is what the wire layer needs to know of an STS action.
type operation struct {
	action    string
	anonymous bool // sent unsigned: the token in the request is the credential
}

var (
	opAssumeRole         = operation{action: "AssumeRole"}
	opAssumeRoleWithSAML = operation{action: "AssumeRoleWithSAML", anonymous: true}
	opAssumeRoleWithOIDC = operation{action: "AssumeRoleWithOIDC", anonymous: true}
	opGetCallerIdentity  = operation{action: "GetCallerIdentity"}
)

// AssumeRole returns temporary credentials for a role the caller is trusted to assume.
// It is AssumeRoleWithContext with context.Background() and default runtime options.
func (c *Client) AssumeRole(request *AssumeRoleRequest) (*AssumeRoleResponse, error) {
	return c.AssumeRoleWithContext(context.Background(), request, nil)
}

// AssumeRoleWithOptions is AssumeRole with per-call runtime options; nil means the
// client's defaults. Honoured: Autoretry (false sends once), MaxAttempts,
// BackoffPolicy ("no", "fixed", "random" or "exponential") and BackoffPeriod (seconds,
// as in tea), ReadTimeout and ConnectTimeout (milliseconds; zero or less means the
// client's, as in Config), HttpProxy, HttpsProxy,
// NoProxy, and ExtendsParameters (extra headers and query parameters, signed). Any
// other field that is set is refused with a *ValidationError.
func (c *Client) AssumeRoleWithOptions(request *AssumeRoleRequest, runtime *RuntimeOptions) (*AssumeRoleResponse, error) {
	return c.AssumeRoleWithContext(context.Background(), request, runtime)
}

// AssumeRoleWithContext is AssumeRoleWithOptions bounded by ctx: the credential fetch,
// every attempt and every back-off between them end when ctx does.
func (c *Client) AssumeRoleWithContext(ctx context.Context, request *AssumeRoleRequest, runtime *RuntimeOptions) (*AssumeRoleResponse, error) {
	if err := request.Validate(); err != nil {
		return nil, err
	}
	params := make([]signer.Param, 0, 6)
	params = appendInt(params, "DurationSeconds", request.DurationSeconds)
	params = appendString(params, "ExternalId", request.ExternalId)
	params = appendString(params, "Policy", request.Policy)
	params = appendString(params, "RoleArn", request.RoleArn)
	params = appendString(params, "RoleSessionName", request.RoleSessionName)
	params = appendString(params, "SourceIdentity", request.SourceIdentity)
	return call[AssumeRoleResponseBody](ctx, c, opAssumeRole, params, runtime)
}

// AssumeRoleWithSAML trades a SAML assertion for a role's temporary credentials. The
// request is not signed and needs no credentials of the client's: the assertion is
// the credential. It is AssumeRoleWithSAMLWithContext with context.Background().
func (c *Client) AssumeRoleWithSAML(request *AssumeRoleWithSAMLRequest) (*AssumeRoleWithSAMLResponse, error) {
	return c.AssumeRoleWithSAMLWithContext(context.Background(), request, nil)
}

// AssumeRoleWithSAMLWithOptions is AssumeRoleWithSAML with per-call runtime options,
// as for AssumeRoleWithOptions.
func (c *Client) AssumeRoleWithSAMLWithOptions(request *AssumeRoleWithSAMLRequest, runtime *RuntimeOptions) (*AssumeRoleWithSAMLResponse, error) {
	return c.AssumeRoleWithSAMLWithContext(context.Background(), request, runtime)
}

// AssumeRoleWithSAMLWithContext is AssumeRoleWithSAMLWithOptions bounded by ctx.
func (c *Client) AssumeRoleWithSAMLWithContext(ctx context.Context, request *AssumeRoleWithSAMLRequest, runtime *RuntimeOptions) (*AssumeRoleWithSAMLResponse, error) {
	if err := request.Validate(); err != nil {
		return nil, err
	}
	params := make([]signer.Param, 0, 5)
	params = appendInt(params, "DurationSeconds", request.DurationSeconds)
	params = appendString(params, "Policy", request.Policy)
	params = appendString(params, "RoleArn", request.RoleArn)
	params = appendString(params, "SAMLAssertion", request.SAMLAssertion)
	params = appendString(params, "SAMLProviderArn", request.SAMLProviderArn)
	return call[AssumeRoleWithSAMLResponseBody](ctx, c, opAssumeRoleWithSAML, params, runtime)
}

// AssumeRoleWithOIDC trades an OIDC token (such as a Kubernetes service account token
// under ACK RRSA) for a role's temporary credentials. The request is not signed and
// needs no credentials of the client's. It is AssumeRoleWithOIDCWithContext with
// context.Background().
func (c *Client) AssumeRoleWithOIDC(request *AssumeRoleWithOIDCRequest) (*AssumeRoleWithOIDCResponse, error) {
	return c.AssumeRoleWithOIDCWithContext(context.Background(), request, nil)
}

// AssumeRoleWithOIDCWithOptions is AssumeRoleWithOIDC with per-call runtime options,
// as for AssumeRoleWithOptions.
func (c *Client) AssumeRoleWithOIDCWithOptions(request *AssumeRoleWithOIDCRequest, runtime *RuntimeOptions) (*AssumeRoleWithOIDCResponse, error) {
	return c.AssumeRoleWithOIDCWithContext(context.Background(), request, runtime)
}

// AssumeRoleWithOIDCWithContext is AssumeRoleWithOIDCWithOptions bounded by ctx.
func (c *Client) AssumeRoleWithOIDCWithContext(ctx context.Context, request *AssumeRoleWithOIDCRequest, runtime *RuntimeOptions) (*AssumeRoleWithOIDCResponse, error) {
	if err := request.Validate(); err != nil {
		return nil, err
	}
	params := make([]signer.Param, 0, 6)
	params = appendInt(params, "DurationSeconds", request.DurationSeconds)
	params = appendString(params, "OIDCProviderArn", request.OIDCProviderArn)
	params = appendString(params, "OIDCToken", request.OIDCToken)
	params = appendString(params, "Policy", request.Policy)
	params = appendString(params, "RoleArn", request.RoleArn)
	params = appendString(params, "RoleSessionName", request.RoleSessionName)
	return call[AssumeRoleWithOIDCResponseBody](ctx, c, opAssumeRoleWithOIDC, params, runtime)
}

// GetCallerIdentity says whose credentials signed the request: an account, a RAM user
// or an assumed-role session. It is GetCallerIdentityWithContext with
// context.Background().
func (c *Client) GetCallerIdentity() (*GetCallerIdentityResponse, error) {
	return c.GetCallerIdentityWithContext(context.Background(), nil)
}

// GetCallerIdentityWithOptions is GetCallerIdentity with per-call runtime options, as
// for AssumeRoleWithOptions.
func (c *Client) GetCallerIdentityWithOptions(runtime *RuntimeOptions) (*GetCallerIdentityResponse, error) {
	return c.GetCallerIdentityWithContext(context.Background(), runtime)
}

// GetCallerIdentityWithContext is GetCallerIdentityWithOptions bounded by ctx.
func (c *Client) GetCallerIdentityWithContext(ctx context.Context, runtime *RuntimeOptions) (*GetCallerIdentityResponse, error) {
	return call[GetCallerIdentityResponseBody](ctx, c, opGetCallerIdentity, nil, runtime)
}

// appendString adds a parameter that is set.
func appendString(params []signer.Param, name string, v *string) []signer.Param {
	if v == nil {
		return params
	}
	return append(params, signer.Param{Name: name, Value: *v})
}

// appendInt adds a numeric parameter that is set.
func appendInt(params []signer.Param, name string, v *int64) []signer.Param {
	if v == nil {
		return params
	}
	return append(params, signer.Param{Name: name, Value: strconv.FormatInt(*v, 10)})
}
