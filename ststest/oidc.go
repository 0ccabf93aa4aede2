package ststest

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"net/http"
	"slices"
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

// PublicKey is the key that verifies the provider's tokens (RS256), for code under
// test that checks tokens itself, for example to serve it as a JWKS. It is a copy.
func (p *OIDCProvider) PublicKey() *rsa.PublicKey {
	// A copy: a test that changes it must not change the key the server checks with.
	return &rsa.PublicKey{N: new(big.Int).Set(p.key.N), E: p.key.E}
}

// TokenOption changes a token that Token mints, for tests of rejected tokens.
type TokenOption func(*tokenSpec)

type tokenSpec struct {
	claims    jwtClaims
	rawHeader *string
	rawClaims *string
	key       *rsa.PrivateKey
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

// RawHeader makes json the token's JOSE header, byte for byte, in place of
// {"alg":"RS256","typ":"JWT"}, for tests of malformed or unusual headers: it is
// neither checked nor re-encoded, and the token is still signed with RS256 over it.
func RawHeader(json string) TokenOption {
	return func(t *tokenSpec) { t.rawHeader = &json }
}

// RawClaims makes json the token's payload, byte for byte, in place of the claims the
// other options set (Audience, Expiry and Issuer then have no effect), for tests of
// malformed or unusual claims: it is neither checked nor re-encoded, and the token is
// still signed over it.
func RawClaims(json string) TokenOption {
	return func(t *tokenSpec) { t.rawClaims = &json }
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
	header := `{"alg":"RS256","typ":"JWT"}`
	if spec.rawHeader != nil {
		header = *spec.rawHeader
	}
	if spec.rawClaims != nil {
		return signRS256(spec.key, header, []byte(*spec.rawClaims))
	}
	payload, err := json.Marshal(spec.claims)
	mustf(err == nil, "encoding claims: %v", err)
	return signRS256(spec.key, header, payload)
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
	errJWTClaims    = errors.New("the claims do not decode")
)

// parseRS256 parses a JWS compact serialization whose header names the RS256
// algorithm, and nothing else (not "none", not HS256 keyed with the public key),
// checks its signature against key, and only then reads the claims. It decides as
// go-jose v4's jwt.ParseSigned (RS256 only) then Claims did, which the fake used
// before: errJWTMalformed for what ParseSigned refused (a part that is not base64url,
// a header that is not a JSON object or names a member twice, a header member of the
// wrong type), errJWTSignature for what the verification refused (a "crit" header
// naming anything but "b64", or a signature that does not verify), errJWTClaims for
// claims that do not decode. As go-jose, it ignores CR and LF inside a part (Go's
// base64 does) and verifies the signature over the parts re-encoded from what they
// decode to, with the payload as decoded if the header says "b64":false (RFC 7797).
// One difference is kept: go-jose parsed a "jwk" header member (a public key of any
// type, checked against its x5c) and then ignored it; the fake refuses any non-null
// "jwk" as malformed.
func parseRS256(token string, key *rsa.PublicKey) (*jwtClaims, error) {
	headerPart, rest, ok1 := strings.Cut(token, ".")
	payloadPart, sigPart, ok2 := strings.Cut(rest, ".")
	if !ok1 || !ok2 || strings.Contains(sigPart, ".") {
		return nil, errJWTMalformed
	}
	rawHeader, err0 := b64.DecodeString(headerPart)
	payload, err1 := b64.DecodeString(payloadPart)
	sig, err2 := b64.DecodeString(sigPart)
	if err0 != nil || err1 != nil || err2 != nil {
		return nil, errJWTMalformed
	}
	header, err := decodeHeader(rawHeader)
	if err != nil {
		return nil, err
	}
	if !criticalUnderstood(header["crit"]) {
		return nil, errJWTSignature
	}
	input := b64.EncodeToString(rawHeader) + "."
	if b, ok := header["b64"]; ok && string(b) == "false" {
		input += string(payload)
	} else {
		input += b64.EncodeToString(payload)
	}
	digest := sha256.Sum256([]byte(input))
	if rsa.VerifyPKCS1v15(key, crypto.SHA256, digest[:], sig) != nil {
		return nil, errJWTSignature
	}
	return decodeClaims(payload)
}

// decodeHeader reads a JOSE header as go-jose's ParseSigned did: a JSON object that
// names no member twice at any depth, whose "alg" is "RS256", whose "kid" and "nonce"
// are strings, "x5c" a list of base64 DER certificates, and whose other members are
// any JSON (a number beyond float64 refused). A null member is absent. It returns the
// non-null members.
func decodeHeader(raw []byte) (map[string]json.RawMessage, error) {
	var members map[string]json.RawMessage
	if json.Unmarshal(raw, &members) != nil || members == nil || duplicateNames(raw, true) {
		return nil, errJWTMalformed
	}
	var alg string
	for name, v := range members {
		if string(v) == "null" {
			delete(members, name)
			continue
		}
		var err error
		switch name {
		case "alg":
			err = json.Unmarshal(v, &alg)
		case "kid", "nonce":
			err = json.Unmarshal(v, new(string))
		case "x5c":
			err = parseCertificates(v)
		case "jwk":
			err = errJWTMalformed
		default:
			err = json.Unmarshal(v, new(any))
		}
		if err != nil {
			return nil, errJWTMalformed
		}
	}
	if alg != "RS256" {
		return nil, errJWTMalformed
	}
	return members, nil
}

// criticalUnderstood reports whether a crit header member (RFC 7515 section 4.1.11),
// nil when absent, names no extension but "b64" (RFC 7797), the one go-jose knew.
func criticalUnderstood(raw json.RawMessage) bool {
	var crit []string
	return raw == nil || json.Unmarshal(raw, &crit) == nil && !slices.ContainsFunc(crit, func(c string) bool { return c != "b64" })
}

// parseCertificates reads an x5c header member: a list of base64 (standard alphabet,
// padded) DER certificates, none of them trusted or used.
func parseCertificates(raw json.RawMessage) error {
	var chain []string
	if err := json.Unmarshal(raw, &chain); err != nil {
		return err
	}
	for _, c := range chain {
		der, err := base64.StdEncoding.DecodeString(c)
		if err == nil {
			_, err = x509.ParseCertificate(der)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// duplicateNames reports whether an object of the valid JSON text data names a member
// twice (compared once unescaped), in the top-level object only or at any depth.
// go-jose's JSON decoder refused such text where it decoded it: at any depth in a
// header, at the top of the claims (the members it did not decode into a claim were
// skipped unread).
func duplicateNames(data []byte, anyDepth bool) bool {
	type frame struct {
		names   map[string]bool // nil for an array
		wantKey bool
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			continue
		}
		if top != nil && top.names != nil {
			if top.wantKey {
				name := tok.(string)
				if top.names[name] {
					return true
				}
				top.names[name] = true
				top.wantKey = false
				continue
			}
			top.wantKey = true
		}
		switch tok {
		case json.Delim('{'):
			f := &frame{wantKey: true}
			if anyDepth || len(stack) == 0 {
				f.names = map[string]bool{}
			}
			stack = append(stack, f)
		case json.Delim('['):
			stack = append(stack, &frame{})
		}
	}
}

// decodeClaims reads the registered claims as go-jose's jwt.Claims did: a JSON object
// (or null: no claims) naming no member twice, the names matched exactly (unlike
// encoding/json's folding of case), iss, sub and jti strings, aud a string or a list of
// strings, exp, nbf and iat NumericDates; a null claim is absent, except a null aud,
// which is refused. It returns errJWTClaims.
func decodeClaims(payload []byte) (*jwtClaims, error) {
	var fields map[string]json.RawMessage
	if json.Unmarshal(payload, &fields) != nil || duplicateNames(payload, false) {
		return nil, errJWTClaims
	}
	c := new(jwtClaims)
	for name, raw := range fields {
		var err error
		switch name {
		case "iss":
			err = json.Unmarshal(raw, &c.Issuer)
		case "sub":
			err = json.Unmarshal(raw, &c.Subject)
		case "jti":
			err = json.Unmarshal(raw, new(string))
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
			return nil, errJWTClaims
		}
	}
	return c, nil
}

// decodeAudience reads the aud claim: a string or a list of strings; anything else,
// null included, is refused.
func decodeAudience(raw json.RawMessage) (audience, error) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	switch v := v.(type) {
	case string:
		return audience{v}, nil
	case []any:
		a := make(audience, len(v))
		for i, e := range v {
			s, ok := e.(string)
			if !ok {
				return nil, errJWTClaims
			}
			a[i] = s
		}
		return a, nil
	}
	return nil, errJWTClaims
}

// maxNumericDate bounds a NumericDate (2^62 seconds) far beyond any real time and
// below where time.Unix would wrap a huge not-before into the past.
const maxNumericDate = 1 << 62

// decodeNumericDate reads a JSON number of seconds, fractions dropped; null is absent.
func decodeNumericDate(raw json.RawMessage) (*int64, error) {
	if string(raw) == "null" {
		return nil, nil
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil || math.Abs(f) >= maxNumericDate {
		return nil, errJWTClaims
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
	case errors.Is(err, errJWTClaims):
		return nil, authFail("AuthenticationFail.OIDCToken.InvalidSignature", "The OIDC token's claims do not decode.")
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
