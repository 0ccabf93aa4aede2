package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts/ststest"
)

// startEnv is the environment the tests started with. The builds run in it, not in a
// test's: a test's temporary HOME would send go build to an empty build cache and an
// empty module cache (minutes of downloads and compiling on every run).
var startEnv = os.Environ()

// builtBinaries is the directory binaries built, for TestMain to remove.
var builtBinaries string

// binaries builds the sts command and the whoami child once per test run.
var binaries = sync.OnceValues(func() (dir string, err error) {
	dir, err = os.MkdirTemp("", "sts-exec-test-")
	if err != nil {
		return "", err
	}
	builtBinaries = dir
	for name, pkg := range map[string]string{"sts": ".", "whoami": "./testdata/whoami", "sigcount": "./testdata/sigcount"} {
		build := exec.Command("go", "build", "-o", filepath.Join(dir, name), pkg)
		build.Env = startEnv
		out, err := build.CombinedOutput()
		if err != nil {
			return "", errors.New(string(out))
		}
	}
	return dir, nil
})

func binary(t *testing.T, name string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds binaries")
	}
	dir, err := binaries()
	require.NoError(t, err)
	return filepath.Join(dir, name)
}

// otherIdentities writes, in a fresh HOME, an Alibaba Cloud CLI profile and a shared
// credentials file with keys of another identity: what a child must not pick up.
func otherIdentities(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	require.NoError(t, os.MkdirAll(filepath.Join(home, ".aliyun"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(home, ".aliyun", "config.json"), []byte(
		`{"current":"default","profiles":[{"name":"default","mode":"AK","access_key_id":"LTAIcliprofile","access_key_secret":"cli-secret","region_id":"cn-hangzhou"}]}`), 0o600))
	require.NoError(t, os.MkdirAll(filepath.Join(home, ".alibabacloud"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(home, ".alibabacloud", "credentials"), []byte(
		"[default]\ntype = access_key\naccess_key_id = LTAIsharedfile\naccess_key_secret = shared-secret\n"), 0o600))
	t.Setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true") // no test reaches the metadata service
}

// whoami decodes the child's report.
func whoami(t *testing.T, out []byte) map[string]any {
	t.Helper()
	var got map[string]any
	require.NoError(t, json.Unmarshal(out, &got), "%s", out)
	return got
}

// TestExecRunsTheChildAsTheRole runs the whoami child under sts exec, in a HOME
// holding a CLI profile and a shared credentials file of other identities, with the
// long-term keys sts exec itself signs with in the environment: the child sees no
// long-term key, takes its credentials from the URL, and is the assumed role.
func TestExecRunsTheChildAsTheRole(t *testing.T) {
	srv := fake(t)
	otherIdentities(t)
	t.Setenv("STSGO_TEST_ENDPOINT", srv.URL)
	child := binary(t, "whoami")

	cmd := exec.Command(binary(t, "sts"), "exec", "-endpoint", srv.URL, "-role-arn", srv.Role().Arn, "-session-name", "exec-test", "--", child)
	got := runAsRole(t, srv, cmd, "exec-test")
	require.Equal(t, "AssumedRoleUser", got["IdentityType"])
	require.Nil(t, got["LongTermKeyInEnv"])
	require.Contains(t, got["Provider"], "credential_uri")

	// Without sts exec's changes to the environment, the same child with the same
	// URL would have run as the CLI profile's identity.
	bare := exec.Command(child)
	bare.Env = append(withoutKeys(os.Environ()), EnvCredentialsURI+"=http://127.0.0.1:1/unused")
	out, err := bare.Output()
	require.NoError(t, err)
	got = whoami(t, out)
	require.Contains(t, got["Provider"], "cli_profile", "the profile comes before the URL in the chain")
	require.Contains(t, got["Error"], "InvalidAccessKeyId.NotFound")
}

// runAsRole runs cmd, sts exec of the whoami child, and returns the child's report,
// having checked that the child ran as the fake's role under session and that sts
// printed no secret.
func runAsRole(t *testing.T, srv *ststest.Server, cmd *exec.Cmd, session string) map[string]any {
	t.Helper()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, stderr.String())
	got := whoami(t, out)
	require.Nil(t, got["Error"])
	require.Equal(t, "acs:ram::1234567890123456:assumed-role/test-role/"+session, got["Arn"])
	require.NotContains(t, stderr.String(), srv.User().AccessKeySecret)
	return got
}

func withoutKeys(env []string) []string {
	var out []string
	for _, e := range env {
		if !strings.HasPrefix(e, "ALIBABA_CLOUD_ACCESS_KEY_") {
			out = append(out, e)
		}
	}
	return out
}

// TestExecExitStatusAndSignals checks that sts exec exits with its child's status and
// passes signals on to it.
func TestExecExitStatusAndSignals(t *testing.T) {
	srv := fake(t)
	otherIdentities(t)
	sts := binary(t, "sts")
	base := []string{"exec", "-endpoint", srv.URL, "-role-arn", srv.Role().Arn, "--"}

	err := exec.Command(sts, append(base, "sh", "-c", "exit 3")...).Run()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee)
	require.Equal(t, 3, ee.ExitCode())

	ready := filepath.Join(t.TempDir(), "ready")
	cmd := exec.Command(sts, append(base, "sh", "-c", `trap 'exit 7' TERM; touch "$0"; while :; do sleep 0.05; done`, ready)...)
	require.NoError(t, cmd.Start())
	require.Eventually(t, func() bool { _, err := os.Stat(ready); return err == nil }, 20*time.Second, 10*time.Millisecond)
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	err = cmd.Wait()
	require.ErrorAs(t, err, &ee)
	require.Equal(t, 7, ee.ExitCode(), "the child trapped the forwarded SIGTERM")
}

// TestExecRefusesARoleItCannotAssume fails before running anything.
func TestExecRefusesARoleItCannotAssume(t *testing.T) {
	srv := fake(t)
	status, _, errs := runCLI("exec", "-endpoint", srv.URL, "-role-arn", "acs:ram::"+ststest.DefaultAccountID+":role/missing", "--", "true")
	require.Equal(t, 1, status)
	require.Contains(t, errs, "EntityNotExist.Role")
	status, _, _ = runCLI("exec", "-endpoint", srv.URL, "-role-arn", srv.Role().Arn)
	require.Equal(t, 2, status, "no command")
}

func TestChildEnv(t *testing.T) {
	env := []string{"PATH=/bin", "ALIBABA_CLOUD_REGION_ID=cn-hangzhou", "ALIBABA_CLOUD_ECS_METADATA_DISABLED=false",
		"ALICLOUD_CREDENTIALS_URI=http://elsewhere/", "ALIBABA_CLOUD_CREDENTIALS_FILE=/home/u/.alibabacloud/credentials"}
	for _, f := range foreignCredentials {
		env = append(env, f.name+"=canary")
	}
	require.ElementsMatch(t, []string{
		"PATH=/bin", "ALIBABA_CLOUD_REGION_ID=cn-hangzhou",
		"ALIBABA_CLOUD_CREDENTIALS_URI=http://127.0.0.1:1/secret", "ALICLOUD_CREDENTIALS_URI=http://127.0.0.1:1/secret",
		"ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true", "ALIBABA_CLOUD_IGNORE_PROFILE=TRUE", "ALIBABA_CLOUD_ECS_METADATA_DISABLED=true",
		"ALIBABA_CLOUD_CREDENTIALS_FILE=" + os.DevNull,
	}, childEnv(env, "http://127.0.0.1:1/secret"))
}

// cliProfile writes an Alibaba Cloud CLI config.json in a fresh HOME whose profile
// name signs as the fake's user (mode AK), and returns its path.
func cliProfile(t *testing.T, srv *ststest.Server, name string) string {
	home := t.TempDir()
	t.Setenv("HOME", home)
	path := filepath.Join(home, ".aliyun", "config.json")
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o700))
	config, err := json.Marshal(map[string]any{"current": "default", "profiles": []map[string]string{
		{"name": "default", "mode": "AK", "access_key_id": "LTAIdefault", "access_key_secret": "default-secret", "region_id": "cn-hangzhou"},
		{"name": name, "mode": "AK", "access_key_id": srv.User().AccessKeyId, "access_key_secret": srv.User().AccessKeySecret, "region_id": "cn-hangzhou"},
	}})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, config, 0o600))
	return path
}

// TestExecChildSeesNoForeignCredentials runs the whoami child under sts exec with
// every name of foreignCredentials set (sts itself signs with -profile, from a CLI
// config named by one of them): none reaches the child, which runs as the role.
func TestExecChildSeesNoForeignCredentials(t *testing.T) {
	srv := fake(t)
	config := cliProfile(t, srv, "ops")
	child := binary(t, "whoami")
	cmd := exec.Command(binary(t, "sts"), "exec", "-profile", "ops", "-endpoint", srv.URL, "-role-arn", srv.Role().Arn, "-session-name", "env-test", "--", child)
	cmd.Env = append(withoutKeys(os.Environ()), "STSGO_TEST_ENDPOINT="+srv.URL)
	for _, f := range foreignCredentials {
		value := "canary"
		if f.name == "ALIBABA_CLOUD_CONFIG_FILE" {
			value = config
		}
		cmd.Env = append(cmd.Env, f.name+"="+value)
	}
	got := runAsRole(t, srv, cmd, "env-test")
	for _, name := range got["EnvNames"].([]any) {
		for _, f := range foreignCredentials {
			require.NotEqual(t, f.name, name, "read by %s", f.readers)
		}
	}
}

// TestProfile signs with a named profile of the CLI's config.json: the one that points
// at the fake's user works, the default one (another identity) is not used, and an
// unknown name is an error naming it.
func TestProfile(t *testing.T) {
	srv := fake(t)
	cliProfile(t, srv, "ops")
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "")
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "")

	status, out, errs := runCLI("caller-identity", "-endpoint", srv.URL, "-profile", "ops")
	require.Equal(t, 0, status, errs)
	require.Contains(t, out, srv.User().Arn)
	status, out, errs = runCLI("assume-role", "-endpoint", srv.URL, "-profile", "ops", "-role-arn", srv.Role().Arn)
	require.Equal(t, 0, status, errs)
	require.Contains(t, out, `"AccessKeyId": "STS.`)

	status, _, errs = runCLI("caller-identity", "-endpoint", srv.URL) // the current profile: not the fake's user
	require.Equal(t, 1, status)
	require.Contains(t, errs, "InvalidAccessKeyId.NotFound")
	status, _, errs = runCLI("caller-identity", "-endpoint", srv.URL, "-profile", "nope")
	require.Equal(t, 1, status)
	require.Contains(t, errs, "-profile nope: ", "the error names the flag, which the first request reports far from it")
	require.NotContains(t, errs, srv.User().AccessKeySecret)
}

// TestExecCannotStart gives sts exec commands a shell could not run either: it exits as
// a shell does, 127 for a command not found, 126 for one that cannot be executed, with
// a line saying which and why.
func TestExecCannotStart(t *testing.T) {
	srv := fake(t)
	dir := t.TempDir()
	notExecutable := filepath.Join(dir, "not-executable")
	require.NoError(t, os.WriteFile(notExecutable, []byte("#!/bin/sh\necho ran\n"), 0o644))
	notAProgram := filepath.Join(dir, "not-a-program")
	require.NoError(t, os.WriteFile(notAProgram, []byte("\x00\x01\x02 not an executable format"), 0o755))
	tests := []struct {
		name    string
		command string
		status  int
		stderr  string
	}{
		{"not in PATH", "sts-test-no-such-command", 127, "sts exec: sts-test-no-such-command: command not found\n"},
		{"no such file", filepath.Join(dir, "missing"), 127, "sts exec: " + filepath.Join(dir, "missing") + ": no such file or directory\n"},
		{"no execute permission", notExecutable, 126, "sts exec: " + notExecutable + ": permission denied\n"},
		{"a directory", dir, 126, "sts exec: " + dir + ": permission denied\n"},
		{"not a program", notAProgram, 126, "sts exec: " + notAProgram + ": exec format error\n"},
		// As bash: found in $PATH, but only as a file that cannot be executed.
		{"in PATH, no execute permission", "not-executable", 126, "sts exec: " + notExecutable + ": permission denied\n"},
	}
	t.Setenv("PATH", os.Getenv("PATH")+string(os.PathListSeparator)+dir)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, out, errs := runCLI("exec", "-endpoint", srv.URL, "-role-arn", srv.Role().Arn, "--", tc.command, "arg")
			require.Equal(t, tc.status, status, errs)
			require.Equal(t, tc.stderr, errs)
			require.Empty(t, out)
		})
	}
}
