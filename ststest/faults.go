package ststest

import (
	"net/http"
	"strconv"
	"time"
)

// FaultKind is a way for the server to misbehave.
type FaultKind int

const (
	// Throttle answers 400 Throttling.User with an x-acs-retry-after header.
	Throttle FaultKind = iota + 1
	// ServerError answers 500 InternalError.
	ServerError
	// Unavailable answers 503 ServiceUnavailable.
	Unavailable
	// Latency waits Fault.Latency (or until the client gives up), then serves the
	// request normally.
	Latency
	// Drop closes the connection without an answer.
	Drop
	// Truncate answers 200 with half of a JSON body and closes the connection.
	Truncate
	// NotJSON answers 502 with an HTML page, as a proxy in the way would.
	NotJSON
)

// Fault makes the server misbehave for the next requests it matches.
type Fault struct {
	Kind FaultKind
	// Action limits the fault to requests for one action; empty means any.
	Action string
	// Times is how many matching requests the fault affects; zero means one.
	Times int
	// RetryAfter is the back-off a Throttle fault asks for; zero means 100ms.
	RetryAfter time.Duration
	// Latency is how long a Latency fault delays each request.
	Latency time.Duration
}

// Inject queues a fault. Faults apply in the order injected, each to its next Times
// matching requests.
func (s *Server) Inject(f Fault) {
	mustf(f.Kind >= Throttle && f.Kind <= NotJSON, "unknown fault kind %d", f.Kind)
	mustf(f.Times >= 0, "Fault.Times %d is negative", f.Times)
	if f.Times == 0 {
		f.Times = 1
	}
	if f.Kind == Throttle && f.RetryAfter == 0 {
		f.RetryAfter = 100 * time.Millisecond
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// ClearFaults drops every pending fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// takeFaultLocked returns the first pending fault that matches action, using up one
// of its Times.
func (s *Server) takeFaultLocked(action string) *Fault {
	for i, f := range s.faults {
		if f.Action != "" && f.Action != action {
			continue
		}
		f.Times--
		if f.Times == 0 {
			s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
		}
		return f
	}
	return nil
}

// applyFault misbehaves as f says. It reports whether it answered the request (or
// dropped it), so that nothing more must be written.
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, f *Fault, rec *Request) bool {
	switch f.Kind {
	case Throttle:
		s.writeError(w, r, rec, throttled(f.RetryAfter))
	case ServerError:
		s.writeError(w, r, rec, &apiError{status: http.StatusInternalServerError, code: "InternalError", message: "The request processing has failed due to some unknown error."})
	case Unavailable:
		s.writeError(w, r, rec, &apiError{status: http.StatusServiceUnavailable, code: "ServiceUnavailable", message: "The request has failed due to a temporary failure of the server."})
	case Latency:
		t := time.NewTimer(f.Latency)
		defer t.Stop()
		select {
		case <-t.C:
			return false
		case <-r.Context().Done():
			rec.Code = "ClientGone"
			return true
		}
	case Drop:
		rec.Code = "Dropped"
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return true
			}
		}
		panic(http.ErrAbortHandler)
	case Truncate:
		body := `{"RequestId":"` + rec.RequestId + `","Credentials":{"AccessKeyId":"STS.truncated","AccessKeySecret":"`
		w.Header().Set("Content-Type", "application/json;charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(2*len(body)))
		w.WriteHeader(http.StatusOK)
		w.Write([]byte(body))
		rec.Status, rec.Code = http.StatusOK, "Truncated"
		panic(http.ErrAbortHandler) // closes the connection mid-body
	case NotJSON:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		w.Write([]byte("<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"))
		rec.Status, rec.Code = http.StatusBadGateway, "NotJSON"
	}
	return true
}
