package ststest_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/alibabacloud-go/tea/dara"

	"github.com/stsgo/sts"
	"github.com/stsgo/sts/ststest"
)

// bodyOf is a form of the SAML action padded to exactly n bytes.
func bodyOf(t *testing.T, srv *ststest.Server, providerArn string, n int) string {
	form := url.Values{"Action": {"AssumeRoleWithSAML"}, "Version": {"2015-04-01"}, "RoleArn": {srv.Role().Arn},
		"SAMLProviderArn": {providerArn}, "SAMLAssertion": {"PHNhbWw+"}}.Encode() + "&Pad="
	require.Less(t, len(form), n)
	return form + strings.Repeat("p", n-len(form))
}

// TestBodyLimitEdges: a body of exactly the limit is served; one byte more is 413,
// with a Content-Length or chunked, and a client that sends several megabytes still
// reads the 413 rather than a reset; the server serves the next request.
func TestBodyLimitEdges(t *testing.T) {
	var calls atomic.Int32
	srv, providerArn, _ := samlHarness(t, verifierFunc(func(string, time.Time) (*ststest.SAMLAssertionInfo, error) {
		calls.Add(1)
		return nil, &ststest.SAMLError{Code: "Expired", Message: "old"}
	}))
	post := func(body io.Reader) int {
		t.Helper()
		resp, err := http.Post("http://"+srv.Endpoint(), "application/x-www-form-urlencoded", body)
		require.NoError(t, err)
		defer resp.Body.Close()
		io.Copy(io.Discard, resp.Body)
		return resp.StatusCode
	}
	require.Equal(t, http.StatusUnauthorized, post(strings.NewReader(bodyOf(t, srv, providerArn, 1<<20))), "exactly 1 MiB")
	require.Equal(t, int32(1), calls.Load())
	require.Equal(t, http.StatusRequestEntityTooLarge, post(strings.NewReader(bodyOf(t, srv, providerArn, 1<<20+1))), "1 MiB + 1")
	// chunked: an io.Reader of unknown length
	require.Equal(t, http.StatusRequestEntityTooLarge, post(io.MultiReader(strings.NewReader(bodyOf(t, srv, providerArn, 1<<20+1)))), "chunked")
	for i := 0; i < 5; i++ {
		require.Equal(t, http.StatusRequestEntityTooLarge, post(bytes.NewReader([]byte(bodyOf(t, srv, providerArn, 16<<20)))), "16 MiB, attempt %d", i)
		require.Equal(t, http.StatusRequestEntityTooLarge, post(io.MultiReader(strings.NewReader(bodyOf(t, srv, providerArn, 16<<20)))), "16 MiB chunked, attempt %d", i)
	}
	require.Equal(t, int32(1), calls.Load(), "the verifier saw an oversized body")
	require.Equal(t, http.StatusUnauthorized, post(strings.NewReader(bodyOf(t, srv, providerArn, 300))))
}

// TestSAMLVerifierGoexit: a verifier that ends its goroutine (runtime.Goexit, which
// t.FailNow and require call) is, like a panic, a refusal answered once, not a dropped
// connection that the client retries into the verifier.
func TestSAMLVerifierGoexit(t *testing.T) {
	var calls atomic.Int32
	_, _, exchange := samlHarness(t, verifierFunc(func(string, time.Time) (*ststest.SAMLAssertionInfo, error) {
		calls.Add(1)
		runtime.Goexit()
		return nil, nil
	}))
	_, err := exchange("PHNhbWw+")
	require.Equal(t, int32(1), calls.Load(), "calls into the verifier (err %v)", err)
	requireCode(t, err, 401, "AuthenticationFail.SAMLAssertion.Invalid")
}

// TestOversizedRequestIsCounted: RequestCount counts the requests named action
// "received, answered or not"; a body over the limit, of a request whose URL and
// x-acs-action header name the action, is refused with 413, and still was a request
// of that action (before the refusal it was cut, parsed and counted).
func TestOversizedRequestIsCounted(t *testing.T) {
	srv, providerArn, _ := samlHarness(t, verifierFunc(func(string, time.Time) (*ststest.SAMLAssertionInfo, error) {
		return nil, &ststest.SAMLError{Code: "Expired", Message: "old"}
	}))
	req, err := http.NewRequest(http.MethodPost, "http://"+srv.Endpoint()+"/?Action=AssumeRoleWithSAML&Version=2015-04-01",
		strings.NewReader(bodyOf(t, srv, providerArn, 1<<20+1)))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("x-acs-action", "AssumeRoleWithSAML")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
	require.Equal(t, 1, srv.RequestCount(""))
	require.Equal(t, 1, srv.RequestCount("AssumeRoleWithSAML"), "requests: %+v", srv.Requests())

	// So is one whose body cannot be parsed, named by its URL alone.
	resp, err = http.Post("http://"+srv.Endpoint()+"/?Action=AssumeRole", "application/x-www-form-urlencoded", strings.NewReader("Version=%zz"))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)
	require.Equal(t, 1, srv.RequestCount("AssumeRole"), "requests: %+v", srv.Requests())
}

// TestOversizedBodyWrittenWholeGets413: a client that writes its whole request before
// it reads the answer, as many do (Go's own Transport reads while it writes, but it
// too meets the case when the machine is slow to schedule its reader), gets the 413
// after writing 16 MiB, not a reset while it writes. The fake answers once it has
// read 1 MiB + 1; if it then stopped reading, the client's writes would fill the
// socket's buffers and block, and the connection closed under them.
func TestOversizedBodyWrittenWholeGets413(t *testing.T) {
	srv := ststest.NewServer()
	defer srv.Close()
	for _, chunked := range []bool{false, true} {
		conn, err := net.Dial("tcp", srv.Endpoint())
		require.NoError(t, err)
		defer conn.Close()
		w := bufio.NewWriterSize(conn, 64<<10)
		body := strings.Repeat("p", 16<<20)
		if chunked {
			fmt.Fprintf(w, "POST /?Action=AssumeRole HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n")
			for range 16 {
				fmt.Fprintf(w, "%x\r\n%s\r\n", 1<<20, body[:1<<20])
			}
			fmt.Fprintf(w, "0\r\n\r\n")
		} else {
			fmt.Fprintf(w, "POST /?Action=AssumeRole HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
		}
		require.NoError(t, w.Flush(), "chunked %v: the whole request is written", chunked)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		require.NoError(t, err, "chunked %v", chunked)
		resp.Body.Close()
		require.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode, "chunked %v", chunked)
	}
	require.Equal(t, 2, srv.RequestCount("AssumeRole"))
}

// TestLyingContentLengthDoesNotHoldClose: a client that announces 4 MiB, sends 1 MiB
// + 1 byte and then waits gets its 413, finds its request counted (the fake, still
// reading the rest of the body, recorded it before it answered), and Server.Close
// does not wait on it.
func TestLyingContentLengthDoesNotHoldClose(t *testing.T) {
	srv := ststest.NewServer()
	conn, err := net.Dial("tcp", srv.Endpoint())
	require.NoError(t, err)
	defer conn.Close()
	fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s",
		4<<20, strings.Repeat("p", 1<<20+1))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
	require.Equal(t, 1, srv.RequestCount(""), "counted once its 413 is out")
	done := make(chan struct{})
	go func() { srv.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Error("Server.Close still waits after 30 s for a client that announced more body than it sent")
	}
}

// TestPublicKeyIsACopy: PublicKey "is the key that verifies the provider's tokens",
// handed to code under test (to serve as a JWKS, say); what that code does with the
// value it got must not change the key the fake signs and verifies with.
func TestPublicKeyIsACopy(t *testing.T) {
	srv := ststest.NewServer()
	t.Cleanup(srv.Close)
	provider := srv.AddOIDCProvider(ststest.DefaultAccountID, "ack", "https://oidc.example.com", "sts.aliyuncs.com")
	srv.Trust(srv.Role().Arn, provider.Arn)
	pk := provider.PublicKey()
	pk.E = 3 // code under test that rewrites the key it was given
	anon, err := sts.NewClient(&sts.Config{Endpoint: dara.String(srv.Endpoint()), Protocol: dara.String("HTTP")})
	require.NoError(t, err)
	_, err = anon.AssumeRoleWithOIDC(new(sts.AssumeRoleWithOIDCRequest).SetRoleArn(srv.Role().Arn).
		SetOIDCProviderArn(provider.Arn).SetOIDCToken(provider.Token("alice")).SetRoleSessionName("pod"))
	require.NoError(t, err, "a token the provider minted, after a caller changed the key PublicKey returned")
}
