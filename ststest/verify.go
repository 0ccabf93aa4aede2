package ststest

import (
	"crypto/hmac"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/stsgo/sts/internal/protocol"
	"github.com/stsgo/sts/internal/signer"
)

// signedRequest is what a signature claims, before the server checks it.
type signedRequest struct {
	algorithm string
	keyID     string
	nonce     string
	timestamp string
	token     string
	// sign computes the signature the request should carry, given the key's secret.
	sign      func(secret string) []byte
	signature []byte
	// stringToSign is what a V1 signature signs; real STS quotes it when a V1
	// signature does not match, and official clients read it to tell a wrong secret
	// from a wrong string to sign.
	stringToSign string
}

// authenticate verifies a signed request and returns the key that signed it. The
// checks run in the order the real service's do: timestamp, key, signature, token,
// nonce; a nonce is spent only by a request whose signature verifies.
func (s *Server) authenticate(r *http.Request, p params, body []byte, now time.Time, rec *Request) (*accessKey, *apiError) {
	var sr *signedRequest
	var e *apiError
	switch {
	case r.Header.Get("Authorization") != "":
		sr, e = parseACS3(r, body)
	case p.has("Signature"):
		sr, e = parseV1(r, p)
	default:
		return nil, badRequest("MissingSignature", "The request is not signed.")
	}
	if e != nil {
		return nil, e
	}
	rec.Signature, rec.AccessKeyId = sr.algorithm, sr.keyID

	ts, err := time.Parse(protocol.TimestampLayout, sr.timestamp)
	if err != nil {
		return nil, badRequest("InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted.")
	}
	if d := now.Sub(ts); d > TimestampWindow || d < -TimestampWindow {
		return nil, badRequest("InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.")
	}
	if sr.nonce == "" {
		return nil, badRequest("MissingSignatureNonce", "SignatureNonce is mandatory for this action.")
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	key := s.keys[sr.keyID]
	if key == nil {
		return nil, &apiError{status: http.StatusNotFound, code: "InvalidAccessKeyId.NotFound", message: "Specified access key is not found."}
	}
	if !hmac.Equal(sr.sign(key.secret), sr.signature) {
		msg := "Specified signature is not matched with our calculation."
		if sr.stringToSign != "" {
			msg += " server string to sign is:" + sr.stringToSign
		}
		return nil, badRequest("SignatureDoesNotMatch", msg)
	}
	if key.kind == sessionKey {
		switch {
		case sr.token == "":
			return nil, badRequest("MissingSecurityToken", "SecurityToken is mandatory for this action.")
		case !hmac.Equal([]byte(sr.token), []byte(key.token)):
			return nil, badRequest("InvalidSecurityToken.MismatchWithAccessKey", "The Security Token does not match the AccessKeyId.")
		case !now.Before(key.expires):
			return nil, badRequest("InvalidSecurityToken.Expired", "Specified SecurityToken is expired.")
		}
	}
	if _, used := s.nonces[sr.nonce]; used {
		return nil, badRequest("SignatureNonceUsed", "Specified signature nonce was used already.")
	}
	s.rememberNonceLocked(sr.nonce, now)
	return key, nil
}

// rememberNonceLocked records a spent nonce. When the record has doubled since it was
// last pruned, it forgets the nonces whose timestamps can no longer pass the window
// anyway, and the issued keys that have expired: amortised constant time per request.
func (s *Server) rememberNonceLocked(nonce string, now time.Time) {
	if len(s.nonces) >= s.pruneAt {
		for n, until := range s.nonces {
			if now.After(until) {
				delete(s.nonces, n)
			}
		}
		for id, k := range s.keys {
			if k.kind == sessionKey && now.After(k.expires) {
				delete(s.keys, id)
			}
		}
		s.pruneAt = max(4096, 2*len(s.nonces))
	}
	s.nonces[nonce] = now.Add(2 * TimestampWindow)
}

// parseACS3 reads a V3 Authorization header and what it signs.
func parseACS3(r *http.Request, body []byte) (*signedRequest, *apiError) {
	incomplete := badRequest("IncompleteSignature", "The request signature does not conform to Aliyun standards.")
	algorithm, rest, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if algorithm != signer.ACS3HMACSHA256 && algorithm != signer.ACS3HMACSM3 {
		return nil, incomplete
	}
	fields := map[string]string{}
	for part := range strings.SplitSeq(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		fields[k] = v
	}
	names := strings.Split(fields["SignedHeaders"], ";")
	signed := map[string]bool{}
	for _, n := range names {
		signed[n] = true
	}
	for _, must := range protocol.RequiredSignedHeaders {
		if !signed[must] {
			return nil, incomplete
		}
	}
	// Every x-acs- header sent must be signed, so that none can be added in transit.
	for name := range r.Header {
		if n := strings.ToLower(name); strings.HasPrefix(n, "x-acs-") && !signed[n] {
			return nil, incomplete
		}
	}
	headers := make([]signer.Param, 0, len(names))
	for _, n := range names {
		v := r.Host
		if n != "host" {
			v = strings.TrimSpace(strings.Join(r.Header.Values(n), ","))
		}
		headers = append(headers, signer.Param{Name: n, Value: v})
	}
	signer.SortParams(headers)
	payloadHash := r.Header.Get("x-acs-content-sha256")
	if payloadHash != signer.HashedPayload(algorithm, body) {
		return nil, badRequest("SignatureDoesNotMatch", "The x-acs-content-sha256 header does not match the body.")
	}
	query := sortedParams(r.URL.Query(), "")
	canonicalQuery := signer.AppendCanonicalQuery(nil, query)
	return &signedRequest{
		algorithm: algorithm,
		keyID:     fields["Credential"],
		nonce:     r.Header.Get("x-acs-signature-nonce"),
		timestamp: r.Header.Get("x-acs-date"),
		token:     r.Header.Get("x-acs-security-token"),
		signature: []byte(fields["Signature"]),
		sign: func(secret string) []byte {
			return signer.AppendACS3Signature(nil, algorithm, r.Method, canonicalQuery, headers, payloadHash, secret)
		},
	}, nil
}

// parseV1 reads a V1 signature: every parameter, from the query and the form, but
// Signature is signed.
func parseV1(r *http.Request, p params) (*signedRequest, *apiError) {
	if p["SignatureMethod"] != signer.HMACSHA1 || p["SignatureVersion"] != "1.0" {
		return nil, badRequest("IncompleteSignature", "SignatureMethod must be HMAC-SHA1 and SignatureVersion 1.0.")
	}
	canonicalQuery := signer.AppendCanonicalQuery(nil, sortedParams(r.Form, "Signature"))
	return &signedRequest{
		algorithm:    signer.HMACSHA1,
		keyID:        p["AccessKeyId"],
		nonce:        p["SignatureNonce"],
		timestamp:    p["Timestamp"],
		token:        p["SecurityToken"],
		signature:    []byte(p["Signature"]),
		stringToSign: string(signer.AppendV1StringToSign(nil, r.Method, canonicalQuery)),
		sign: func(secret string) []byte {
			return signer.AppendV1Signature(nil, r.Method, canonicalQuery, secret)
		},
	}, nil
}

// sortedParams lists the first value of each parameter but skip, sorted by name.
func sortedParams(v url.Values, skip string) []signer.Param {
	out := make([]signer.Param, 0, len(v))
	for k, vs := range v {
		if k != skip {
			out = append(out, signer.Param{Name: k, Value: vs[0]})
		}
	}
	signer.SortParams(out)
	return out
}
