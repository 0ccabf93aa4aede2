package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
	"github.com/stsgo/sts/ststest"
)

// TestHelp asks for the usage every way a user would: it goes to stdout, exits 0, and
// carries no error line.
func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"--help"}, {"-help"}, {"help"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			status, out, errs := runCLI(args...)
			require.Equal(t, 0, status, errs)
			require.Empty(t, errs)
			require.True(t, strings.HasPrefix(out, "usage: sts <command> [flags]\n"), out)
			for _, c := range commands() {
				require.Regexp(t, "(?m)^  "+regexp.QuoteMeta(c.name)+" +"+regexp.QuoteMeta(c.summary)+"$", out, "one line per command, with what it does")
			}
		})
	}
}

// TestCommandHelp asks each command for its usage: a line saying what it does, its
// usage line, then its flags, on stdout, exit 0, and nothing else done.
func TestCommandHelp(t *testing.T) {
	aFlag := map[string]string{
		"assume-role": "-role-arn", "assume-role-with-oidc": "-token-file", "caller-identity": "-endpoint",
		"credential-server": "-listen", "exec": "-listen", "serve": "-port",
	}
	for _, c := range commands() {
		for _, args := range [][]string{{"help", c.name}, {c.name, "-h"}, {c.name, "--help"}, {c.name, "-help"}} {
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				status, out, errs := runCLI(args...)
				require.Equal(t, 0, status, errs)
				require.Empty(t, errs)
				head := "sts " + c.name + ": " + c.summary + "\n\nusage: " + c.usageLine() + "\n"
				require.True(t, strings.HasPrefix(out, head), "got:\n%s\nwant it to start:\n%s", out, head)
				if flag := aFlag[c.name]; flag != "" {
					require.Contains(t, out, "\nflags:\n")
					require.Regexp(t, "(?m)^  "+flag+" ", out)
				} else {
					require.Equal(t, head, out, "a command without flags shows no flag list")
				}
			})
		}
	}
}

// TestHelpRunsNothing: -h among a command's flags, even with a command to run after
// "--", prints help and runs nothing.
func TestHelpRunsNothing(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "ran")
	status, out, _ := runCLI("exec", "-role-arn", "acs:ram::1:role/r", "-h", "--", "sh", "-c", `touch "$0"`, marker)
	require.Equal(t, 0, status)
	require.True(t, strings.HasPrefix(out, "sts exec: "))
	_, err := os.Stat(marker)
	require.ErrorIs(t, err, os.ErrNotExist, "the command ran")
}

// TestHelpShowsEnvDefaultsByName sets every variable the CLI reads, and the secrets a
// shell may hold, to recognisable values: every help names the variables
// ("(default $ALIBABA_CLOUD_ROLE_ARN)" once) and prints none of their values.
func TestHelpShowsEnvDefaultsByName(t *testing.T) {
	values := map[string]string{
		"ALIBABA_CLOUD_ROLE_ARN":          "acs:ram::1234567890123456:role/from-env",
		"ALIBABA_CLOUD_ROLE_SESSION_NAME": "session-from-env",
		"ALIBABA_CLOUD_OIDC_PROVIDER_ARN": "acs:ram::1234567890123456:oidc-provider/from-env",
		"ALIBABA_CLOUD_OIDC_TOKEN_FILE":   "/var/run/token-from-env",
		"ALIBABA_CLOUD_OIDC_TOKEN":        "oidc-token-from-env",
		"ALIBABA_CLOUD_STS_REGION":        "region-from-env",
		"ALIBABA_CLOUD_ACCESS_KEY_ID":     "LTAIkeyfromenv",
		"ALIBABA_CLOUD_ACCESS_KEY_SECRET": "secret-from-env",
		"ALIBABA_CLOUD_SECURITY_TOKEN":    "token-from-env",
	}
	for k, v := range values {
		t.Setenv(k, v)
	}
	for _, c := range commands() {
		status, out, errs := runCLI(c.name, "-h")
		require.Equal(t, 0, status, errs)
		for k, v := range values {
			require.NotContains(t, out, v, "%s's help prints $%s", c.name, k)
		}
		roleFlag := regexp.MustCompile(`(?m)^  -role-arn string\n.*$`).FindString(out)
		if c.name == "help" || c.name == "version" || c.name == "serve" || c.name == "caller-identity" {
			require.Empty(t, roleFlag, c.name)
			continue
		}
		require.Equal(t, 1, strings.Count(roleFlag, "(default $ALIBABA_CLOUD_ROLE_ARN)"), "%s:\n%s", c.name, roleFlag)
		require.NotContains(t, out, `(default "acs:`, c.name)
	}
}

// TestEnvDefaultsApply: the variables a help names are used when the flag is not
// given, and the flag wins when it is.
func TestEnvDefaultsApply(t *testing.T) {
	srv := fake(t)
	t.Setenv("ALIBABA_CLOUD_ROLE_ARN", srv.Role().Arn)
	t.Setenv("ALIBABA_CLOUD_ROLE_SESSION_NAME", "from-env")
	status, out, errs := runCLI("assume-role", "-endpoint", srv.URL, "-format", "env")
	require.Equal(t, 0, status, errs)
	useCredentials(t, out)
	status, out, errs = runCLI("caller-identity", "-endpoint", srv.URL)
	require.Equal(t, 0, status, errs)
	require.Contains(t, out, "assumed-role/test-role/from-env")

	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", srv.User().AccessKeyId)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", srv.User().AccessKeySecret)
	t.Setenv("ALIBABA_CLOUD_SECURITY_TOKEN", "")
	t.Setenv("ALIBABA_CLOUD_ROLE_ARN", "acs:ram::"+ststest.DefaultAccountID+":role/not-this-one")
	status, out, errs = runCLI("assume-role", "-endpoint", srv.URL, "-role-arn", srv.Role().Arn, "-session-name", "from-flag", "-format", "env")
	require.Equal(t, 0, status, errs)
	useCredentials(t, out)
	status, out, errs = runCLI("caller-identity", "-endpoint", srv.URL)
	require.Equal(t, 0, status, errs)
	require.Contains(t, out, "assumed-role/test-role/from-flag")
}

// useCredentials sets the environment from -format env output.
func useCredentials(t *testing.T, env string) {
	t.Helper()
	for _, line := range strings.Split(strings.TrimSpace(env), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		require.True(t, ok, line)
		t.Setenv(k, strings.Trim(v, "'"))
	}
}

// TestVersion asks for the version every way: one line, on stdout, exit 0.
func TestVersion(t *testing.T) {
	var first string
	for _, arg := range []string{"version", "-version", "--version"} {
		status, out, errs := runCLI(arg)
		require.Equal(t, 0, status, errs)
		require.Empty(t, errs)
		require.Regexp(t, `^sts \S+( [0-9a-f]{40}(\+dirty)?)? `+regexp.QuoteMeta(runtime.Version())+"\n$", out)
		if first == "" {
			first = out
		}
		require.Equal(t, first, out)
	}
}

func TestVersionLine(t *testing.T) {
	rev := "1be7105c9f2e1be7105c9f2e1be7105c9f2e1be7"
	vcs := func(modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified}}
	}
	tests := []struct {
		name string
		info *debug.BuildInfo
		want string
	}{
		{"no build information", nil, "sts (devel) (no build information)"},
		{"no module version", &debug.BuildInfo{GoVersion: "go1.26.8"}, "sts (devel) go1.26.8"},
		{"checkout without VCS", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}}, "sts (devel) go1.26.8"},
		{"go install @version", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.4.0"}}, "sts v0.4.0 go1.26.8"},
		{"clean checkout", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: vcs("false")}, "sts (devel) " + rev + " go1.26.8"},
		{"dirty checkout", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: vcs("true")}, "sts (devel) " + rev + "+dirty go1.26.8"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, versionLine(tc.info))
		})
	}
}

// TestVersionOfABuild builds sts asking for the VCS to be stamped in (this machine's
// GOFLAGS may say -buildvcs=false; go stamps nothing in a git worktree, whose .git is
// a file) and checks its "sts version" against what "go version -m" reads from the
// same binary.
func TestVersionOfABuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	bin := filepath.Join(t.TempDir(), "sts")
	out, err := exec.Command("go", "build", "-buildvcs=auto", "-o", bin, ".").CombinedOutput()
	if err != nil && strings.Contains(string(out), "error obtaining VCS status") {
		t.Skipf("the VCS cannot stamp this build: %s", out)
	}
	require.NoError(t, err, "%s", out)
	meta, err := exec.Command("go", "version", "-m", bin).Output()
	require.NoError(t, err)
	field := func(re string) string {
		if m := regexp.MustCompile(re).FindSubmatch(meta); m != nil {
			return string(m[1])
		}
		return ""
	}
	want := "sts " + field(`(?m)^\tmod\tgithub\.com/stsgo/sts\t(\S+)`)
	if revision := field(`(?m)^\tbuild\tvcs\.revision=([0-9a-f]+)$`); revision != "" {
		want += " " + revision
		if field(`(?m)^\tbuild\tvcs\.modified=(\w+)$`) == "true" {
			want += "+dirty"
		}
	} else {
		t.Log("no VCS information stamped: the build is not in a git checkout of its own")
	}
	out, err = exec.Command(bin, "version").Output()
	require.NoError(t, err)
	require.Equal(t, want+" "+runtime.Version()+"\n", string(out))
}

func TestFlagErrors(t *testing.T) {
	session := &sts.ValidationError{Field: "AssumeRoleRequest.RoleSessionName", Rule: "must be short"}
	unmapped := &sts.ValidationError{Field: "Config.Ca", Rule: "must hold PEM certificates"}
	tests := []struct {
		name string
		err  error
		want string // "" for no restatement
	}{
		{"not a validation error", errors.New("sts: boom"), ""},
		{"nil", nil, ""},
		{"one field", session, "invalid -session-name: must be short"},
		{"wrapped", &exitError{1, errors.Join(errors.New("context"), session)}, "invalid -session-name: must be short"},
		{"config field", &sts.ValidationError{Field: "Config.SignatureAlgorithm", Rule: "must be known"}, "invalid -signature: must be known"},
		{"rule restated for the flag", &sts.ValidationError{Field: "AssumeRoleWithOIDCRequest.DurationSeconds", Rule: "must be 900 to 43200 seconds"}, "invalid -duration: must be 15m0s to 12h0m0s"},
		{"required stays required", &sts.ValidationError{Field: "AssumeRoleWithOIDCRequest.OIDCToken", Rule: "is required"}, "invalid -token-file: is required"},
		{"a field no flag sets", unmapped, ""},
		{"one of them no flag sets", errors.Join(session, unmapped), ""},
		{"a response field", &sts.ValidationError{Field: "AssumeRoleResponseBody.Credentials.AccessKeyId", Rule: "is required in an answer"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := flagErrors(tc.err)
			require.Equal(t, tc.want != "", ok)
			require.Equal(t, tc.want, got)
		})
	}
}
