// Package ststest runs an in-process fake of Alibaba Cloud STS for tests, the way
// net/http/httptest runs a web server.
//
// The fake checks what the real service checks: V1 (HMAC-SHA1) and V3
// (ACS3-HMAC-SHA256, ACS3-HMAC-SM3) signatures, replayed nonces, stale timestamps,
// unknown keys, who may assume which role, and every parameter rule. Credentials it
// issues work as callers until they expire, so role chaining and GetCallerIdentity
// behave as in the cloud. It verifies OIDC tokens (RS256 JWTs) against providers
// registered with it and mints them for tests; SAML assertions it hands to the
// SAMLVerifier registered for their provider (package samlidp mints and verifies
// XML-signed ones, so that only tests that use it download XML signature libraries).
// Errors come in the real JSON shape, codes and HTTP statuses; faults can be injected.
//
//	srv := ststest.NewServer()
//	defer srv.Close()
//	client := srv.Client() // signed as the ready RAM user
//	resp, err := client.AssumeRole(new(sts.AssumeRoleRequest).
//		SetRoleArn(srv.Role().Arn).SetRoleSessionName("test"))
//
// Setup mistakes panic with a "ststest: " prefix, as httptest does.
package ststest

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/alibabacloud-go/tea/dara"

	"github.com/stsgo/sts"
)

// DefaultAccountID is the account of the ready fixture.
const DefaultAccountID = "1234567890123456"

// TimestampWindow is how far a request's timestamp may be from the server's clock.
const TimestampWindow = 15 * time.Minute

// Server is a running fake STS on 127.0.0.1. Its methods are safe for concurrent use.
type Server struct {
	// URL is the base URL, http://127.0.0.1:<port>.
	URL string

	srv  *httptest.Server
	now  func() time.Time
	addr string // from WithAddress; empty for a random loopback port

	mu            sync.Mutex               // guards everything below
	accounts      map[string]bool          // account IDs
	keys          map[string]*accessKey    // by AccessKeyId: root, user and session keys
	roles         map[string]*role         // by ARN
	oidc          map[string]*OIDCProvider // by ARN
	samlProviders map[string]SAMLVerifier  // by ARN
	nonces        map[string]time.Time     // nonce → when it may be forgotten
	pruneAt       int                      // len(nonces) at which to prune
	faults        []*Fault                 // pending faults, in order
	log           []Request                // every request received
	counts        map[string]int           // requests by action
	user          User                     // the fixture user
	roleInfo      Role                     // the fixture role
	seq           int                      // for unique IDs
	quota         int                      // requests per second per account and action; 0: none
	windows       map[quotaKey]*window     // the quota's recent requests

	// The responses whose refused bodies refuseWhole is reading to their end, and
	// whether Close was called, after which it reads none.
	draining map[*http.ResponseController]struct{}
	closed   bool
}

// Option configures NewServer.
type Option func(*Server)

// WithClock makes the server read the time from now, so that tests can move it
// forward and watch timestamps go stale and credentials expire, or run it skewed
// against the client (time.Now().Add(20*time.Minute)). Answers carry the Date of this
// clock, from which clients measure their skew.
func WithClock(now func() time.Time) Option {
	return func(s *Server) { s.now = now }
}

// WithAddress makes the server listen on addr (host:port) instead of a random
// loopback port; for running the fake standalone (sts serve).
func WithAddress(addr string) Option {
	return func(s *Server) { s.addr = addr }
}

// NewServer starts a fake STS with a ready fixture: account DefaultAccountID, a RAM
// user with an AccessKey pair (User), and a role that trusts that user (Role).
func NewServer(opts ...Option) *Server {
	s := &Server{
		now:           time.Now,
		accounts:      map[string]bool{},
		keys:          map[string]*accessKey{},
		roles:         map[string]*role{},
		oidc:          map[string]*OIDCProvider{},
		samlProviders: map[string]SAMLVerifier{},
		nonces:        map[string]time.Time{},
		pruneAt:       4096,
		counts:        map[string]int{},
		windows:       map[quotaKey]*window{},
		draining:      map[*http.ResponseController]struct{}{},
	}
	for _, o := range opts {
		o(s)
	}
	s.AddAccount(DefaultAccountID)
	s.user = s.AddUser(DefaultAccountID, "test-user")
	s.roleInfo = s.AddRole(DefaultAccountID, "test-role", TrustPrincipal(s.user.Arn))
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serveHTTP))
	if s.addr != "" {
		l, err := net.Listen("tcp", s.addr)
		mustf(err == nil, "listening on %s: %v", s.addr, err)
		s.srv.Listener.Close()
		s.srv.Listener = l
	}
	s.srv.Start()
	s.URL = s.srv.URL
	return s
}

// Endpoint returns host:port, the value for Config.Endpoint.
func (s *Server) Endpoint() string { return strings.TrimPrefix(s.URL, "http://") }

// Close shuts the server down, waiting for requests in flight.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	for rc := range s.draining {
		rc.SetReadDeadline(time.Now()) // ends the reading of a refused body
	}
	s.mu.Unlock()
	s.srv.Close()
}

// User returns the fixture RAM user.
func (s *Server) User() User { return s.user }

// Role returns the fixture role, which trusts User.
func (s *Server) Role() Role { return s.roleInfo }

// Config returns a client Config for this server, signed with the fixture user's key.
func (s *Server) Config() *sts.Config {
	return s.ConfigFor(s.user.AccessKeyId, s.user.AccessKeySecret, "")
}

// ConfigFor returns a client Config for this server with the given credentials;
// securityToken may be empty.
func (s *Server) ConfigFor(accessKeyID, accessKeySecret, securityToken string) *sts.Config {
	cfg := &sts.Config{
		AccessKeyId:     dara.String(accessKeyID),
		AccessKeySecret: dara.String(accessKeySecret),
		Endpoint:        dara.String(s.Endpoint()),
		Protocol:        dara.String("HTTP"),
	}
	if securityToken != "" {
		cfg.SecurityToken = dara.String(securityToken)
	}
	return cfg
}

// Client returns a client for this server, signed as the fixture user.
func (s *Server) Client(opts ...sts.Option) *sts.Client {
	c, err := sts.NewClient(s.Config(), opts...)
	if err != nil {
		panic("ststest: " + err.Error())
	}
	return c
}

// Request is what the server recorded of one request.
type Request struct {
	Time        time.Time
	RequestId   string
	Action      string
	Signature   string // "ACS3-HMAC-SHA256", "ACS3-HMAC-SM3", "HMAC-SHA1", or "" for none
	AccessKeyId string
	Status      int
	Code        string // the error code answered, "" on success
}

// Requests returns every request received so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.log...)
}

// RequestCount returns how many requests named action ("" for all) the server has
// received, answered or not.
func (s *Server) RequestCount(action string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if action == "" {
		return len(s.log)
	}
	return s.counts[action]
}

// nextID returns a process-unique number for IDs.
func (s *Server) nextID() int {
	s.seq++
	return s.seq
}

func mustf(ok bool, format string, args ...any) {
	if !ok {
		panic("ststest: " + fmt.Sprintf(format, args...))
	}
}
