package ststest_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/alibabacloud-go/tea/dara"
	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
	"github.com/stsgo/sts/ststest"
)

// capture is a RoundTripper that keeps the request instead of sending it.
type capture struct{ req *http.Request }

var errCaptured = errors.New("captured")

func (c *capture) RoundTrip(r *http.Request) (*http.Response, error) {
	c.req = r
	return nil, errCaptured
}

// signedRequest returns a request our client signed for the server, unsent.
func signedRequest(t *testing.T, srv *ststest.Server, alg string, token bool) *http.Request {
	t.Helper()
	cfg := srv.Config()
	if token {
		resp, err := srv.Client().AssumeRole(new(sts.AssumeRoleRequest).SetRoleArn(srv.Role().Arn).SetRoleSessionName("prop"))
		require.NoError(t, err)
		c := resp.Body.Credentials
		cfg = srv.ConfigFor(*c.AccessKeyId, *c.AccessKeySecret, *c.SecurityToken)
	}
	if alg != "" {
		cfg.SignatureAlgorithm = dara.String(alg)
	}
	cap := &capture{}
	client, err := sts.NewClient(cfg, sts.WithHTTPClient(&http.Client{Transport: cap}), sts.WithRetryPolicy(sts.RetryPolicy{MaxAttempts: 1}))
	require.NoError(t, err)
	_, err = client.AssumeRole(new(sts.AssumeRoleRequest).SetRoleArn(srv.Role().Arn).SetRoleSessionName("prop").
		SetDurationSeconds(900).SetPolicy(`{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:GetObject","Resource":"*"}]}`))
	require.ErrorIs(t, err, errCaptured)
	return cap.req
}

// send replays a captured request to the server and returns the error code ("" for
// success).
func send(t *testing.T, r *http.Request, query url.Values, header http.Header) string {
	t.Helper()
	u := *r.URL
	u.RawQuery = query.Encode()
	req, err := http.NewRequest(r.Method, u.String(), nil)
	require.NoError(t, err)
	req.Header = header
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusOK {
		return ""
	}
	var e struct{ Code string }
	require.NoError(t, json.Unmarshal(body, &e), "%s", body)
	require.NotEmpty(t, e.Code)
	return e.Code
}

// mutate changes one byte of s to another printable byte.
func mutate(r *rand.Rand, s string) string {
	if s == "" {
		return "x"
	}
	b := []byte(s)
	i := r.IntN(len(b))
	for {
		c := byte(33 + r.IntN(94))
		if c != b[i] {
			b[i] = c
			return string(b)
		}
	}
}

// TestSignedRequestsVerifyAndMutantsDoNot is a property test: a request our client
// signs always verifies, and changing any one byte of any signed part (a query
// parameter, a signed header, the signature or the key ID) never does.
func TestSignedRequestsVerifyAndMutantsDoNot(t *testing.T) {
	srv := ststest.NewServer()
	defer srv.Close()
	srv.Trust(srv.Role().Arn, srv.Role().Arn) // sessions of the role may assume it again
	r := rand.New(rand.NewPCG(7, 11))
	for _, alg := range []string{"", "ACS3-HMAC-SM3", "v2"} {
		for _, token := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/token=%t", alg, token), func(t *testing.T) {
				for i := range 60 {
					req := signedRequest(t, srv, alg, token)
					query := req.URL.Query()
					if i%10 == 0 {
						require.Empty(t, send(t, req, query, req.Header.Clone()), "an unchanged request verifies")
						continue
					}
					header := req.Header.Clone()
					var parts []string
					for k := range query {
						parts = append(parts, "query:"+k)
					}
					for k := range header {
						if strings.HasPrefix(strings.ToLower(k), "x-acs-") || k == "Authorization" {
							parts = append(parts, "header:"+k)
						}
					}
					slices.Sort(parts)
					part := parts[r.IntN(len(parts))]
					kind, name, _ := strings.Cut(part, ":")
					if kind == "query" {
						query.Set(name, mutate(r, query.Get(name)))
					} else {
						header.Set(name, mutate(r, header.Get(name)))
					}
					code := send(t, req, query, header)
					require.NotEmpty(t, code, "changing %s must not verify", part)
					for _, later := range []string{"InvalidParameter", "MissingParameter", "NoPermission", "EntityNotExist"} {
						require.False(t, strings.HasPrefix(code, later), "changing %s was caught only after verification: %s", part, code)
					}
				}
			})
		}
	}
}
