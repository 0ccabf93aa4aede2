package ststest

import (
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"net/http"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/stsgo/sts"
)

// OIDCProvider is an OIDC identity provider registered in RAM: its issuer, the client
// IDs (audiences) RAM accepts, and the key it signs tokens with. Token mints tokens.
type OIDCProvider struct {
	Arn       string
	Issuer    string
	ClientIDs []string

	key *rsa.PrivateKey
	now func() time.Time
}

// AddOIDCProvider registers an OIDC provider in an account, with a new RSA signing
// key. Roles accept its tokens once they trust its Arn (see TrustPrincipal).
func (s *Server) AddOIDCProvider(accountID, name, issuer string, clientIDs ...string) *OIDCProvider {
	mustf(len(clientIDs) > 0, "an OIDC provider needs at least one client ID")
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	mustf(err == nil, "generating a key: %v", err)
	s.mu.Lock()
	defer s.mu.Unlock()
	mustf(s.accounts[accountID], "no account %s", accountID)
	p := &OIDCProvider{Arn: "acs:ram::" + accountID + ":oidc-provider/" + name, Issuer: issuer, ClientIDs: clientIDs, key: key, now: s.now}
	mustf(s.oidc[p.Arn] == nil, "OIDC provider %s exists", p.Arn)
	s.oidc[p.Arn] = p
	return p
}

// TokenOption changes a token that Token mints, for tests of rejected tokens.
type TokenOption func(*tokenSpec)

type tokenSpec struct {
	claims jwt.Claims
	key    *rsa.PrivateKey
}

// Audience sets the token's audiences (default: the provider's first client ID).
func Audience(aud ...string) TokenOption {
	return func(t *tokenSpec) { t.claims.Audience = aud }
}

// Expiry sets when the token expires (default: an hour after it is minted).
func Expiry(at time.Time) TokenOption {
	return func(t *tokenSpec) { t.claims.Expiry = jwt.NewNumericDate(at) }
}

// Issuer sets the token's issuer (default: the provider's).
func Issuer(iss string) TokenOption {
	return func(t *tokenSpec) { t.claims.Issuer = iss }
}

// SignedByAnotherKey signs the token with a key the provider does not have.
func SignedByAnotherKey() TokenOption {
	return func(t *tokenSpec) {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		mustf(err == nil, "generating a key: %v", err)
		t.key = k
	}
}

// Token mints an RS256 JWT for subject, as the provider would (for example a
// Kubernetes service account token under ACK RRSA).
func (p *OIDCProvider) Token(subject string, opts ...TokenOption) string {
	now := p.now()
	spec := tokenSpec{
		claims: jwt.Claims{Issuer: p.Issuer, Subject: subject, Audience: jwt.Audience{p.ClientIDs[0]},
			IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now), Expiry: jwt.NewNumericDate(now.Add(time.Hour))},
		key: p.key,
	}
	for _, o := range opts {
		o(&spec)
	}
	sig, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: spec.key}, (&jose.SignerOptions{}).WithType("JWT"))
	mustf(err == nil, "making a signer: %v", err)
	token, err := jwt.Signed(sig).Claims(spec.claims).Serialize()
	mustf(err == nil, "signing a token: %v", err)
	return token
}

func authFail(code, message string) *apiError {
	return &apiError{status: http.StatusUnauthorized, code: code, message: message}
}

func (s *Server) assumeRoleWithOIDC(p params, now time.Time, requestID string) (any, *apiError) {
	duration, e := p.checkedDuration("AssumeRoleWithOIDC")
	if e != nil {
		return nil, e
	}
	req := &sts.AssumeRoleWithOIDCRequest{
		DurationSeconds: &duration, OIDCProviderArn: p.optional("OIDCProviderArn"), OIDCToken: p.optional("OIDCToken"),
		Policy: p.optional("Policy"), RoleArn: p.optional("RoleArn"), RoleSessionName: p.optional("RoleSessionName"),
	}
	s.mu.Lock()
	provider := s.oidc[*req.OIDCProviderArn]
	s.mu.Unlock()
	r, e := s.federatedRole("OIDC", *req.OIDCProviderArn, provider != nil, *req.RoleArn, duration)
	if e != nil {
		return nil, e
	}
	claims, e := provider.verify(*req.OIDCToken, now)
	if e != nil {
		return nil, e
	}
	sessionName := deref(req.RoleSessionName)
	if sessionName == "" {
		sessionName = "oidc-session"
	}
	k := s.issueFederatedSession(r, sessionName, now, duration)
	info := new(sts.AssumeRoleWithOIDCResponseBodyOIDCTokenInfo).SetIssuer(claims.Issuer).SetSubject(claims.Subject).
		SetClientIds(strings.Join(claims.Audience, ",")).SetVerificationInfo("Success")
	if claims.Expiry != nil {
		info.SetExpirationTime(claims.Expiry.Time().UTC().Format(sts.ExpirationLayout))
	}
	if claims.IssuedAt != nil {
		info.SetIssuanceTime(claims.IssuedAt.Time().UTC().Format(sts.ExpirationLayout))
	}
	return new(sts.AssumeRoleWithOIDCResponseBody).SetRequestId(requestID).SetCredentials(k.credentials()).
		SetAssumedRoleUser(k.assumedRoleUser()).SetOIDCTokenInfo(info), nil
}

// verify checks a token's signature, issuer, audience and times.
func (p *OIDCProvider) verify(token string, now time.Time) (*jwt.Claims, *apiError) {
	parsed, err := jwt.ParseSigned(token, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		return nil, authFail("AuthenticationFail.OIDCToken.Invalid", "The OIDC token is not a valid JWT.")
	}
	var claims jwt.Claims
	if err := parsed.Claims(&p.key.PublicKey, &claims); err != nil {
		return nil, authFail("AuthenticationFail.OIDCToken.InvalidSignature", "The OIDC token's signature does not verify.")
	}
	err = claims.ValidateWithLeeway(jwt.Expected{Issuer: p.Issuer, AnyAudience: p.ClientIDs, Time: now}, 0)
	switch {
	case err == nil:
		return &claims, nil
	case errors.Is(err, jwt.ErrInvalidAudience):
		return nil, authFail("AuthenticationFail.OIDCToken.AudienceNotMatch", "The OIDC token's audience is not a client ID of the provider.")
	case errors.Is(err, jwt.ErrExpired):
		return nil, authFail("AuthenticationFail.OIDCToken.Expired", "The OIDC token is expired.")
	case errors.Is(err, jwt.ErrInvalidIssuer):
		return nil, authFail("AuthenticationFail.OIDCToken.IssuerNotMatch", "The OIDC token's issuer is not the provider's.")
	}
	return nil, authFail("AuthenticationFail.OIDCToken.Invalid", "The OIDC token is not valid yet.")
}
