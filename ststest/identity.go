package ststest

import (
	"crypto/rand"
	"fmt"
	"strings"
	"time"
)

// User is a principal with an AccessKey pair: a RAM user, or an account's root.
type User struct {
	AccountId       string
	Name            string // "root" for an account's root
	UserId          string
	Arn             string
	AccessKeyId     string
	AccessKeySecret string
}

// Role is a RAM role that principals may assume.
type Role struct {
	AccountId          string
	Name               string
	RoleId             string
	Arn                string
	MaxSessionDuration time.Duration
}

type keyKind int

const (
	rootKey keyKind = iota
	userKey
	sessionKey
)

// accessKey is a key the server accepts: a root's, a user's, or one it issued.
type accessKey struct {
	id, secret string
	kind       keyKind
	account    string
	userID     string // the user's or the account's ID
	arn        string // the principal's ARN

	// Issued credentials only.
	token          string
	expires        time.Time
	role           *role
	sessionName    string
	sourceIdentity string
}

type role struct {
	Role
	trusted    map[string]bool // principal ARNs, acs:ram::<account>:root, provider ARNs
	externalID string
}

// RoleOption configures a role made with AddRole.
type RoleOption func(*role)

// TrustPrincipal lets principals assume the role: a user's ARN, a role's ARN (its
// sessions, for role chaining), acs:ram::<account>:root (every principal of that
// account), or an OIDC or SAML provider's ARN.
func TrustPrincipal(arns ...string) RoleOption {
	return func(r *role) {
		for _, a := range arns {
			r.trusted[a] = true
		}
	}
}

// MaxSessionDuration sets the longest DurationSeconds the role grants (default one
// hour; 1 to 12 hours).
func MaxSessionDuration(d time.Duration) RoleOption {
	mustf(d >= time.Hour && d <= 12*time.Hour, "MaxSessionDuration %v is outside 1h to 12h", d)
	return func(r *role) { r.MaxSessionDuration = d }
}

// RequireExternalId makes the role's trust policy demand sts:ExternalId == id.
func RequireExternalId(id string) RoleOption {
	return func(r *role) { r.externalID = id }
}

// AddAccount adds an account and returns its root AccessKey (which STS refuses for
// AssumeRole, as the real service does).
func (s *Server) AddAccount(id string) User {
	mustf(id != "" && strings.Trim(id, "0123456789") == "", "account ID %q must be digits", id)
	s.mu.Lock()
	defer s.mu.Unlock()
	mustf(!s.accounts[id], "account %s exists", id)
	s.accounts[id] = true
	return s.addKeyLocked(id, "root", rootKey, id, "acs:ram::"+id+":root")
}

// AddUser adds a RAM user to an account and returns it with a new AccessKey pair.
func (s *Server) AddUser(accountID, name string) User {
	s.mu.Lock()
	defer s.mu.Unlock()
	mustf(s.accounts[accountID], "no account %s", accountID)
	userID := fmt.Sprintf("2%017d", s.nextID())
	return s.addKeyLocked(accountID, name, userKey, userID, "acs:ram::"+accountID+":user/"+name)
}

func (s *Server) addKeyLocked(accountID, name string, kind keyKind, userID, arn string) User {
	k := &accessKey{id: "LTAI" + randomString(20), secret: randomString(30), kind: kind, account: accountID, userID: userID, arn: arn}
	s.keys[k.id] = k
	return User{AccountId: accountID, Name: name, UserId: userID, Arn: arn, AccessKeyId: k.id, AccessKeySecret: k.secret}
}

// AddRole adds a role to an account.
func (s *Server) AddRole(accountID, name string, opts ...RoleOption) Role {
	s.mu.Lock()
	defer s.mu.Unlock()
	mustf(s.accounts[accountID], "no account %s", accountID)
	r := &role{
		Role: Role{AccountId: accountID, Name: name, RoleId: fmt.Sprintf("3%017d", s.nextID()),
			Arn: "acs:ram::" + accountID + ":role/" + strings.ToLower(name), MaxSessionDuration: time.Hour},
		trusted: map[string]bool{},
	}
	for _, o := range opts {
		o(r)
	}
	mustf(s.roles[r.Arn] == nil, "role %s exists", r.Arn)
	s.roles[r.Arn] = r
	return r.Role
}

// Trust lets more principals assume an existing role (see TrustPrincipal).
func (s *Server) Trust(roleArn string, principalArns ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.roles[roleArn]
	mustf(r != nil, "no role %s", roleArn)
	TrustPrincipal(principalArns...)(r)
}

// trusts reports whether the role's trust policy lets the principal in.
func (r *role) trusts(principalArn, account string) bool {
	return r.trusted[principalArn] || r.trusted["acs:ram::"+account+":root"]
}

const alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// randomString returns n random characters from crypto/rand.
func randomString(n int) string {
	return randomFrom(alphanumeric, n)
}

func randomFrom(alphabet string, n int) string {
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
