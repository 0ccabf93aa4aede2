// Package servicecheck holds the tests' check of an error the fake STS answered, shared
// by the test packages of ststest and ststest/samlidp.
package servicecheck

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
)

// RequireCode fails t unless err is a *sts.ServiceError in the fake's shape: HTTP
// status, code, a request ID and the Recommend link that names the code.
func RequireCode(t testing.TB, err error, status int, code string) {
	t.Helper()
	var se *sts.ServiceError
	require.ErrorAs(t, err, &se)
	require.Equal(t, code, se.Code, "%v", err)
	require.Equal(t, status, se.StatusCode)
	require.NotEmpty(t, se.RequestId)
	require.Contains(t, se.Recommend, "q="+code)
}
