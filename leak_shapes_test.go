package sts_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/alibabacloud-go/tea/dara"
	"github.com/alibabacloud-go/tea/tea"
	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
)

// secretPieces returns every 12-character piece of the issued canaries and the
// caller's own ones: any of them in an error or a log line is a leak.
func secretPieces(extra ...string) []string {
	var out []string
	for _, s := range append(append([]string{issuedSecret, issuedToken}, canaries...), extra...) {
		for i := 0; i+12 <= len(s); i++ {
			out = append(out, s[i:i+12])
		}
	}
	return out
}

// callOnce calls AssumeRole once against endpoint with the canary credentials and
// debug logging, and returns every text a caller may see or log.
func callOnce(t *testing.T, endpoint string) map[string]string {
	t.Helper()
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := newTestClient(t, &sts.Config{AccessKeyId: dara.String("LTAIcanary"), AccessKeySecret: dara.String(canarySecret),
		SecurityToken: dara.String(canaryToken), Endpoint: dara.String(endpoint), Protocol: dara.String("HTTP")},
		sts.WithLogger(logger), sts.WithRetryPolicy(sts.RetryPolicy{MaxAttempts: 1}))
	defer c.CloseIdleConnections()
	_, err := c.AssumeRole(new(sts.AssumeRoleRequest).SetRoleArn(testRole).SetRoleSessionName("canary"))
	require.Error(t, err)
	out := map[string]string{"error": err.Error(), "log": logs.String()}
	var sdkErr *tea.SDKError
	if errors.As(err, &sdkErr) {
		out["tea.SDKError"] = sdkErr.Error() + fmt.Sprint(sdkErr.Data)
	}
	return out
}

// withCode is an InternalError answer whose Message is msg.
func withCode(msg string) string {
	q, _ := json.Marshal(msg)
	return `{"Code":"InternalError","Message":` + string(q) + `,"RequestId":"R"}`
}

func requireNoPiece(t *testing.T, outs map[string]string, extra ...string) {
	t.Helper()
	for where, out := range outs {
		for _, p := range secretPieces(extra...) {
			if strings.Contains(out, p) {
				t.Errorf("a secret's piece %q leaked into the %s: %s", p, where, out)
				break
			}
		}
	}
}

// TestIssuedSecretsInOtherShapes answers with issued (and echoed) secrets in the
// shapes of other languages and gateways (PHP's escaped slashes and print_r, Ruby
// hashes, \u-escaped quotes and keys, HTML character references, URL-encoded echoes,
// folded tokens, a request ID header that echoes the token): none reaches an error or
// a log line. Found by an adversarial review; each leaked before.
func TestIssuedSecretsInOtherShapes(t *testing.T) {
	// The issued token as PHP's json_encode (and Java's some encoders) write it: '/'
	// escaped as '\/'.
	slashEscaped := strings.ReplaceAll(fmt.Sprintf(`{"AccessKeySecret":%q,"SecurityToken":%q}`, issuedSecret, issuedToken), "/", `\/`)
	// A token whose first '/' falls 20 characters before its end.
	lateSlash := "CAIS" + strings.Repeat("Q", 60) + "/abcdefghijklmnopqrs=="
	cases := map[string]struct {
		status int
		header map[string]string
		body   string
		secret string
	}{
		"500 code, message holds slash-escaped json": {500, nil, withCode("upstream: " + slashEscaped), issuedToken},
		"500 code, message holds \\u0022-quoted json": {500, nil,
			withCode(`upstream: {\u0022AccessKeySecret\u0022:\u0022` + issuedSecret + `\u0022,\u0022SecurityToken\u0022:\u0022` + issuedToken + `\u0022}`), issuedSecret},
		"500 code, message holds php print_r": {500, nil,
			withCode("Array\n(\n    [AccessKeySecret] => " + issuedSecret + "\n    [SecurityToken] => " + issuedToken + "\n)"), issuedSecret},
		"500 code, message holds a ruby hash": {500, nil,
			withCode(`{"AccessKeySecret"=>"` + issuedSecret + `", "SecurityToken"=>"` + issuedToken + `"}`), issuedSecret},
		"200 truncated, key \\u-escaped": {200, nil,
			`{"RequestId":"R","Credentials":{"AccessKeyId":"STS.issued","\u0041ccessKeySecret":"` + issuedSecret[:23], issuedSecret[:23]},
		"200 truncated, slash-escaped token with a late slash": {200, nil,
			`{"RequestId":"R","Credentials":{"AccessKeyId":"STS.issued","SecurityToken":"` + strings.ReplaceAll(lateSlash, "/", `\/`), lateSlash[len(lateSlash)-20:]},
		"502 token folded every 20 characters": {502, nil,
			"upstream: SecurityToken:\n" + strings.Join(fold(issuedToken, 20), "\n"), issuedToken},
		"500 code, message holds &#x22;-escaped json": {500, nil,
			withCode("<pre>{&#x22;AccessKeySecret&#x22;:&#x22;" + issuedSecret + "&#x22;,&#x22;SecurityToken&#x22;:&#x22;" + issuedToken + "&#x22;}</pre>"), issuedSecret},
		"502 url-encoded json echo": {502, nil,
			"redirecting to /error?upstream=" + url.QueryEscape(fmt.Sprintf(`{"AccessKeySecret":%q,"SecurityToken":%q}`, issuedSecret, issuedToken)), issuedToken},
		"200 garbage, request id header echoes the token": {200, map[string]string{"X-Acs-Request-Id": "SecurityToken=" + canaryToken}, "not json", canaryToken},
		"413-sized answer, request id header echoes the token": {200, map[string]string{"X-Acs-Request-Id": canaryToken},
			strings.Repeat("x", sts.MaxResponseBytes+1), canaryToken},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			srv := newHTTPServer(t, func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tc.header {
					w.Header().Set(k, v)
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tc.status)
				io.WriteString(w, tc.body)
			})
			requireNoPiece(t, callOnce(t, srv), tc.secret)
		})
	}
}

func fold(s string, n int) []string {
	var out []string
	for len(s) > n {
		out = append(out, s[:n])
		s = s[n:]
	}
	return append(out, s)
}

// rawServer answers every connection with the bytes of answer, whatever was asked.
func rawServer(t *testing.T, answer func(req string) string) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			r := bufio.NewReader(conn)
			var req strings.Builder
			for {
				line, err := r.ReadString('\n')
				req.WriteString(line)
				if err != nil || line == "\r\n" {
					break
				}
			}
			io.WriteString(conn, answer(req.String()))
			conn.Close()
		}
	}()
	t.Cleanup(func() { l.Close(); wg.Wait() })
	return l.Addr().String()
}

// TestTransportErrorsQuoteNoSecret: net/http quotes the bytes of a response it
// cannot parse ("malformed HTTP response", "malformed MIME header line"); the
// TransportError's text is scrubbed like an excerpt, and errors.Is still works.
func TestTransportErrorsQuoteNoSecret(t *testing.T) {
	cases := map[string]func(req string) string{
		"no status line, issued credentials": func(string) string {
			return fmt.Sprintf(`{"AccessKeySecret":%q,"SecurityToken":%q}`+"\r\n\r\n", issuedSecret, issuedToken)
		},
		"header line without colon echoes the caller's token": func(req string) string {
			tok := ""
			for _, l := range strings.Split(req, "\r\n") {
				if k, v, ok := strings.Cut(l, ": "); ok && strings.EqualFold(k, "x-acs-security-token") {
					tok = v
				}
			}
			if tok == "" { // the token went in the query: echo the request line
				tok = strings.SplitN(req, "\r\n", 2)[0]
			}
			return "HTTP/1.1 400 Bad Request\r\nechoed " + tok + "\r\nContent-Length: 0\r\n\r\n"
		},
	}
	for name, answer := range cases {
		t.Run(name, func(t *testing.T) {
			requireNoPiece(t, callOnce(t, rawServer(t, answer)))
		})
	}
}

// TestUTF16AnswerLeaksNothing: a gateway answering in UTF-16 (an IIS or .NET error
// page, charset=utf-16le) interleaves NUL bytes, which hid every name and run from
// the scrubbing; they are dropped from excerpts first.
func TestUTF16AnswerLeaksNothing(t *testing.T) {
	plain := fmt.Sprintf(`{"AccessKeySecret":%q,"SecurityToken":%q}`, issuedSecret, issuedToken)
	var utf16 strings.Builder
	for _, c := range []byte(plain) {
		utf16.WriteByte(c)
		utf16.WriteByte(0)
	}
	srv := newHTTPServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-16le")
		w.WriteHeader(502)
		io.WriteString(w, utf16.String())
	})
	outs := callOnce(t, srv)
	for where, out := range outs {
		squeezed := strings.NewReplacer(" ", "", "\x00", "", `\x00`, "", `\u0000`, "").Replace(out)
		for _, s := range []string{issuedSecret, issuedToken} {
			if strings.Contains(squeezed, s[:12]) {
				t.Errorf("the %s spells out %q one character apart: %.200s", where, s[:12], out)
			}
		}
	}
}
