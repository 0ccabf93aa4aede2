package sts

import (
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
// dara.RuntimeOptions): per-call settings, given to the WithOptions and WithContext
// entry points; nil means the client's defaults. Honoured: Autoretry (false sends
// once), MaxAttempts, BackoffPolicy ("no", "fixed", "random" or "exponential") and
// BackoffPeriod (seconds, as in tea), ReadTimeout and ConnectTimeout (milliseconds;
// zero or less means the client's, as in Config), HttpProxy, HttpsProxy, NoProxy, and
// ExtendsParameters (extra headers and query parameters, signed). Any other field
// that is set is refused with a *ValidationError.
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

// operation is what the wire layer needs to know of an STS action. The operations
// (opAssumeRole and the others) are in client_gen.go.
type operation struct {
	action    string
	anonymous bool // sent unsigned: the token in the request is the credential
}

// appendString adds a parameter that is set; the generated params methods call it.
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
