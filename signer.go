package sts

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"

	"github.com/stsgo/sts/internal/signer"
)

// randomNonce returns 128 bits from crypto/rand in hex.
func randomNonce() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}

// newRequest builds and signs one attempt's HTTP request, the way the official SDK
// lays it out: every parameter in the query, an empty body; V3 signs headers, V1 and
// the anonymous operations sign (or carry unsigned) RPC common parameters.
func (c *Client) newRequest(ctx context.Context, op operation, params []signer.Param, s *callSettings, cred credential) *http.Request {
	timestamp := c.timestamp()
	nonce := c.nonce()
	extra := mergeParams(nil, c.globalHeaders, s.headers, nil)

	// The headers the protocol adds: x-acs-action and x-acs-version for RPC; the
	// signed ones (but host, sent as req.Host) and Authorization for V3.
	var buf [16]signer.Param
	protocol := append(buf[:0], signer.Param{Name: "x-acs-action", Value: op.action}, signer.Param{Name: "x-acs-version", Value: apiVersion})
	var query string
	if op.anonymous || c.algorithm == signer.HMACSHA1 {
		query = c.rpcQuery(op, params, timestamp, nonce, cred)
	} else {
		var auth string
		query, auth, protocol = c.signACS3(op, params, extra, cred, timestamp, nonce, buf[:0])
		protocol = append(protocol, signer.Param{Name: "Authorization", Value: auth})
	}

	// All header values share one backing array: one allocation, not one per header.
	// Each value is a full slice (len = cap = 1), so appending to one copies it. The
	// map is made for its exact size: up to eight entries it is a single group.
	n := 2 + len(extra) + len(protocol)
	values := make([]string, 0, n)
	h := make(http.Header, n)
	set := func(name, value string) {
		values = append(values, value)
		h[name] = values[len(values)-1 : len(values) : len(values)]
	}
	set("User-Agent", c.userAgent)
	set("Accept", "application/json")
	for _, p := range extra {
		set(p.Name, p.Value)
	}
	for _, p := range protocol {
		if p.Name != "host" {
			set(p.Name, p.Value)
		}
	}
	req := &http.Request{
		Method:     http.MethodPost,
		URL:        &url.URL{Scheme: c.scheme, Host: c.endpoint, Path: "/", RawQuery: query},
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     h,
		Host:       c.endpoint,
	}
	return req.WithContext(ctx)
}

// signACS3 signs a request with the client's V3 algorithm. It returns the query string,
// the Authorization value, and the signed headers (appended to signed), which the
// request must carry as they are.
func (c *Client) signACS3(op operation, params, extra []signer.Param, cred credential, timestamp, nonce string, signed []signer.Param) (query, authorization string, headers []signer.Param) {
	var qb [512]byte
	canonicalQuery := signer.AppendCanonicalQuery(qb[:0], params)
	signed = append(signed,
		signer.Param{Name: "host", Value: c.endpoint},
		signer.Param{Name: "x-acs-action", Value: op.action},
		signer.Param{Name: "x-acs-content-sha256", Value: c.emptyPayloadHash},
		signer.Param{Name: "x-acs-date", Value: timestamp},
		signer.Param{Name: "x-acs-signature-nonce", Value: nonce},
		signer.Param{Name: "x-acs-version", Value: apiVersion},
	)
	if cred.securityToken != "" {
		signed = append(signed,
			signer.Param{Name: "x-acs-accesskey-id", Value: cred.accessKeyID},
			signer.Param{Name: "x-acs-security-token", Value: cred.securityToken})
	}
	for _, p := range extra {
		if signer.IsSignedHeader(p.Name) {
			signed = append(signed, p)
		}
	}
	signer.SortParams(signed)
	var sb [64]byte
	sig := signer.AppendACS3Signature(sb[:0], c.algorithm, http.MethodPost, canonicalQuery, signed, c.emptyPayloadHash, cred.accessKeySecret)
	var ab [512]byte
	return string(canonicalQuery), string(signer.AppendAuthorization(ab[:0], c.algorithm, cred.accessKeyID, signed, sig)), signed
}

// rpcQuery returns the query of an RPC-style request: the parameters plus the common
// ones, with a V1 signature unless the operation is anonymous.
func (c *Client) rpcQuery(op operation, params []signer.Param, timestamp, nonce string, cred credential) string {
	// The common parameters, written in the sorted order the signature needs; an
	// anonymous call has only the unsigned ones.
	var cb [9]signer.Param
	common := cb[:0]
	signed := !op.anonymous
	if signed {
		common = append(common, signer.Param{Name: "AccessKeyId", Value: cred.accessKeyID})
	}
	common = append(common, signer.Param{Name: "Action", Value: op.action}, signer.Param{Name: "Format", Value: "JSON"})
	if signed && cred.securityToken != "" {
		common = append(common, signer.Param{Name: "SecurityToken", Value: cred.securityToken})
	}
	if signed {
		common = append(common, signer.Param{Name: "SignatureMethod", Value: signer.HMACSHA1})
	}
	common = append(common, signer.Param{Name: "SignatureNonce", Value: nonce})
	if signed {
		common = append(common, signer.Param{Name: "SignatureVersion", Value: "1.0"})
	}
	common = append(common, signer.Param{Name: "Timestamp", Value: timestamp}, signer.Param{Name: "Version", Value: apiVersion})
	var mb [24]signer.Param
	all := mergeParams(mb[:0], params, common, nil)
	var qb [1024]byte
	if op.anonymous {
		return string(signer.AppendCanonicalQuery(qb[:0], all))
	}
	return string(signer.AppendSignedV1Query(qb[:0], http.MethodPost, all, cred.accessKeySecret))
}
