package sts_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/alibabacloud-go/tea/dara"
	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
)

// Canary values: if any of them shows up in an error, a log line or String output, a
// secret has leaked. They hold + / = so that their percent-encoded forms differ.
const (
	canarySecret = "CanarySecret+/=0123456789abcdef"
	canaryToken  = "CanaryToken+/=CAIS9876543210fedcba"
	canaryOIDC   = "eyJhbGciOiJSUzI1NiJ9.CanaryOIDC+/=.c2ln"
	canarySAML   = "PHNhbWw+CanarySAML/=PC9zYW1sPg=="
)

var canaries = []string{canarySecret, canaryToken, canaryOIDC, canarySAML}

func requireNoCanary(t *testing.T, where, s string) {
	t.Helper()
	for _, c := range canaries {
		for _, form := range []string{c, strings.ReplaceAll(strings.ReplaceAll(strings.ReplaceAll(c, "+", "%2B"), "/", "%2F"), "=", "%3D")} {
			require.NotContains(t, s, form, "a secret leaked into %s", where)
		}
	}
}

// TestNoSecretLeaks runs every error path with debug logging on, against servers that
// echo the whole request back in their error bodies, and checks that no secret shows
// in any error, log line or String output.
func TestNoSecretLeaks(t *testing.T) {
	echo := func(status int, contentType string, wrap func(string) string) func(http.ResponseWriter, *http.Request) {
		return func(w http.ResponseWriter, r *http.Request) {
			var b strings.Builder
			fmt.Fprintf(&b, "%s %s\n", r.Method, r.URL.String())
			r.Header.Write(&b)
			w.Header().Set("Content-Type", contentType)
			w.WriteHeader(status)
			w.Write([]byte(wrap(b.String())))
		}
	}
	jsonMessage := func(code string) func(string) string {
		return func(s string) string { return fmt.Sprintf(`{"Code":%q,"Message":%q,"RequestId":"R"}`, code, s) }
	}
	handlers := map[string]func(http.ResponseWriter, *http.Request){
		"403 echoing json":    echo(403, "application/json", jsonMessage("NoPermission")),
		"500 echoing json":    echo(500, "application/json", jsonMessage("InternalError")),
		"502 echoing html":    echo(502, "text/html", func(s string) string { return "<html><pre>" + s + "</pre></html>" }),
		"200 echoing garbage": echo(200, "text/plain", func(s string) string { return "not json " + s }),
		"200 with code":       echo(200, "application/json", jsonMessage("InvalidSecurityToken.Expired")),
		"400 echoing into every field": echo(400, "application/json", func(s string) string {
			q, _ := json.Marshal(s)
			return fmt.Sprintf(`{"Code":%s,"Message":%s,"RequestId":%s,"HostId":%s,"Recommend":%s,"AccessDeniedDetail":{"AuthAction":%s,"EncodedDiagnosticMessage":%s}}`, q, q, q, q, q, q, q)
		}),
		"too large": func(w http.ResponseWriter, r *http.Request) {
			w.Write(bytes.Repeat([]byte(canaryToken), sts.MaxResponseBytes/10))
		},
		"hang":    func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }, // until the client gives up
		"success": func(w http.ResponseWriter, r *http.Request) { w.Write(recorded(t, "assume_role.json")) },
	}
	for name, h := range handlers {
		for _, alg := range []string{"", "v2"} {
			t.Run(name+"/"+alg, func(t *testing.T) {
				srv := newHTTPServer(t, h)
				var logs bytes.Buffer
				logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
				cfg := &sts.Config{AccessKeyId: dara.String("LTAIcanary"), AccessKeySecret: dara.String(canarySecret),
					SecurityToken: dara.String(canaryToken), Endpoint: dara.String(srv), Protocol: dara.String("HTTP")}
				if alg != "" {
					cfg.SignatureAlgorithm = dara.String(alg)
				}
				c := newTestClient(t, cfg, sts.WithLogger(logger))
				// Each call runs to its end: against the hanging server, to its 100 ms
				// deadline; against the others, to their answer (20 s is a bound for a
				// loaded machine). One 100 ms deadline for all four calls, as before,
				// ran out before the later calls were sent whenever the machine stalled
				// the test that long, and those calls' error paths went unchecked.
				wait := 20 * time.Second
				if name == "hang" {
					wait = 100 * time.Millisecond
				}
				ctx := contextFor(t, wait)

				var outputs []string
				r1, err := c.AssumeRoleWithContext(ctx(), new(sts.AssumeRoleRequest).SetRoleArn(testRole).SetRoleSessionName("canary"), nil)
				outputs = append(outputs, fmt.Sprint(err), fmt.Sprintf("%v %+v %#v", r1, r1, r1))
				r2, err := c.AssumeRoleWithOIDCWithContext(ctx(), new(sts.AssumeRoleWithOIDCRequest).SetRoleArn(testRole).
					SetOIDCProviderArn("acs:ram::1:oidc-provider/p").SetOIDCToken(canaryOIDC), nil)
				outputs = append(outputs, fmt.Sprint(err), fmt.Sprintf("%v", r2))
				samlReq := new(sts.AssumeRoleWithSAMLRequest).SetRoleArn(testRole).
					SetSAMLProviderArn("acs:ram::1:saml-provider/p").SetSAMLAssertion(canarySAML)
				r3, err := c.AssumeRoleWithSAMLWithContext(ctx(), samlReq, nil)
				outputs = append(outputs, fmt.Sprint(err), fmt.Sprintf("%v", r3), samlReq.String(), fmt.Sprintf("%#v", *samlReq))
				_, err = c.GetCallerIdentityWithContext(ctx(), nil)
				outputs = append(outputs, fmt.Sprint(err))
				outputs = append(outputs, logs.String())
				require.NotEmpty(t, logs.String(), "debug logging wrote lines")
				for i, out := range outputs {
					requireNoCanary(t, fmt.Sprintf("output %d: %s", i, out), out)
				}
			})
		}
	}
}

// TestValidationErrorsCarryNoValues checks that invalid secrets are not echoed.
func TestValidationErrorsCarryNoValues(t *testing.T) {
	c := newTestClient(t, &sts.Config{AccessKeyId: dara.String("id"), AccessKeySecret: dara.String(canarySecret)})
	_, err := c.AssumeRoleWithOIDC(new(sts.AssumeRoleWithOIDCRequest).SetRoleArn("bad").SetOIDCProviderArn("bad").SetOIDCToken(canaryOIDC + strings.Repeat("x", 20000)))
	require.Error(t, err)
	requireNoCanary(t, "validation error", err.Error())
}

func TestStringRedacts(t *testing.T) {
	resp := &sts.AssumeRoleResponse{Body: &sts.AssumeRoleResponseBody{
		Credentials: new(sts.Credentials).SetAccessKeyId("STS.id").SetAccessKeySecret(canarySecret).SetSecurityToken(canaryToken).SetExpiration("2030-01-01T00:00:00Z"),
	}}
	resp.SetStatusCode(200)
	for _, s := range []string{resp.String(), resp.GoString(), fmt.Sprintf("%v|%+v|%#v|%s", resp, *resp, resp, resp.Body), resp.Body.Credentials.String()} {
		requireNoCanary(t, "String", s)
		require.Contains(t, s, "STS.id", "the rest still shows")
		require.Contains(t, s, "<redacted>")
	}
	req := new(sts.AssumeRoleWithOIDCRequest).SetOIDCToken(canaryOIDC).SetRoleArn(testRole)
	requireNoCanary(t, "String", req.String())
	require.Contains(t, req.String(), testRole)
}

// Canaries that the service issues: an answer carries them, the caller never had them.
const (
	issuedSecret = "IssuedSecretCanary0123456789ab"
	issuedToken  = "CAISIssuedTokenCanary+/fedcba9876543210ABCDEFGHIJ/+klmnopqrstuvwxyz=="
)

// TestIssuedSecretsNeverLeak answers calls with newly issued credentials in every
// hostile shape (truncated anywhere, trailing bytes, echoed in a 4xx/5xx as JSON,
// HTML, XML, a query, nested and escaped JSON) and checks that neither the issued
// secret nor the token, nor any 12-character piece of them, reaches an error or a log
// line. Before, the excerpt of an unreadable answer was scrubbed only of the caller's
// own secrets.
func TestIssuedSecretsNeverLeak(t *testing.T) {
	creds := fmt.Sprintf(`{"RequestId":"R","Credentials":{"AccessKeyId":"STS.issued","AccessKeySecret":%q,"SecurityToken":%q,"Expiration":"2030-01-01T00:00:00Z"}}`, issuedSecret, issuedToken)
	pretty, _ := json.MarshalIndent(json.RawMessage(creds), "", "  ")
	quoted, _ := json.Marshal(creds)
	bodies := map[string]struct {
		status int
		body   string
	}{
		"200 trailing bytes":    {200, creds + "garbage"},
		"200 two answers":       {200, creds + creds},
		"200 pretty trailing":   {200, string(pretty) + "\n<!-- proxy -->"},
		"502 echoing upstream":  {502, "<html><body><h1>Bad Gateway</h1><pre>upstream said: " + creds + "</pre></body></html>"},
		"502 html-escaped":      {502, "<pre>" + strings.ReplaceAll(creds, `"`, "&quot;") + "</pre>"},
		"503 xml":               {503, "<Error><AccessKeySecret>" + issuedSecret + "</AccessKeySecret><SecurityToken>" + issuedToken + "</SecurityToken></Error>"},
		"500 query echo":        {500, "bad request: AccessKeySecret=" + issuedSecret + "&SecurityToken=" + strings.NewReplacer("+", "%2B", "/", "%2F", "=", "%3D").Replace(issuedToken) + "&x=1"},
		"500 json nesting json": {500, `{"Code":"InternalError","Message":` + string(quoted) + `,"RequestId":"R"}`},
		"400 json in every field": {400, fmt.Sprintf(`{"Code":"X","Message":%s,"HostId":%s,"Recommend":%s,"RequestId":"R","AccessDeniedDetail":{"EncodedDiagnosticMessage":%s}}`,
			quoted, quoted, quoted, quoted)},
		"500 snake case":  {500, fmt.Sprintf(`{"access_key_secret": %q, "security_token": %q}`, issuedSecret, issuedToken)},
		"502 bare values": {502, "upstream: " + issuedSecret + " " + issuedToken},
	}
	// Every cut of the plain answer, from inside "Credentials" on: the excerpt may end
	// in the middle of a name, a value or the quotes between them.
	for cut := strings.Index(creds, "Credentials"); cut < len(creds); cut++ {
		bodies[fmt.Sprintf("200 truncated at %d", cut)] = struct {
			status int
			body   string
		}{200, creds[:cut]}
	}
	for name, b := range bodies {
		t.Run(name, func(t *testing.T) {
			srv := newHTTPServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(b.status)
				io.WriteString(w, b.body)
			})
			outs := callOnce(t, srv)
			require.Contains(t, outs, "tea.SDKError", "the error is a service error")
			requireNoPiece(t, outs)
		})
	}
}

// contextFor returns a function that gives each call a context of its own, ending
// after d, cancelled at the end of t.
func contextFor(t *testing.T, d time.Duration) func() context.Context {
	return func() context.Context {
		ctx, cancel := context.WithTimeout(context.Background(), d)
		t.Cleanup(cancel)
		return ctx
	}
}
