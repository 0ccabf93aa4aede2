package main

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts/stscreds"
	"github.com/stsgo/sts/ststest"
)

// TestVendorRefusesNamesThatWiden: a user name that would widen the policy past the
// user's own prefix gets a 400 naming the rule, and no AssumeRole call is made.
func TestVendorRefusesNamesThatWiden(t *testing.T) {
	srv := ststest.NewServer()
	defer srv.Close()
	sessions, err := stscreds.NewSessionCache(srv.Client())
	require.NoError(t, err)
	defer sessions.Close()
	v := &vendor{sessions: sessions, roleArn: srv.Role().Arn}
	ask := func(user string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		v.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/token?user="+url.QueryEscape(user), nil))
		return w
	}
	for _, user := range []string{"*", "a*", "?", "alice/bob", "..", "${ram:UserName}", "%2A", "alice\x00", " alice", "＊", ""} {
		w := ask(user)
		require.Equal(t, http.StatusBadRequest, w.Code, "%q", user)
		require.Contains(t, w.Body.String(), "bad user: policy: segment 1")
	}
	w := ask("alice+" + strings.Repeat("a", 70)) // a segment of the policy, too long for a session name
	require.Equal(t, http.StatusBadRequest, w.Code)
	require.Contains(t, w.Body.String(), "RoleSessionName")
	require.Zero(t, srv.RequestCount("AssumeRole"))

	w = ask("alice")
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	require.Contains(t, w.Body.String(), `"Prefix":"alice/"`)
	require.Equal(t, 1, srv.RequestCount("AssumeRole"))
}
