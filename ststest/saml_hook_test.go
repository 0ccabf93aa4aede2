package ststest_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alibabacloud-go/tea/dara"
	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
	"github.com/stsgo/sts/ststest"
)

// samlHarness is a server with one SAML provider whose verifier the test chooses, and
// an anonymous client of it.
func samlHarness(t *testing.T, v ststest.SAMLVerifier) (srv *ststest.Server, providerArn string, exchange func(assertion string) (*sts.AssumeRoleWithSAMLResponse, error)) {
	t.Helper()
	srv = ststest.NewServer()
	t.Cleanup(srv.Close)
	providerArn = srv.AddSAMLProvider(ststest.DefaultAccountID, "corp", v)
	srv.Trust(srv.Role().Arn, providerArn)
	anon, err := sts.NewClient(&sts.Config{Endpoint: dara.String(srv.Endpoint()), Protocol: dara.String("HTTP")})
	require.NoError(t, err)
	return srv, providerArn, func(assertion string) (*sts.AssumeRoleWithSAMLResponse, error) {
		return anon.AssumeRoleWithSAML(new(sts.AssumeRoleWithSAMLRequest).SetRoleArn(srv.Role().Arn).
			SetSAMLProviderArn(providerArn).SetSAMLAssertion(assertion))
	}
}

// TestSAMLVerifierTypedNilError: a verifier that returns a nil *SAMLError as its error
// (the classic typed-nil interface) refuses the assertion as Invalid, as the doc says
// of any error (the handler dereferenced the nil pointer once).
func TestSAMLVerifierTypedNilError(t *testing.T) {
	_, _, exchange := samlHarness(t, verifierFunc(func(string, time.Time) (*ststest.SAMLAssertionInfo, error) {
		var refused *ststest.SAMLError
		return nil, refused
	}))
	_, err := exchange("PHNhbWw+")
	requireCode(t, err, 401, "AuthenticationFail.SAMLAssertion.Invalid")
}

// TestSAMLVerifierPanics: a verifier that panics gets the client an answer of the
// service (500 InternalError), once, not a dropped connection that the client retries
// into the verifier again.
func TestSAMLVerifierPanics(t *testing.T) {
	var calls atomic.Int32
	_, _, exchange := samlHarness(t, verifierFunc(func(string, time.Time) (*ststest.SAMLAssertionInfo, error) {
		calls.Add(1)
		panic("the verifier broke")
	}))
	_, err := exchange("PHNhbWw+")
	var se *sts.ServiceError
	require.ErrorAs(t, err, &se, "got %v", err)
	require.Equal(t, int32(1), calls.Load())
}

// TestSAMLErrorCodeIsOneOfTheService: SAMLError.Code is documented as one of the
// service's codes; a Code holding anything else (spaces, a newline, a secret) is not
// answered verbatim as the service's error code.
func TestSAMLErrorCodeIsOneOfTheService(t *testing.T) {
	for _, code := range []string{"", "Expired\nX-Secret: hunter2", "Invalid password=hunter2", "../../x"} {
		t.Run(code, func(t *testing.T) {
			_, _, exchange := samlHarness(t, verifierFunc(func(string, time.Time) (*ststest.SAMLAssertionInfo, error) {
				return nil, &ststest.SAMLError{Code: code, Message: "refused"}
			}))
			_, err := exchange("PHNhbWw+")
			var se *sts.ServiceError
			require.ErrorAs(t, err, &se)
			require.Contains(t, []string{"Invalid", "InvalidSignature", "IssuerNotMatch", "RecipientNotMatch", "AudienceNotMatch", "NotYetValid", "Expired"},
				strings.TrimPrefix(se.Code, "AuthenticationFail.SAMLAssertion."), "answered code %q", se.Code)
		})
	}
}

// TestSAMLSessionNameIsChecked: the session name an assertion gives (RoleSessionName
// attribute, else the NameID) must be a valid RoleSessionName (2 to 64 of
// [A-Za-z0-9.@_-], as the fake checks for AssumeRole); an empty one, or one with a
// slash, would make an assumed-role ARN that no real STS answers.
func TestSAMLSessionNameIsChecked(t *testing.T) {
	for name, info := range map[string]ststest.SAMLAssertionInfo{
		"no subject and no session name": {},
		"a slash":                        {SessionName: "alice/../admin"},
		"a space":                        {SessionName: "alice smith"},
		"too long":                       {SessionName: strings.Repeat("a", 65)},
	} {
		t.Run(name, func(t *testing.T) {
			var roles []string
			srv, providerArn, exchange := samlHarness(t, verifierFunc(func(string, time.Time) (*ststest.SAMLAssertionInfo, error) {
				got := info
				got.Roles = roles
				return &got, nil
			}))
			roles = []string{srv.Role().Arn + "," + providerArn}
			resp, err := exchange("PHNhbWw+")
			if err == nil {
				t.Fatalf("the fake granted %s for session name %q", *resp.Body.AssumedRoleUser.Arn, info.SessionName)
			}
		})
	}
}

// TestSAMLAssertionOverTheBodyLimit: a request body over the fake's limit is refused;
// the fake must not hand the verifier a cut assertion (or drop the parameters after the
// cut) and answer as if that was what the client sent.
func TestSAMLAssertionOverTheBodyLimit(t *testing.T) {
	var got []string
	var mu sync.Mutex
	srv, providerArn, _ := samlHarness(t, verifierFunc(func(assertion string, _ time.Time) (*ststest.SAMLAssertionInfo, error) {
		mu.Lock()
		got = append(got, assertion)
		mu.Unlock()
		return nil, &ststest.SAMLError{Code: "InvalidSignature", Message: "no"}
	}))
	assertion := strings.Repeat("A", 90_000) // within the 100000 characters of the rule
	form := url.Values{"Action": {"AssumeRoleWithSAML"}, "Version": {"2015-04-01"}, "RoleArn": {srv.Role().Arn},
		"SAMLProviderArn": {providerArn}}.Encode()
	// A parameter the action ignores pads the body so that the cut falls inside the
	// assertion, the last parameter.
	pad := 1<<20 - len(form) - len("&Pad=") - len("&SAMLAssertion=") - len(assertion) + 100
	body := form + "&Pad=" + strings.Repeat("p", pad) + "&SAMLAssertion=" + assertion
	resp, err := http.Post("http://"+srv.Endpoint(), "application/x-www-form-urlencoded", strings.NewReader(body))
	require.NoError(t, err)
	resp.Body.Close()
	mu.Lock()
	defer mu.Unlock()
	for _, a := range got {
		require.Equal(t, len(assertion), len(a), "the verifier was handed a cut assertion (HTTP %d)", resp.StatusCode)
	}
	require.NotEqual(t, http.StatusUnauthorized, resp.StatusCode, "a cut request was answered as a refused assertion")
}

// TestSAMLVerifierRunsWithoutTheLock holds that the server's lock is not held while a
// verifier runs: eight requests are inside the verifier at once, and an AssumeRole
// completes meanwhile.
func TestSAMLVerifierRunsWithoutTheLock(t *testing.T) {
	const n = 8
	var inside sync.WaitGroup
	inside.Add(n)
	release := make(chan struct{})
	srv, _, exchange := samlHarness(t, verifierFunc(func(string, time.Time) (*ststest.SAMLAssertionInfo, error) {
		inside.Done()
		<-release
		return nil, errors.New("no")
	}))
	var done sync.WaitGroup
	for range n {
		done.Add(1)
		go func() { defer done.Done(); exchange("PHNhbWw+") }()
	}
	all := make(chan struct{})
	go func() { inside.Wait(); close(all) }()
	select {
	case <-all:
	case <-time.After(time.Minute):
		t.Fatal("the verifier calls did not run at once")
	}
	_, err := srv.Client().AssumeRole(new(sts.AssumeRoleRequest).SetRoleArn(srv.Role().Arn).SetRoleSessionName("meanwhile"))
	require.NoError(t, err)
	close(release)
	done.Wait()
}

// TestSAMLVerifierErrorTextIsNotEchoed holds that only a SAMLError's Message reaches
// the client: the text of the error wrapping it (here the decoded assertion, which a
// careless verifier might put there) and the text of a plain error do not.
func TestSAMLVerifierErrorTextIsNotEchoed(t *testing.T) {
	const secret = "NameID-of-alice-Zk3q"
	for name, refusal := range map[string]error{
		"wrapping a SAMLError": fmt.Errorf("assertion <saml:NameID>%s</saml:NameID>: %w", secret, &ststest.SAMLError{Code: "Expired", Message: "The SAML assertion is expired."}),
		"plain":                fmt.Errorf("assertion <saml:NameID>%s</saml:NameID> refused", secret),
	} {
		t.Run(name, func(t *testing.T) {
			srv, _, exchange := samlHarness(t, verifierFunc(func(string, time.Time) (*ststest.SAMLAssertionInfo, error) { return nil, refusal }))
			_, err := exchange("PHNhbWw+")
			var se *sts.ServiceError
			require.ErrorAs(t, err, &se)
			require.NotContains(t, err.Error(), secret)
			require.NotContains(t, se.Message+se.Code+se.Recommend, secret)
			for _, r := range srv.Requests() {
				require.NotContains(t, r.Code, secret)
			}
		})
	}
}
