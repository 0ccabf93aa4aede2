package sts

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/stsgo/sts/internal/signer"
)

// randomNonce returns 128 bits from crypto/rand in hex.
func randomNonce() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}

// reservedHeaders are the headers the client writes itself; extra headers may not
// replace them.
var reservedHeaders = map[string]bool{
	"host": true, "authorization": true, "user-agent": true, "accept": true, "content-type": true,
	"content-length": true, "x-acs-action": true, "x-acs-version": true, "x-acs-date": true,
	"x-acs-signature-nonce": true, "x-acs-content-sha256": true, "x-acs-accesskey-id": true,
	"x-acs-security-token": true,
}

// headerParams turns extra headers into lower-case name/value pairs, refusing the
// ones the protocol owns.
func headerParams(field string, h map[string]*string) ([]signer.Param, error) {
	out := make([]signer.Param, 0, len(h))
	for k, v := range h {
		name := strings.ToLower(strings.TrimSpace(k))
		if reservedHeaders[name] {
			return nil, &ValidationError{Field: field, Rule: "must not set " + name + ", which the client writes itself"}
		}
		if v != nil {
			out = append(out, signer.Param{Name: name, Value: strings.TrimSpace(*v)})
		}
	}
	signer.SortParams(out)
	return out, nil
}

// queryParams turns extra query parameters into sorted name/value pairs.
func queryParams(q map[string]*string) []signer.Param {
	out := make([]signer.Param, 0, len(q))
	for k, v := range q {
		if v != nil {
			out = append(out, signer.Param{Name: k, Value: *v})
		}
	}
	signer.SortParams(out)
	return out
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

// mergeParams merges sorted parameter lists into one sorted list, appended to dst;
// where a name is in more than one, the later list's value wins. With nothing to merge
// it returns the only non-empty list as it is.
func mergeParams(dst, a, b, c []signer.Param) []signer.Param {
	switch {
	case len(a) == 0 && len(b) == 0:
		return c
	case len(a) == 0 && len(c) == 0:
		return b
	case len(b) == 0 && len(c) == 0:
		return a
	case len(a) == 0:
		return merge2(dst, b, c)
	case len(b) == 0:
		return merge2(dst, a, c)
	case len(c) == 0:
		return merge2(dst, a, b)
	}
	lists := [3][]signer.Param{a, b, c}
	out := slices.Grow(dst[:0], len(a)+len(b)+len(c))
	for {
		// The smallest name at the head of any list; the last list holding it wins.
		pick := -1
		for i, l := range lists {
			if len(l) > 0 && (pick < 0 || l[0].Name <= lists[pick][0].Name) {
				pick = i
			}
		}
		if pick < 0 {
			return out
		}
		p := lists[pick][0]
		for i, l := range lists {
			if len(l) > 0 && l[0].Name == p.Name {
				lists[i] = l[1:]
			}
		}
		out = append(out, p)
	}
}

// merge2 is mergeParams of two lists: the common case (the call's parameters and
// the RPC common parameters, or global and per-call extras), with one comparison per
// output element.
func merge2(dst, a, b []signer.Param) []signer.Param {
	out := slices.Grow(dst[:0], len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		switch {
		case a[0].Name < b[0].Name:
			out, a = append(out, a[0]), a[1:]
		case a[0].Name > b[0].Name:
			out, b = append(out, b[0]), b[1:]
		default: // the later list wins
			out, a, b = append(out, b[0]), a[1:], b[1:]
		}
	}
	out = append(out, a...)
	return append(out, b...)
}
