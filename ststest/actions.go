package ststest

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"strconv"
	"time"

	"github.com/stsgo/sts"
)

// optional returns a pointer to p[name], or nil when the parameter is absent.
func (p params) optional(name string) *string {
	if v, ok := p[name]; ok {
		return &v
	}
	return nil
}

// checkedDuration checks action's parameters against the fake's rules and returns
// DurationSeconds (3600 when absent).
func (p params) checkedDuration(action string) (int64, *apiError) {
	if e := checkActionParams(action, p); e != nil {
		return 0, e
	}
	v, ok := p["DurationSeconds"]
	if !ok {
		return 3600, nil
	}
	n, _ := strconv.ParseInt(v, 10, 64) // durationOK has parsed it
	return n, nil
}

func (s *Server) assumeRole(caller *accessKey, p params, now time.Time, requestID string) (any, *apiError) {
	duration, e := p.checkedDuration("AssumeRole")
	if e != nil {
		return nil, e
	}
	req := &sts.AssumeRoleRequest{
		DurationSeconds: &duration, ExternalId: p.optional("ExternalId"), Policy: p.optional("Policy"),
		RoleArn: p.optional("RoleArn"), RoleSessionName: p.optional("RoleSessionName"), SourceIdentity: p.optional("SourceIdentity"),
	}
	if caller.kind == rootKey {
		return nil, &apiError{status: http.StatusForbidden, code: "NoPermission", message: "Roles may not be assumed by root accounts."}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, e := s.roleLocked(*req.RoleArn)
	if e != nil {
		return nil, e
	}
	principal := caller.arn
	if caller.kind == sessionKey {
		principal = caller.role.Arn
	}
	if !r.trusts(principal, caller.account) || (r.externalID != "" && deref(req.ExternalId) != r.externalID) {
		return nil, &apiError{status: http.StatusForbidden, code: "NoPermission", message: "You are not authorized to do this action. You should be authorized by RAM."}
	}
	if e := r.checkDuration(duration); e != nil {
		return nil, e
	}
	k := s.issueLocked(r, *req.RoleSessionName, deref(req.SourceIdentity), now, duration)
	body := new(sts.AssumeRoleResponseBody).SetRequestId(requestID).SetCredentials(k.credentials()).SetAssumedRoleUser(k.assumedRoleUser())
	if k.sourceIdentity != "" {
		body.SetSourceIdentity(k.sourceIdentity)
	}
	return body, nil
}

// roleLocked looks a role up by ARN.
func (s *Server) roleLocked(arn string) (*role, *apiError) {
	if r := s.roles[arn]; r != nil {
		return r, nil
	}
	return nil, &apiError{status: http.StatusNotFound, code: "EntityNotExist.Role", message: "The role not exists: " + arn + "."}
}

// checkDuration holds DurationSeconds to the role's MaxSessionDuration.
func (r *role) checkDuration(seconds int64) *apiError {
	if time.Duration(seconds)*time.Second > r.MaxSessionDuration {
		return badRequest("InvalidParameter.DurationSeconds", "The DurationSeconds exceeds the MaxSessionDuration of the role.")
	}
	return nil
}

// federatedRole finds the role a federated call (OIDC or SAML) asks for, and checks
// that its provider exists and that the role trusts it.
func (s *Server) federatedRole(kind, providerArn string, providerExists bool, roleArn string, duration int64) (*role, *apiError) {
	if !providerExists {
		return nil, &apiError{status: http.StatusNotFound, code: "EntityNotExist." + kind + "Provider", message: "The " + kind + " provider does not exist: " + providerArn + "."}
	}
	s.mu.Lock()
	r, e := s.roleLocked(roleArn)
	s.mu.Unlock()
	switch {
	case e != nil:
		return nil, e
	case !r.trusted[providerArn]:
		return nil, authFail("AuthenticationFail.NoPermission", "The role does not trust the "+kind+" provider.")
	}
	return r, r.checkDuration(duration)
}

// issueFederatedSession issues credentials for a federated session of r.
func (s *Server) issueFederatedSession(r *role, sessionName string, now time.Time, duration int64) *accessKey {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issueLocked(r, sessionName, "", now, duration)
}

// issueLocked makes new temporary credentials for a session of role r.
func (s *Server) issueLocked(r *role, sessionName, sourceIdentity string, now time.Time, duration int64) *accessKey {
	token := make([]byte, 300)
	rand.Read(token)
	k := &accessKey{
		id:             "STS." + randomString(24),
		secret:         randomString(40),
		kind:           sessionKey,
		account:        r.AccountId,
		userID:         r.RoleId + ":" + sessionName,
		arn:            "acs:ram::" + r.AccountId + ":assumed-role/" + r.Name + "/" + sessionName,
		token:          "CAIS" + base64.StdEncoding.EncodeToString(token), // holds + / =, as real tokens do
		expires:        now.Add(time.Duration(duration) * time.Second).UTC().Truncate(time.Second),
		role:           r,
		sessionName:    sessionName,
		sourceIdentity: sourceIdentity,
	}
	s.keys[k.id] = k
	return k
}

func (k *accessKey) credentials() *sts.Credentials {
	return new(sts.Credentials).SetAccessKeyId(k.id).SetAccessKeySecret(k.secret).
		SetSecurityToken(k.token).SetExpiration(k.expires.Format(sts.ExpirationLayout))
}

func (k *accessKey) assumedRoleUser() *sts.AssumedRoleUser {
	return new(sts.AssumedRoleUser).SetArn(k.arn).SetAssumedRoleId(k.userID)
}

func callerIdentity(k *accessKey, requestID string) *sts.GetCallerIdentityResponseBody {
	b := new(sts.GetCallerIdentityResponseBody).SetRequestId(requestID).SetAccountId(k.account).SetArn(k.arn).SetPrincipalId(k.userID)
	switch k.kind {
	case rootKey:
		b.SetIdentityType("Account")
	case userKey:
		b.SetIdentityType("RAMUser").SetUserId(k.userID)
	case sessionKey:
		b.SetIdentityType("AssumedRoleUser").SetRoleId(k.role.RoleId)
	}
	return b
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
