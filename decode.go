package sts

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/stsgo/sts/internal/protocol"
)

// MaxResponseBytes caps how much of a response body is read: 1 MiB.
const MaxResponseBytes = protocol.MaxBodyBytes

// An answer is read whole into a pooled buffer, at most MaxResponseBytes of it, and
// then decoded: into the operation's response body, or into a *ServiceError.

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
// sc removes secrets from every text of the answer that goes into an error.
func decode[B any](op operation, resp *http.Response, body []byte, requestID string, sc scrubber) (*Response[B], error) {
	ok := resp.StatusCode >= 200 && resp.StatusCode < 300
	if !ok || bytes.Contains(body, codeKey) {
		if se := serviceError(op, resp, body, requestID, sc); se != nil {
			return nil, se
		}
	}
	out := new(decoded[B])
	b := &out.body
	if err := json.Unmarshal(body, b); err != nil {
		return nil, &ServiceError{Action: op.action, StatusCode: resp.StatusCode, RequestId: sc.field(requestID),
			Message: "the response is not STS's JSON: " + excerpt(body, sc)}
	}
	if a, ok := any(b).(answer); ok {
		if field := a.missing(); field != "" {
			if id := deref(a.GetRequestId()); id != "" {
				requestID = id
			}
			return nil, &ServiceError{Action: op.action, StatusCode: resp.StatusCode, RequestId: sc.field(requestID),
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
func serviceError(op operation, resp *http.Response, body []byte, requestID string, sc scrubber) *ServiceError {
	ok := resp.StatusCode >= 200 && resp.StatusCode < 300
	var eb errorBody
	if err := json.Unmarshal(body, &eb); err != nil || eb.Code == "" {
		if ok {
			return nil
		}
		msg := http.StatusText(resp.StatusCode)
		if len(body) > 0 {
			msg += ": " + excerpt(body, sc)
		}
		return &ServiceError{Action: op.action, StatusCode: resp.StatusCode, RequestId: sc.field(requestID), Message: msg, RetryAfter: retryAfter(resp.Header)}
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
	// Whatever answered may have echoed the request or carry what it issued: no field
	// may hold a secret, named or credential-shaped. Two fields keep their long runs:
	// Code, which has none, and EncodedDiagnosticMessage, which is one by design.
	shaped := []*string{&se.Message, &se.RequestId, &se.HostId, &se.Recommend}
	named := []*string{&se.Code}
	if len(eb.AccessDeniedDetail) > 0 {
		var d AccessDeniedDetail
		if json.Unmarshal(eb.AccessDeniedDetail, &d) == nil {
			se.AccessDeniedDetail = &d
			shaped = append(shaped, &d.AuthAction, &d.AuthPrincipalType, &d.AuthPrincipalOwnerId,
				&d.AuthPrincipalDisplayName, &d.PolicyType, &d.NoPermissionType)
			named = append(named, &d.EncodedDiagnosticMessage)
		}
	}
	for _, f := range shaped {
		*f = sc.field(*f)
	}
	for _, f := range named {
		*f = sc.named(*f)
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

// excerpt returns the start of body as printable text, with secrets removed first
// (sc.unread), so that a secret cut short by the excerpt's end cannot slip through.
func excerpt(body []byte, sc scrubber) string {
	s := sc.unread(string(body))
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
