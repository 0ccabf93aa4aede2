package ststest

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/stsgo/sts/internal/protocol"
)

// apiError is an error answer, as STS gives it.
type apiError struct {
	status     int
	code       string
	message    string
	retryAfter time.Duration // sent as x-acs-retry-after when set
}

func badRequest(code, message string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: code, message: message}
}

// params are a request's parameters: query and form merged, first value of each.
type params map[string]string

func (p params) has(name string) bool { _, ok := p[name]; return ok }

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	now := s.now()
	// The server's clock, not the machine's: clients measure their skew from it.
	w.Header().Set("Date", now.UTC().Format(http.TimeFormat))
	rec := Request{Time: now, RequestId: newRequestID()}
	logged := false
	logRequest := func() { // once, before the answer leaves (see refuseWhole)
		if !logged {
			logged = true
			s.mu.Lock()
			s.log = append(s.log, rec)
			s.mu.Unlock()
		}
	}
	defer logRequest()

	body, err := io.ReadAll(io.LimitReader(r.Body, protocol.MaxBodyBytes+1))
	if err != nil {
		rec.Code = "ClientGone"
		return
	}
	// A request is counted under the action its header or parameters name, also when
	// it is refused before it is read: a body over the limit is refused whole (a cut
	// request is another request), and named by its URL's parameters alone.
	p := params{}
	var refused *apiError
	if len(body) > protocol.MaxBodyBytes {
		refused = &apiError{status: http.StatusRequestEntityTooLarge, code: "InvalidParameter",
			message: fmt.Sprintf("The request body is larger than %d bytes.", protocol.MaxBodyBytes)}
	} else if r.Body = io.NopCloser(bytes.NewReader(body)); r.ParseForm() != nil {
		refused = badRequest("InvalidParameter", "The request parameters cannot be parsed.")
	}
	form := r.Form
	if refused != nil {
		form = r.URL.Query()
	}
	for k, v := range form {
		p[k] = v[0]
	}
	rec.Action = r.Header.Get("x-acs-action")
	if rec.Action == "" {
		rec.Action = p["Action"]
	}

	s.mu.Lock()
	s.counts[rec.Action]++
	var fault *Fault
	if refused == nil {
		fault = s.takeFaultLocked(rec.Action)
	}
	s.mu.Unlock()
	if refused != nil && len(body) > protocol.MaxBodyBytes {
		s.refuseWhole(w, r, &rec, refused, logRequest)
		return
	}
	if refused != nil {
		s.writeError(w, r, &rec, refused)
		return
	}
	if fault != nil && s.applyFault(w, r, fault, &rec) {
		return
	}

	result, e := s.handle(r, p, body, now, &rec)
	if e != nil {
		s.writeError(w, r, &rec, e)
		return
	}
	out, err := json.Marshal(result)
	if err != nil {
		s.writeError(w, r, &rec, &apiError{status: http.StatusInternalServerError, code: "InternalError", message: err.Error()})
		return
	}
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.Header().Set("x-acs-request-id", rec.RequestId)
	w.WriteHeader(http.StatusOK)
	w.Write(out)
	rec.Status = http.StatusOK
}

// handle checks the request and runs its action.
func (s *Server) handle(r *http.Request, p params, body []byte, now time.Time, rec *Request) (any, *apiError) {
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		return nil, &apiError{status: http.StatusMethodNotAllowed, code: "UnsupportedHTTPMethod", message: "This http method is not supported."}
	}
	version := r.Header.Get("x-acs-version")
	if version == "" {
		version = p["Version"]
	}
	if version != protocol.APIVersion {
		return nil, &apiError{status: http.StatusNotFound, code: "InvalidVersion", message: "Specified parameter Version is not valid."}
	}
	switch rec.Action {
	case "AssumeRole", "GetCallerIdentity":
		caller, e := s.authenticate(r, p, body, now, rec)
		if e != nil {
			return nil, e
		}
		if e := s.throttle(caller.account, rec.Action); e != nil {
			return nil, e
		}
		if rec.Action == "AssumeRole" {
			return s.assumeRole(caller, p, now, rec.RequestId)
		}
		return callerIdentity(caller, rec.RequestId), nil
	case "AssumeRoleWithOIDC", "AssumeRoleWithSAML":
		if e := s.throttle(roleAccount(p["RoleArn"]), rec.Action); e != nil {
			return nil, e
		}
		if rec.Action == "AssumeRoleWithOIDC" {
			return s.assumeRoleWithOIDC(p, now, rec.RequestId)
		}
		return s.assumeRoleWithSAML(p, now, rec.RequestId)
	}
	return nil, &apiError{status: http.StatusNotFound, code: "InvalidAction.NotFound", message: "Specified api is not found, please check your url and method."}
}

// writeError answers with STS's error JSON.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, rec *Request, e *apiError) {
	requestID := rec.RequestId
	out, _ := json.Marshal(map[string]string{
		"RequestId": requestID,
		"HostId":    r.Host,
		"Code":      e.code,
		"Message":   e.message,
		"Recommend": "https://api.aliyun.com/troubleshoot?q=" + e.code + "&product=Sts&requestId=" + requestID,
	})
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.Header().Set("x-acs-request-id", requestID)
	if e.retryAfter > 0 {
		w.Header().Set("x-acs-retry-after", strconv.FormatInt(max(e.retryAfter.Milliseconds(), 1), 10))
	}
	w.WriteHeader(e.status)
	w.Write(out)
	rec.Status, rec.Code = e.status, e.code
}

// drainBytes is how much of a body over the limit the fake reads after its 413.
const drainBytes = 64 << 20

// refuseWhole answers a body over the limit with 413 at once, then reads the rest of
// it (up to drainBytes) and throws it away, so that a client still writing its body
// finishes and reads the 413. Left unread, the body fills the socket's buffers, the
// client's writes block, and net/http closes the connection half a second after the
// answer: a client that writes its whole request before it reads (or that a loaded
// machine does not schedule in that half second) gets a reset instead of the 413.
// Close ends the reading, so that a client that announced more than it sends does
// not hold it. logRequest records the request before the answer leaves, as the
// handler's return does for every other answer: a client that has its 413 finds its
// request in Requests and RequestCount.
func (s *Server) refuseWhole(w http.ResponseWriter, r *http.Request, rec *Request, e *apiError, logRequest func()) {
	rc := http.NewResponseController(w)
	duplex := rc.EnableFullDuplex() == nil // reading after answering needs it
	s.writeError(w, r, rec, e)
	logRequest()
	if !duplex || rc.Flush() != nil {
		return
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.draining[rc] = struct{}{}
	s.mu.Unlock()
	io.Copy(io.Discard, io.LimitReader(r.Body, drainBytes))
	s.mu.Lock()
	delete(s.draining, rc)
	s.mu.Unlock()
}

// newRequestID returns an ID shaped like STS's: 8-4-4-4-12 upper-case hex.
func newRequestID() string {
	var b [16]byte
	rand.Read(b[:])
	h := strings.ToUpper(hex.EncodeToString(b[:]))
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
