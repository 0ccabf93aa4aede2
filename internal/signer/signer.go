// Package signer holds the pure canonicalisation and signature steps of Alibaba Cloud's
// RPC (V1, HMAC-SHA1) and V3 (ACS3-HMAC-SHA256, ACS3-HMAC-SM3) request signatures.
//
// The client signs with it and the fake server verifies with it, so both share one
// canonicalisation; interop tests against the official SDK keep that honest. Nothing
// here reads a clock or a random source: time, nonce and secret are the caller's.
//
// The steps are named as the specifications name them: canonical query, canonical
// request, string to sign, signature. See
// https://help.aliyun.com/document_detail/25490 (V1) and
// https://help.aliyun.com/document_detail/2593177 (V3).
package signer

import (
	"cmp"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"slices"
	"strings"
	"sync"

	"github.com/tjfoc/gmsm/sm3"
)

// The algorithm names, as they appear on the wire.
const (
	HMACSHA1       = "HMAC-SHA1"
	ACS3HMACSHA256 = "ACS3-HMAC-SHA256"
	ACS3HMACSM3    = "ACS3-HMAC-SM3"
)

// EmptySHA256 is the lower-case hex SHA-256 of an empty body: the x-acs-content-sha256
// of every request the STS client sends.
const EmptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// Param is one name/value pair of a query or one header line.
type Param struct {
	Name, Value string
}

// SortParams sorts p by name in byte order, the order both signatures require.
func SortParams(p []Param) {
	slices.SortFunc(p, func(a, b Param) int { return cmp.Compare(a.Name, b.Name) })
}

const upperHex = "0123456789ABCDEF"

// unreserved marks the bytes RFC 3986 percent-encoding leaves as they are:
// A-Z a-z 0-9 - _ . ~.
var unreserved = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == '~'
	}
	return t
}()

// AppendEscape appends the RFC 3986 percent-encoding of s to dst: A-Z a-z 0-9 - _ . ~
// stay as they are, every other byte becomes %XY with upper-case hex (space is %20,
// never +; * is %2A).
func AppendEscape[T string | []byte](dst []byte, s T) []byte {
	for i := 0; i < len(s); {
		// Copy a run of unreserved bytes at once: most of a query is made of them.
		j := i
		for j < len(s) && unreserved[s[j]] {
			j++
		}
		dst = append(dst, s[i:j]...)
		if j == len(s) {
			break
		}
		c := s[j]
		dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
		i = j + 1
	}
	return dst
}

// AppendCanonicalQuery appends the canonical query of params, which must be sorted by
// name: escape(name)=escape(value) pairs joined by '&', with "name=" for an empty value.
// The same bytes are the V3 canonical query string, the V1 canonicalized query string
// and the query string the client puts on the URL.
func AppendCanonicalQuery(dst []byte, params []Param) []byte {
	for i, p := range params {
		if i > 0 {
			dst = append(dst, '&')
		}
		dst = AppendEscape(dst, p.Name)
		dst = append(dst, '=')
		dst = AppendEscape(dst, p.Value)
	}
	return dst
}

// AppendV1StringToSign appends the V1 string to sign: METHOD&%2F&escape(canonicalQuery).
func AppendV1StringToSign(dst []byte, method string, canonicalQuery []byte) []byte {
	dst = append(dst, method...)
	dst = append(dst, "&%2F&"...)
	return AppendEscape(dst, canonicalQuery)
}

// AppendCanonicalQueryAndV1StringToSign appends, in one pass over params (sorted by
// name), their canonical query to query and the V1 string to sign to stringToSign:
// what AppendCanonicalQuery and AppendV1StringToSign append, without escaping the
// canonical query a second time (the escape of %XY is %25XY).
func AppendCanonicalQueryAndV1StringToSign(query, stringToSign []byte, method string, params []Param) ([]byte, []byte) {
	stringToSign = append(stringToSign, method...)
	stringToSign = append(stringToSign, "&%2F&"...)
	for i, p := range params {
		if i > 0 {
			query = append(query, '&')
			stringToSign = append(stringToSign, "%26"...)
		}
		query, stringToSign = appendEscapeTwice(query, stringToSign, p.Name)
		query = append(query, '=')
		stringToSign = append(stringToSign, "%3D"...)
		query, stringToSign = appendEscapeTwice(query, stringToSign, p.Value)
	}
	return query, stringToSign
}

// appendEscapeTwice appends the escape of s to once and the escape of that to twice.
func appendEscapeTwice(once, twice []byte, s string) ([]byte, []byte) {
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && unreserved[s[j]] {
			j++
		}
		once = append(once, s[i:j]...)
		twice = append(twice, s[i:j]...)
		if j == len(s) {
			break
		}
		c := s[j]
		once = append(once, '%', upperHex[c>>4], upperHex[c&15])
		twice = append(twice, '%', '2', '5', upperHex[c>>4], upperHex[c&15])
		i = j + 1
	}
	return once, twice
}

// AppendV1Signature appends the V1 signature of a request whose parameters (all but
// Signature) give canonicalQuery: base64(HMAC-SHA1(secret + "&", string to sign)).
func AppendV1Signature(dst []byte, method string, canonicalQuery []byte, secret string) []byte {
	s := getScratch()
	defer putScratch(s)
	s.buf = AppendV1StringToSign(s.buf[:0], method, canonicalQuery)
	return base64.StdEncoding.AppendEncode(dst, s.hmac(HMACSHA1).appendSum(s.sum[:0], secret, "&", s.buf))
}

// AppendSignedV1Query appends to dst the query of a V1-signed request: the
// canonical query of params (sorted by name), then "&Signature=" and the escaped
// signature. The string to sign is built in the same pass as the query, in pooled
// memory.
func AppendSignedV1Query(dst []byte, method string, params []Param, secret string) []byte {
	s := getScratch()
	defer putScratch(s)
	dst, s.buf = AppendCanonicalQueryAndV1StringToSign(dst, s.buf[:0], method, params)
	s.out = base64.StdEncoding.AppendEncode(s.out[:0], s.hmac(HMACSHA1).appendSum(s.sum[:0], secret, "&", s.buf))
	dst = append(dst, "&Signature="...)
	return AppendEscape(dst, s.out)
}

// IsSignedHeader reports whether a header, by its lower-case name, is part of a V3
// signature: host, content-type and every x-acs- header.
func IsSignedHeader(lowerName string) bool {
	return lowerName == "host" || lowerName == "content-type" || strings.HasPrefix(lowerName, "x-acs-")
}

// AppendCanonicalRequest appends the V3 canonical request:
// METHOD\n/\nCanonicalQuery\nCanonicalHeaders\nSignedHeaders\nHashedPayload.
// headers must hold only signed headers, with lower-case names and trimmed values,
// sorted by name.
func AppendCanonicalRequest(dst []byte, method string, canonicalQuery []byte, headers []Param, hashedPayload string) []byte {
	dst = append(dst, method...)
	dst = append(dst, "\n/\n"...)
	dst = append(dst, canonicalQuery...)
	dst = append(dst, '\n')
	for _, h := range headers {
		dst = append(dst, h.Name...)
		dst = append(dst, ':')
		dst = append(dst, h.Value...)
		dst = append(dst, '\n')
	}
	dst = append(dst, '\n')
	dst = AppendSignedHeaders(dst, headers)
	dst = append(dst, '\n')
	return append(dst, hashedPayload...)
}

// AppendSignedHeaders appends the SignedHeaders list: the header names joined by ';'.
func AppendSignedHeaders(dst []byte, headers []Param) []byte {
	for i, h := range headers {
		if i > 0 {
			dst = append(dst, ';')
		}
		dst = append(dst, h.Name...)
	}
	return dst
}

// AppendACS3StringToSign appends the V3 string to sign: the algorithm, a newline, and
// the lower-case hex hash of the canonical request.
func AppendACS3StringToSign(dst []byte, algorithm string, canonicalRequest []byte) []byte {
	dst = append(dst, algorithm...)
	dst = append(dst, '\n')
	var sum [32]byte
	return hex.AppendEncode(dst, appendHash(sum[:0], algorithm, canonicalRequest))
}

// AppendACS3Signature appends the lower-case hex V3 signature of a request, given the
// parts of its canonical request (see AppendCanonicalRequest).
func AppendACS3Signature(dst []byte, algorithm, method string, canonicalQuery []byte, headers []Param, hashedPayload, secret string) []byte {
	s := getScratch()
	defer putScratch(s)
	s.buf = AppendCanonicalRequest(s.buf[:0], method, canonicalQuery, headers, hashedPayload)
	s.out = AppendACS3StringToSign(s.out[:0], algorithm, s.buf)
	return hex.AppendEncode(dst, s.hmac(algorithm).appendSum(s.sum[:0], secret, "", s.out))
}

// AppendAuthorization appends the V3 Authorization header value:
// "<algorithm> Credential=<id>,SignedHeaders=<names>,Signature=<hex>".
func AppendAuthorization(dst []byte, algorithm, accessKeyID string, headers []Param, signature []byte) []byte {
	dst = append(dst, algorithm...)
	dst = append(dst, " Credential="...)
	dst = append(dst, accessKeyID...)
	dst = append(dst, ",SignedHeaders="...)
	dst = AppendSignedHeaders(dst, headers)
	dst = append(dst, ",Signature="...)
	return append(dst, signature...)
}

// HashedPayload returns the lower-case hex hash of body under a V3 algorithm: the value
// of x-acs-content-sha256.
func HashedPayload(algorithm string, body []byte) string {
	if len(body) == 0 && algorithm != ACS3HMACSM3 {
		return EmptySHA256
	}
	return hex.EncodeToString(appendHash(nil, algorithm, body))
}

// appendHash appends the hash of b under the algorithm: SM3 for ACS3-HMAC-SM3, else
// SHA-256.
func appendHash(dst []byte, algorithm string, b []byte) []byte {
	if algorithm == ACS3HMACSM3 {
		return append(dst, sm3.Sm3Sum(b)...)
	}
	sum := sha256.Sum256(b)
	return append(dst, sum[:]...)
}

// scratch is the per-call working memory of a signature: buffers for the strings a
// signature is computed over and for its result, and a mac per algorithm. Nothing in
// it is derived from a secret once the call returns (see mac).
type scratch struct {
	buf, out []byte
	sum      []byte // the last MAC, public once sent
	macs     map[string]*mac
}

var scratchPool = sync.Pool{New: func() any {
	return &scratch{buf: make([]byte, 0, 1024), out: make([]byte, 0, 256), sum: make([]byte, 0, 32), macs: make(map[string]*mac, 2)}
}}

func getScratch() *scratch { return scratchPool.Get().(*scratch) }

func putScratch(s *scratch) {
	if cap(s.buf) > 64<<10 || cap(s.out) > 64<<10 {
		return // do not keep a buffer grown by an unusually large request
	}
	scratchPool.Put(s)
}

// hmac returns the scratch's mac for the algorithm.
func (s *scratch) hmac(algorithm string) *mac {
	m := s.macs[algorithm]
	if m == nil {
		m = newMAC(algorithm)
		s.macs[algorithm] = m
	}
	return m
}
