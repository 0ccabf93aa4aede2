package sts_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/alibabacloud-go/tea/dara"
	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
)

// TestSecretsInErrorFields answers with a JSON error whose fields quote secrets with
// no name, with names of other tools (secret_key, token), in a form's encoding, cut
// short, escaped five times or folded every 15 characters: the fields are scrubbed of
// named values, credential shapes and the caller's own secrets cut short.
func TestSecretsInErrorFields(t *testing.T) {
	form := "AccessKeySecret=" + url.QueryEscape(issuedSecret) + "&SecurityToken=" + url.QueryEscape(issuedToken)
	// escaped n times as a JSON string's content: JSON in JSON in JSON ...
	nested := func(n int) string {
		s := fmt.Sprintf(`{"AccessKeySecret":%q,"SecurityToken":%q}`, issuedSecret, issuedToken)
		for range n {
			q, _ := json.Marshal(s)
			s = strings.ReplaceAll(string(q[1:len(q)-1]), "/", `\/`)
		}
		return s
	}
	cases := map[string]struct {
		status int
		body   string
	}{
		"500 code, message holds a form-encoded echo": {500, withCode("callback failed, body=" + url.QueryEscape(form))},
		"500 code, message quotes the caller's token cut short, unnamed": {500,
			withCode("Specified security token " + canaryToken[:20] + "... is not valid")},
		"500 code, message quotes issued values without names": {500,
			withCode("upstream issued STS.issued " + issuedSecret + " " + issuedToken)},
		"500 code, message holds terraform-style names": {500,
			withCode(fmt.Sprintf(`{"access_key":"STS.issued","secret_key":%q,"token":%q}`, issuedSecret, issuedToken))},
		"500 code, message holds JSON escaped five times": {500, withCode(nested(5))},
		"502 token folded every 15 characters":            {502, "upstream: SecurityToken:\n" + strings.Join(fold(issuedToken, 15), "\n")},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			srv := newHTTPServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tc.status)
				io.WriteString(w, tc.body)
			})
			requireNoPiece(t, callOnce(t, srv))
		})
	}
}

// TestResponseStringRedactsEchoedHeaders: a successful answer from a proxy that
// echoes request headers (x-acs-security-token among them) keeps them in
// Response.Headers; the Response's String redacts every header whose name holds a
// secret's word.
func TestResponseStringRedactsEchoedHeaders(t *testing.T) {
	body := recorded(t, "assume_role.json")
	srv := newHTTPServer(t, func(w http.ResponseWriter, r *http.Request) {
		for k, v := range r.Header {
			w.Header()["X-Echo-"+k] = v
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	})
	c := newTestClient(t, &sts.Config{AccessKeyId: dara.String("LTAIcanary"), AccessKeySecret: dara.String(canarySecret),
		SecurityToken: dara.String(canaryToken), Endpoint: dara.String(srv), Protocol: dara.String("HTTP")})
	resp, err := c.AssumeRole(new(sts.AssumeRoleRequest).SetRoleArn(testRole).SetRoleSessionName("canary"))
	require.NoError(t, err)
	requireNoPiece(t, map[string]string{"String": resp.String(), "%v": fmt.Sprintf("%v", resp), "%+v": fmt.Sprintf("%+v", *resp)})
}
