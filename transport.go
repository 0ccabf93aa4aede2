package sts

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/stsgo/sts/internal/signer"
)

// call sends one operation, retrying as the call's settings allow, and decodes the
// response into a Response[B].
func call[B any](ctx context.Context, c *Client, op operation, params []signer.Param, runtime *RuntimeOptions) (*Response[B], error) {
	s, err := c.settings(runtime)
	if err != nil {
		return nil, err
	}
	params = mergeParams(nil, c.globalQueries, s.queries, params)
	var cred credential
	if !op.anonymous {
		if cred, err = c.creds.get(ctx); err != nil {
			return nil, fmt.Errorf("sts: %s: %w", op.action, err)
		}
	}
	ctx = withCallSettings(ctx, &s)
	var m mends
	for attempt, sent := 1, 1; ; sent++ {
		resp, err := attemptOnce[B](ctx, c, op, params, &s, cred, sent)
		if err == nil {
			return resp, nil
		}
		var se *ServiceError
		errors.As(err, &se)
		if again, ferr := c.mend(ctx, op, se, &m, &cred); ferr != nil {
			return nil, ferr
		} else if again {
			continue // not an attempt of the retry policy's: the request has changed
		}
		if attempt >= s.attempts || !IsRetryable(err) || ctx.Err() != nil {
			return nil, err
		}
		var retryAfter time.Duration
		if se != nil {
			retryAfter = se.RetryAfter
		}
		if !sleep(ctx, s.backoff.delay(attempt, retryAfter)) {
			return nil, fmt.Errorf("sts: %s: %w while waiting to retry; attempt %d: %w", op.action, ctx.Err(), attempt, err)
		}
		attempt++
	}
}

// mends records which repairs a call has made; each is made once per call.
type mends struct{ clock, credential bool }

// mend repairs what a refusal shows to be wrong on this side, and reports whether the
// request is to be sent again at once:
//   - a timestamp refused (InvalidTimeStamp.Expired): the error gets the clock offset
//     measured from the answer; with skew correction on, later requests are signed
//     with the corrected time;
//   - credentials the service no longer accepts (an expired token, an unknown key):
//     when the client's Credential can be invalidated (stscreds caches can), it is,
//     and the call fetches credentials anew. An error is that fetch's.
func (c *Client) mend(ctx context.Context, op operation, se *ServiceError, m *mends, cred *credential) (bool, error) {
	if se == nil {
		return false, nil
	}
	if se.Code == "InvalidTimeStamp.Expired" {
		se.ClockSkew = c.ClockOffset()
	}
	if ctx.Err() != nil {
		return false, nil
	}
	switch se.Code {
	case "InvalidTimeStamp.Expired":
		if !c.correctSkew || m.clock || time.Duration(c.signOffset.Load()) == se.ClockSkew {
			return false, nil
		}
		m.clock = true
		c.signOffset.Store(int64(se.ClockSkew))
		if c.logger != nil {
			c.logger.LogAttrs(ctx, slog.LevelWarn, "sts: the service refused the request's timestamp; signing with the service's time from now on",
				slog.String("action", op.action), slog.Duration("clock_offset", se.ClockSkew), slog.String("request_id", se.RequestId))
		}
		return true, nil
	case "InvalidSecurityToken.Expired", "InvalidAccessKeyId.NotFound":
		inv, ok := c.creds.provider.(interface{ Invalidate() })
		if op.anonymous || !ok || m.credential {
			return false, nil
		}
		m.credential = true
		inv.Invalidate()
		fresh, err := c.creds.get(ctx)
		if err != nil {
			return false, fmt.Errorf("sts: %s: the service refused the credentials (%s) and fetching them anew failed: %w", op.action, se.Code, err)
		}
		*cred = fresh
		return true, nil
	}
	return false, nil
}

// attemptOnce sends the request once, with a fresh timestamp and nonce, and decodes
// the answer.
func attemptOnce[B any](ctx context.Context, c *Client, op operation, params []signer.Param, s *callSettings, cred credential, attempt int) (*Response[B], error) {
	if c.limiter != nil {
		if err := c.limiter.Wait(ctx); err != nil {
			return nil, &RateLimitError{Action: op.action, Err: err}
		}
	}
	var start time.Time
	if c.logger != nil {
		start = time.Now()
	}
	if s.readTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.readTimeout)
		defer cancel()
	}
	resp, err := c.roundTrip(c.newRequest(ctx, op, params, s, cred))
	if err != nil {
		err = transportError(op, c.endpoint, err)
		c.logAttempt(ctx, op, attempt, 0, "", start, err)
		return nil, err
	}
	c.observeDate(resp.Header)
	buf := getBuffer()
	defer putBuffer(buf)
	err = readBody(buf, resp, c.maxBodyBytes)
	requestID := resp.Header.Get("X-Acs-Request-Id")
	var out *Response[B]
	switch {
	case errors.Is(err, errBodyTooLarge):
		err = &ServiceError{Action: op.action, StatusCode: resp.StatusCode, RequestId: requestID,
			Message: fmt.Sprintf("the response body is larger than %d bytes", c.maxBodyBytes), final: true}
	case err != nil:
		err = transportError(op, c.endpoint, err)
	default:
		out, err = decode[B](op, resp, buf.Bytes(), requestID, func(s string) string { return scrub(s, cred, params) })
	}
	c.logAttempt(ctx, op, attempt, resp.StatusCode, requestID, start, err)
	return out, err
}

// newRequest builds and signs one attempt's HTTP request, the way the official SDK
// lays it out: every parameter in the query, an empty body; V3 signs headers, V1 and
// the anonymous operations sign (or carry unsigned) RPC common parameters.
func (c *Client) newRequest(ctx context.Context, op operation, params []signer.Param, s *callSettings, cred credential) *http.Request {
	timestamp := c.timestamp()
	nonce := c.nonce()
	extra := mergeParams(nil, c.globalHeaders, s.headers, nil)

	// The headers the protocol adds: x-acs-action and x-acs-version for RPC; the
	// signed ones (but host, sent as req.Host) and Authorization for V3.
	var buf [16]signer.Param
	protocol := append(buf[:0], signer.Param{Name: "x-acs-action", Value: op.action}, signer.Param{Name: "x-acs-version", Value: apiVersion})
	var query string
	if op.anonymous || c.algorithm == signer.HMACSHA1 {
		query = c.rpcQuery(op, params, timestamp, nonce, cred)
	} else {
		var auth string
		query, auth, protocol = c.signACS3(op, params, extra, cred, timestamp, nonce, buf[:0])
		protocol = append(protocol, signer.Param{Name: "Authorization", Value: auth})
	}

	// All header values share one backing array: one allocation, not one per header.
	// Each value is a full slice (len = cap = 1), so appending to one copies it. The
	// map is made for its exact size: up to eight entries it is a single group.
	n := 2 + len(extra) + len(protocol)
	values := make([]string, 0, n)
	h := make(http.Header, n)
	set := func(name, value string) {
		values = append(values, value)
		h[name] = values[len(values)-1 : len(values) : len(values)]
	}
	set("User-Agent", c.userAgent)
	set("Accept", "application/json")
	for _, p := range extra {
		set(p.Name, p.Value)
	}
	for _, p := range protocol {
		if p.Name != "host" {
			set(p.Name, p.Value)
		}
	}
	req := &http.Request{
		Method:     http.MethodPost,
		URL:        &url.URL{Scheme: c.scheme, Host: c.endpoint, Path: "/", RawQuery: query},
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     h,
		Host:       c.endpoint,
	}
	return req.WithContext(ctx)
}

// signACS3 signs a request with the client's V3 algorithm. It returns the query string,
// the Authorization value, and the signed headers (appended to signed), which the
// request must carry as they are.
func (c *Client) signACS3(op operation, params, extra []signer.Param, cred credential, timestamp, nonce string, signed []signer.Param) (query, authorization string, headers []signer.Param) {
	var qb [512]byte
	canonicalQuery := signer.AppendCanonicalQuery(qb[:0], params)
	signed = append(signed,
		signer.Param{Name: "host", Value: c.endpoint},
		signer.Param{Name: "x-acs-action", Value: op.action},
		signer.Param{Name: "x-acs-content-sha256", Value: c.emptyPayloadHash},
		signer.Param{Name: "x-acs-date", Value: timestamp},
		signer.Param{Name: "x-acs-signature-nonce", Value: nonce},
		signer.Param{Name: "x-acs-version", Value: apiVersion},
	)
	if cred.securityToken != "" {
		signed = append(signed,
			signer.Param{Name: "x-acs-accesskey-id", Value: cred.accessKeyID},
			signer.Param{Name: "x-acs-security-token", Value: cred.securityToken})
	}
	for _, p := range extra {
		if signer.IsSignedHeader(p.Name) {
			signed = append(signed, p)
		}
	}
	signer.SortParams(signed)
	var sb [64]byte
	sig := signer.AppendACS3Signature(sb[:0], c.algorithm, http.MethodPost, canonicalQuery, signed, c.emptyPayloadHash, cred.accessKeySecret)
	var ab [512]byte
	return string(canonicalQuery), string(signer.AppendAuthorization(ab[:0], c.algorithm, cred.accessKeyID, signed, sig)), signed
}

// rpcQuery returns the query of an RPC-style request: the parameters plus the common
// ones, with a V1 signature unless the operation is anonymous.
func (c *Client) rpcQuery(op operation, params []signer.Param, timestamp, nonce string, cred credential) string {
	// The common parameters, written in the sorted order the signature needs; an
	// anonymous call has only the unsigned ones.
	var cb [9]signer.Param
	common := cb[:0]
	signed := !op.anonymous
	if signed {
		common = append(common, signer.Param{Name: "AccessKeyId", Value: cred.accessKeyID})
	}
	common = append(common, signer.Param{Name: "Action", Value: op.action}, signer.Param{Name: "Format", Value: "JSON"})
	if signed && cred.securityToken != "" {
		common = append(common, signer.Param{Name: "SecurityToken", Value: cred.securityToken})
	}
	if signed {
		common = append(common, signer.Param{Name: "SignatureMethod", Value: signer.HMACSHA1})
	}
	common = append(common, signer.Param{Name: "SignatureNonce", Value: nonce})
	if signed {
		common = append(common, signer.Param{Name: "SignatureVersion", Value: "1.0"})
	}
	common = append(common, signer.Param{Name: "Timestamp", Value: timestamp}, signer.Param{Name: "Version", Value: apiVersion})
	var mb [24]signer.Param
	all := mergeParams(mb[:0], params, common, nil)
	var qb [1024]byte
	if op.anonymous {
		return string(signer.AppendCanonicalQuery(qb[:0], all))
	}
	return string(signer.AppendSignedV1Query(qb[:0], http.MethodPost, all, cred.accessKeySecret))
}

// mergeParams merges sorted parameter lists into one sorted list, appended to dst;
// where a name is in more than one, the later list's value wins. With nothing to merge
// it returns the only non-empty list as it is.
func mergeParams(dst, a, b, c []signer.Param) []signer.Param {
	switch {
	case len(a) == 0 && len(b) == 0:
		return c
	case len(a) == 0 && len(c) == 0:
		return b
	case len(b) == 0 && len(c) == 0:
		return a
	case len(a) == 0:
		return merge2(dst, b, c)
	case len(b) == 0:
		return merge2(dst, a, c)
	case len(c) == 0:
		return merge2(dst, a, b)
	}
	lists := [3][]signer.Param{a, b, c}
	out := slices.Grow(dst[:0], len(a)+len(b)+len(c))
	for {
		// The smallest name at the head of any list; the last list holding it wins.
		pick := -1
		for i, l := range lists {
			if len(l) > 0 && (pick < 0 || l[0].Name <= lists[pick][0].Name) {
				pick = i
			}
		}
		if pick < 0 {
			return out
		}
		p := lists[pick][0]
		for i, l := range lists {
			if len(l) > 0 && l[0].Name == p.Name {
				lists[i] = l[1:]
			}
		}
		out = append(out, p)
	}
}

// merge2 is mergeParams of two lists: the common case (the call's parameters and
// the RPC common parameters, or global and per-call extras), with one comparison per
// output element.
func merge2(dst, a, b []signer.Param) []signer.Param {
	out := slices.Grow(dst[:0], len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		switch {
		case a[0].Name < b[0].Name:
			out, a = append(out, a[0]), a[1:]
		case a[0].Name > b[0].Name:
			out, b = append(out, b[0]), b[1:]
		default: // the later list wins
			out, a, b = append(out, b[0]), a[1:], b[1:]
		}
	}
	out = append(out, a...)
	return append(out, b...)
}

// transportError wraps a failed exchange, dropping the URL that *url.Error prints:
// its query may carry a security token.
func transportError(op operation, endpoint string, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return &TransportError{Action: op.action, Endpoint: endpoint, Err: err}
}

var errBodyTooLarge = errors.New("response body too large")

var bufferPool = sync.Pool{New: func() any { return bytes.NewBuffer(make([]byte, 0, 4096)) }}

func getBuffer() *bytes.Buffer { return bufferPool.Get().(*bytes.Buffer) }

func putBuffer(b *bytes.Buffer) {
	if b.Cap() > 64<<10 {
		return
	}
	b.Reset()
	bufferPool.Put(b)
}

// readBody reads at most limit bytes of the body into buf and closes it. A body that
// fits is read to its end, so that the connection can be reused.
func readBody(buf *bytes.Buffer, resp *http.Response, limit int64) error {
	defer resp.Body.Close()
	for {
		if buf.Available() < 512 {
			buf.Grow(4096)
		}
		free := buf.AvailableBuffer()[:buf.Available()]
		n, err := resp.Body.Read(free)
		buf.Write(free[:n]) // appends in place: the bytes are already there
		switch {
		case int64(buf.Len()) > limit:
			return errBodyTooLarge
		case err == io.EOF:
			return nil
		case err != nil:
			return err
		}
	}
}

// errorBody is STS's error JSON.
type errorBody struct {
	RequestId          string          `json:"RequestId"`
	HostId             string          `json:"HostId"`
	Code               string          `json:"Code"`
	Message            string          `json:"Message"`
	Recommend          string          `json:"Recommend"`
	AccessDeniedDetail json.RawMessage `json:"AccessDeniedDetail"`
}

var codeKey = []byte(`"Code"`)

// decode turns a response into a Response[B], or into a *ServiceError when the status
// is not 2xx, when a 2xx body carries an error Code, or when the body is not JSON.
// scrub removes the call's secrets from any excerpt of the body.
func decode[B any](op operation, resp *http.Response, body []byte, requestID string, scrub func(string) string) (*Response[B], error) {
	ok := resp.StatusCode >= 200 && resp.StatusCode < 300
	if !ok || bytes.Contains(body, codeKey) {
		if se := serviceError(op, resp, body, requestID, scrub); se != nil {
			return nil, se
		}
	}
	out := new(decoded[B])
	b := &out.body
	if err := json.Unmarshal(body, b); err != nil {
		return nil, &ServiceError{Action: op.action, StatusCode: resp.StatusCode, RequestId: requestID,
			Message: "the response is not STS's JSON: " + excerpt(body, scrub)}
	}
	if a, ok := any(b).(answer); ok {
		if field := a.missing(); field != "" {
			if id := deref(a.GetRequestId()); id != "" {
				requestID = id
			}
			return nil, &ServiceError{Action: op.action, StatusCode: resp.StatusCode, RequestId: scrub(requestID),
				Message: "the answer has no usable " + field}
		}
	}
	out.Headers = make(map[string]*string, len(resp.Header))
	for k, v := range resp.Header {
		if len(v) > 0 {
			out.Headers[lowerHeaderName(k)] = &v[0]
		}
	}
	out.status = int32(resp.StatusCode)
	out.StatusCode, out.Body = &out.status, &out.body
	return &out.Response, nil
}

// decoded is a Response with its status and body, allocated together.
type decoded[B any] struct {
	Response[B]
	status int32
	body   B
}

// commonHeaders maps the canonical names of the headers STS sends to the lower-case
// names the official SDK's Response.Headers uses, saving an allocation each.
var commonHeaders = map[string]string{
	"Content-Type": "content-type", "Content-Length": "content-length", "Date": "date",
	"Connection": "connection", "Keep-Alive": "keep-alive", "X-Acs-Request-Id": "x-acs-request-id",
	"X-Acs-Trace-Id": "x-acs-trace-id", "Access-Control-Allow-Origin": "access-control-allow-origin",
	"Access-Control-Expose-Headers": "access-control-expose-headers",
}

func lowerHeaderName(k string) string {
	if l, ok := commonHeaders[k]; ok {
		return l
	}
	return strings.ToLower(k)
}

// serviceError reads an error answer. It returns nil for a 2xx body without a Code.
func serviceError(op operation, resp *http.Response, body []byte, requestID string, scrub func(string) string) *ServiceError {
	ok := resp.StatusCode >= 200 && resp.StatusCode < 300
	var eb errorBody
	if err := json.Unmarshal(body, &eb); err != nil || eb.Code == "" {
		if ok {
			return nil
		}
		msg := http.StatusText(resp.StatusCode)
		if len(body) > 0 {
			msg += ": " + excerpt(body, scrub)
		}
		return &ServiceError{Action: op.action, StatusCode: resp.StatusCode, RequestId: scrub(requestID), Message: msg, RetryAfter: retryAfter(resp.Header)}
	}
	se := &ServiceError{
		Action:     op.action,
		StatusCode: resp.StatusCode,
		Code:       eb.Code,
		Message:    eb.Message,
		RequestId:  eb.RequestId,
		HostId:     eb.HostId,
		Recommend:  eb.Recommend,
		RetryAfter: retryAfter(resp.Header),
	}
	if se.RequestId == "" {
		se.RequestId = requestID
	}
	fields := []*string{&se.Code, &se.Message, &se.RequestId, &se.HostId, &se.Recommend}
	if len(eb.AccessDeniedDetail) > 0 {
		var d AccessDeniedDetail
		if json.Unmarshal(eb.AccessDeniedDetail, &d) == nil {
			se.AccessDeniedDetail = &d
			fields = append(fields, &d.AuthAction, &d.AuthPrincipalType, &d.AuthPrincipalOwnerId,
				&d.AuthPrincipalDisplayName, &d.PolicyType, &d.NoPermissionType, &d.EncodedDiagnosticMessage)
		}
	}
	// Whatever answered may have echoed the request: no field may carry its secrets.
	for _, f := range fields {
		*f = scrub(*f)
	}
	return se
}

// retryAfter reads the back-off a throttled answer asks for: x-acs-retry-after in
// milliseconds, else the TimeLeft (milliseconds) of the older x-ratelimit headers.
func retryAfter(h http.Header) time.Duration {
	if v := h.Get("X-Acs-Retry-After"); v != "" {
		if ms, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil && ms > 0 {
			return time.Duration(ms) * time.Millisecond
		}
	}
	var longest time.Duration
	for _, name := range []string{"X-Ratelimit-User-Api", "X-Ratelimit-User"} {
		for pair := range strings.SplitSeq(h.Get(name), ",") {
			k, v, _ := strings.Cut(pair, ":")
			if strings.TrimSpace(k) != "TimeLeft" {
				continue
			}
			if ms, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
				longest = max(longest, time.Duration(ms)*time.Millisecond)
			}
		}
	}
	return longest
}

// maxExcerpt bounds how much of an unreadable body goes into an error.
const maxExcerpt = 256

// excerpt returns the start of body as printable text, with the call's secrets
// removed first, so that a secret cut short by the excerpt's end cannot slip through.
func excerpt(body []byte, scrub func(string) string) string {
	s := scrub(strings.ToValidUTF8(string(body), "?"))
	cut := len(s) > maxExcerpt
	if cut {
		s = strings.ToValidUTF8(s[:maxExcerpt], "")
	}
	s = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	if cut {
		s += "..."
	}
	return s
}

// scrub replaces the call's secrets in s, raw or percent-encoded as a query carries
// them: the secret key, the security token, and the OIDC token or SAML assertion of an
// anonymous call.
func scrub(s string, cred credential, params []signer.Param) string {
	secrets := []string{cred.accessKeySecret, cred.securityToken}
	for _, p := range params {
		if p.Name == "OIDCToken" || p.Name == "SAMLAssertion" {
			secrets = append(secrets, p.Value)
		}
	}
	for _, secret := range secrets {
		if len(secret) < 4 {
			continue
		}
		for _, form := range []string{secret, string(signer.AppendEscape(nil, secret)), url.QueryEscape(secret)} {
			s = strings.ReplaceAll(s, form, redacted)
		}
	}
	return s
}

// logAttempt writes one debug line for an attempt, when a logger is set and enabled.
func (c *Client) logAttempt(ctx context.Context, op operation, attempt, status int, requestID string, start time.Time, err error) {
	if c.logger == nil || !c.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("action", op.action),
		slog.String("endpoint", c.endpoint),
		slog.Int("attempt", attempt),
		slog.Int("status", status),
		slog.String("request_id", requestID),
		slog.Duration("duration", time.Since(start)),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "sts attempt", attrs...)
}
