// Package fakeoss stands in for OSS in the adapters' tests: a loopback server that
// answers every request with 200 and records the AccessKeyId its Authorization names
// and the security token it carries. It checks who signed, not the signature: the
// SDKs' own signers are not under test.
package fakeoss

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
)

// Seen is what one request carried.
type Seen struct {
	Method, Path  string
	AccessKeyId   string // from the Authorization header, V1 or V4
	SecurityToken string // the x-oss-security-token header
}

// Server is a running stand-in for OSS.
type Server struct {
	*httptest.Server

	mu   sync.Mutex
	seen []Seen
}

// Both OSS signatures name the key: "OSS <id>:<signature>" (V1) and
// "OSS4-HMAC-SHA256 Credential=<id>/<date>/<region>/oss/aliyun_v4_request,..." (V4).
var keyID = regexp.MustCompile(`^(?:OSS ([^:]+):|OSS4-HMAC-SHA256 Credential=([^/]+)/)`)

// New starts a server; Close stops it.
func New() *Server {
	s := &Server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		m := keyID.FindStringSubmatch(r.Header.Get("Authorization"))
		seen := Seen{Method: r.Method, Path: r.URL.Path, SecurityToken: r.Header.Get("x-oss-security-token")}
		if m != nil {
			seen.AccessKeyId = m[1] + m[2]
		}
		s.mu.Lock()
		s.seen = append(s.seen, seen)
		s.mu.Unlock()
		w.Header().Set("ETag", `"5B3C1A2E053D763E1B002CC607C5A0FE"`)
		w.Header().Set("x-oss-request-id", "5C3D9175B6FC201293AD4890")
	}))
	return s
}

// Last returns what the latest request carried.
func (s *Server) Last() Seen {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.seen) == 0 {
		return Seen{}
	}
	return s.seen[len(s.seen)-1]
}
