package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPolicyCheckedBeforeTheCall: a -policy that breaks RAM's grammar, inline or in a
// file, fails with the statement and element named and no request sent; one of the
// grammar, however spelt, is sent.
func TestPolicyCheckedBeforeTheCall(t *testing.T) {
	srv := fake(t)
	dir := t.TempDir()
	files := 0
	file := func(content string) string {
		files++
		name := filepath.Join(dir, fmt.Sprintf("policy-%d.json", files))
		require.NoError(t, os.WriteFile(name, []byte(content), 0o600))
		return "@" + name
	}
	base := []string{"assume-role", "-endpoint", srv.URL, "-role-arn", srv.Role().Arn, "-policy"}
	bad := []struct{ policy, stderr string }{
		{`{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:GetObject","Resource":"*"},{"Effect":"Allow","Action":"PutObject","Resource":"*"}]}`,
			`sts: -policy: policy: Statement[1].Action[0]: "PutObject" has no service prefix`},
		{file(`{"Version":"1","Statement":[{"Effect":"allow","Action":"oss:GetObject","Resource":"*"}]}`), `Statement[0].Effect: "allow" is neither Allow nor Deny`},
		{file("{\n  \"Version\": \"1\",\n  \"Statement\": [\n"), "not valid JSON"},
		{`{"Version":"1","Statements":[]}`, "Statements: unknown element"},
		{`{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"mybucket/*"}]}`, `Statement[0].Resource[0]: "mybucket/*" is neither`},
	}
	for _, b := range bad {
		status, out, errs := runCLI(append(base, b.policy)...)
		require.Equal(t, 1, status, errs)
		require.Contains(t, errs, b.stderr)
		require.Empty(t, out)
	}
	require.Zero(t, srv.RequestCount("AssumeRole"), "nothing was sent")

	good := file("{\n  \"Statement\": [ { \"Resource\": [\"acs:oss:*:*:b/*\"], \"Action\": [\"oss:GetObject\"], \"Effect\": \"Allow\" } ],\n  \"Version\": \"1\"\n}\n")
	status, out, errs := runCLI(append(base, good)...)
	require.Equal(t, 0, status, errs)
	require.Contains(t, out, "AccessKeyId")
	require.Equal(t, 1, srv.RequestCount("AssumeRole"))
}
