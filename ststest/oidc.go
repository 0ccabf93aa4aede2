package ststest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

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
	claims jwtClaims
	key    *rsa.PrivateKey
}

// Audience sets the token's audiences (default: the provider's first client ID).
func Audience(aud ...string) TokenOption {
	return func(t *tokenSpec) { t.claims.Audience = aud }
}

// Expiry sets when the token expires (default: an hour after it is minted); the zero
// time leaves the exp claim out.
func Expiry(at time.Time) TokenOption {
	return func(t *tokenSpec) { t.claims.Expiry = numericDate(at) }
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
		claims: jwtClaims{Issuer: p.Issuer, Subject: subject, Audience: []string{p.ClientIDs[0]},
			IssuedAt: numericDate(now), NotBefore: numericDate(now), Expiry: numericDate(now.Add(time.Hour))},
		key: p.key,
	}
	for _, o := range opts {
		o(&spec)
	}
	payload, err := json.Marshal(spec.claims)
	mustf(err == nil, "encoding claims: %v", err)
	return signRS256(spec.key, `{"alg":"RS256","typ":"JWT"}`, payload)
}

// signRS256 returns the JWS compact serialization (RFC 7515 section 7.1) of header and
// payload signed with RSASSA-PKCS1-v1_5 and SHA-256, the JWS "RS256" algorithm.
func signRS256(key *rsa.PrivateKey, header string, payload []byte) string {
	input := b64.EncodeToString([]byte(header)) + "." + b64.EncodeToString(payload)
	digest := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, digest[:])
	mustf(err == nil, "signing a token: %v", err)
	return input + "." + b64.EncodeToString(sig)
}

// b64 is the base64url encoding without padding that JWS uses.
var b64 = base64.RawURLEncoding

// jwtClaims are the registered claims of a JWT (RFC 7519 section 4.1) that the fake
// mints and checks; times are NumericDates, seconds since the Unix epoch, nil when
// the claim is absent.
type jwtClaims struct {
	Issuer    string   `json:"iss,omitempty"`
	Subject   string   `json:"sub,omitempty"`
	Audience  audience `json:"aud,omitempty"`
	Expiry    *int64   `json:"exp,omitempty"`
	NotBefore *int64   `json:"nbf,omitempty"`
	IssuedAt  *int64   `json:"iat,omitempty"`
}

// audience is the aud claim: one string or an array of strings (RFC 7519 section
// 4.1.3); one audience is written as a string, as OIDC providers do.
type audience []string

func (a audience) MarshalJSON() ([]byte, error) {
	if len(a) == 1 {
		return json.Marshal(a[0])
	}
	return json.Marshal([]string(a))
}

func numericDate(t time.Time) *int64 {
	if t.IsZero() {
		return nil
	}
	n := t.Unix()
	return &n
}

var (
	errJWTMalformed = errors.New("not a JWT signed with RS256")
	errJWTSignature = errors.New("the signature does not verify")
)

// parseRS256 parses a JWS compact serialization whose header names the RS256
// algorithm, and nothing else (not "none", not HS256 keyed with the public key),
// checks its signature against key, and only then reads the claims. It returns
// errJWTMalformed or errJWTSignature.
func parseRS256(token string, key *rsa.PublicKey) (*jwtClaims, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, errJWTMalformed
	}
	var header map[string]json.RawMessage
	rawHeader, err := b64.DecodeString(parts[0])
	if err != nil || json.Unmarshal(rawHeader, &header) != nil || string(header["alg"]) != `"RS256"` || header["crit"] != nil {
		return nil, errJWTMalformed
	}
	payload, err1 := b64.DecodeString(parts[1])
	sig, err2 := b64.DecodeString(parts[2])
	if err1 != nil || err2 != nil {
		return nil, errJWTMalformed
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(key, crypto.SHA256, digest[:], sig) != nil {
		return nil, errJWTSignature
	}
	return decodeClaims(payload)
}

// decodeClaims reads the registered claims the fake checks, with their names matched
// exactly (as go-jose's jwt package does, unlike encoding/json's folding of case); a
// claim of the wrong JSON type makes the token malformed, a null one is absent.
func decodeClaims(payload []byte) (*jwtClaims, error) {
	var fields map[string]json.RawMessage
	if json.Unmarshal(payload, &fields) != nil || fields == nil {
		return nil, errJWTMalformed
	}
	c := new(jwtClaims)
	for name, raw := range fields {
		var err error
		switch name {
		case "iss":
			err = json.Unmarshal(raw, &c.Issuer)
		case "sub":
			err = json.Unmarshal(raw, &c.Subject)
		case "aud":
			c.Audience, err = decodeAudience(raw)
		case "exp":
			c.Expiry, err = decodeNumericDate(raw)
		case "nbf":
			c.NotBefore, err = decodeNumericDate(raw)
		case "iat":
			c.IssuedAt, err = decodeNumericDate(raw)
		}
		if err != nil {
			return nil, errJWTMalformed
		}
	}
	return c, nil
}

func decodeAudience(raw json.RawMessage) (audience, error) {
	var one string
	if json.Unmarshal(raw, &one) == nil && string(raw) != "null" {
		return audience{one}, nil
	}
	var many []*string
	if err := json.Unmarshal(raw, &many); err != nil || many == nil {
		return nil, errJWTMalformed
	}
	a := make(audience, len(many))
	for i, v := range many {
		if v == nil {
			return nil, errJWTMalformed
		}
		a[i] = *v
	}
	return a, nil
}

// maxNumericDate bounds a NumericDate (2^62 seconds) far beyond any real time and
// below where time.Unix would wrap a huge not-before into the past.
const maxNumericDate = 1 << 62

// decodeNumericDate reads a JSON number of seconds, fractions dropped.
func decodeNumericDate(raw json.RawMessage) (*int64, error) {
	if string(raw) == "null" {
		return nil, nil
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil || math.Abs(f) >= maxNumericDate {
		return nil, errJWTMalformed
	}
	n := int64(f)
	return &n, nil
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
		info.SetExpirationTime(time.Unix(*claims.Expiry, 0).UTC().Format(sts.ExpirationLayout))
	}
	if claims.IssuedAt != nil {
		info.SetIssuanceTime(time.Unix(*claims.IssuedAt, 0).UTC().Format(sts.ExpirationLayout))
	}
	return new(sts.AssumeRoleWithOIDCResponseBody).SetRequestId(requestID).SetCredentials(k.credentials()).
		SetAssumedRoleUser(k.assumedRoleUser()).SetOIDCTokenInfo(info), nil
}

// verify checks a token's signature, then its issuer, audience and times with no
// leeway, in that order: a not-before or issued-at in the future is "not valid yet",
// an expiry already passed is "expired".
func (p *OIDCProvider) verify(token string, now time.Time) (*jwtClaims, *apiError) {
	claims, err := parseRS256(token, &p.key.PublicKey)
	switch {
	case errors.Is(err, errJWTSignature):
		return nil, authFail("AuthenticationFail.OIDCToken.InvalidSignature", "The OIDC token's signature does not verify.")
	case err != nil:
		return nil, authFail("AuthenticationFail.OIDCToken.Invalid", "The OIDC token is not a valid JWT.")
	case p.Issuer != "" && claims.Issuer != p.Issuer:
		return nil, authFail("AuthenticationFail.OIDCToken.IssuerNotMatch", "The OIDC token's issuer is not the provider's.")
	case !anyOf(claims.Audience, p.ClientIDs):
		return nil, authFail("AuthenticationFail.OIDCToken.AudienceNotMatch", "The OIDC token's audience is not a client ID of the provider.")
	case after(claims.NotBefore, now):
		return nil, authFail("AuthenticationFail.OIDCToken.Invalid", "The OIDC token is not valid yet.")
	case claims.Expiry != nil && now.After(time.Unix(*claims.Expiry, 0)):
		return nil, authFail("AuthenticationFail.OIDCToken.Expired", "The OIDC token is expired.")
	case after(claims.IssuedAt, now):
		return nil, authFail("AuthenticationFail.OIDCToken.Invalid", "The OIDC token is not valid yet.")
	}
	return claims, nil
}

// after reports whether the NumericDate at is present and later than now.
func after(at *int64, now time.Time) bool {
	return at != nil && now.Before(time.Unix(*at, 0))
}

// anyOf reports whether the two lists share a value.
func anyOf(got, want []string) bool {
	for _, v := range got {
		if oneOf(v, want) {
			return true
		}
	}
	return false
}
