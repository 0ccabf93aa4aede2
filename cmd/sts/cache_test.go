package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
)

// cacheDir points the user cache directory at a fresh one and returns where sts keeps
// its files.
func cacheDir(t *testing.T) string {
	base := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", base)
	return filepath.Join(base, "stsgo")
}

func cacheFiles(t *testing.T, dir string) []string {
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil
	}
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// TestExternalModeReusesCredentials: the aliyun CLI runs an External profile's command
// on every call; 50 calls in a row cost one AssumeRole, print the same credentials,
// and leave one file, private to the user.
func TestExternalModeReusesCredentials(t *testing.T) {
	srv := fake(t)
	dir := cacheDir(t)
	args := []string{"assume-role", "-endpoint", srv.URL, "-role-arn", srv.Role().Arn, "-format", "external"}
	var first string
	for i := range 50 {
		status, out, errs := runCLI(args...)
		require.Equal(t, 0, status, errs)
		require.Empty(t, errs)
		if i == 0 {
			first = out
		}
		require.Equal(t, first, out)
	}
	require.Equal(t, 1, srv.RequestCount("AssumeRole"))

	fi, err := os.Stat(dir)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o700), fi.Mode().Perm())
	files := cacheFiles(t, dir)
	require.Len(t, files, 1)
	require.Regexp(t, `^[0-9a-f]{64}\.json$`, files[0])
	fi, err = os.Stat(filepath.Join(dir, files[0]))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

	// The other formats share the entry: the same request, the same credentials.
	for _, format := range []string{"json", "env"} {
		status, _, errs := runCLI(append(args[:len(args)-1], format)...)
		require.Equal(t, 0, status, errs)
	}
	require.Equal(t, 1, srv.RequestCount("AssumeRole"))
}

// TestCredentialCacheRefuses: the cache is skipped with -no-cache, and a file or
// directory that is not the user's alone, or not plain, or credentials too close to
// expiry, are not used.
func TestCredentialCacheRefuses(t *testing.T) {
	srv := fake(t)
	args := []string{"assume-role", "-endpoint", srv.URL, "-role-arn", srv.Role().Arn, "-format", "json"}
	file := func(t *testing.T, dir string) string {
		files := cacheFiles(t, dir)
		require.Len(t, files, 1)
		return filepath.Join(dir, files[0])
	}
	tests := []struct {
		name  string
		spoil func(t *testing.T, dir string) // after a first call filled the cache
		warn  string                         // on stderr of the second call
	}{
		{"no-cache", nil, ""},
		{"file readable by others", func(t *testing.T, dir string) { require.NoError(t, os.Chmod(file(t, dir), 0o644)) }, ""},
		{"file writable by the group", func(t *testing.T, dir string) { require.NoError(t, os.Chmod(file(t, dir), 0o620)) }, ""},
		{"directory open to others", func(t *testing.T, dir string) { require.NoError(t, os.Chmod(dir, 0o755)) }, "open to other users"},
		{"file is a symbolic link", func(t *testing.T, dir string) {
			f := file(t, dir)
			require.NoError(t, os.Rename(f, f+".real"))
			require.NoError(t, os.Symlink(f+".real", f))
		}, ""},
		{"directory is a symbolic link", func(t *testing.T, dir string) {
			require.NoError(t, os.Rename(dir, dir+".real"))
			require.NoError(t, os.Symlink(dir+".real", dir))
		}, "not a plain directory"},
		{"credentials expire within 20 minutes", func(t *testing.T, dir string) {
			f := file(t, dir)
			b, err := os.ReadFile(f)
			require.NoError(t, err)
			var v map[string]string
			require.NoError(t, json.Unmarshal(b, &v))
			v["Expiration"] = time.Now().UTC().Add(19 * time.Minute).Format(sts.ExpirationLayout)
			b, err = json.Marshal(v)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(f, b, 0o600))
		}, ""},
		{"truncated file", func(t *testing.T, dir string) { require.NoError(t, os.Truncate(file(t, dir), 20)) }, ""},
	}
	if os.Getuid() == 0 {
		tests = append(tests, struct {
			name  string
			spoil func(t *testing.T, dir string)
			warn  string
		}{"file of another user", func(t *testing.T, dir string) { require.NoError(t, os.Chown(file(t, dir), 65534, 65534)) }, ""},
			struct {
				name  string
				spoil func(t *testing.T, dir string)
				warn  string
			}{"directory of another user", func(t *testing.T, dir string) { require.NoError(t, os.Chown(dir, 65534, 65534)) }, "owned by uid 65534"})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := cacheDir(t)
			before := srv.RequestCount("AssumeRole")
			call := args
			if tc.spoil == nil {
				call = append(args, "-no-cache")
			}
			status, first, errs := runCLI(call...)
			require.Equal(t, 0, status, errs)
			if tc.spoil == nil {
				require.Empty(t, cacheFiles(t, dir), "nothing kept")
			} else {
				tc.spoil(t, dir)
			}
			status, second, errs := runCLI(call...)
			require.Equal(t, 0, status, errs)
			require.Equal(t, before+2, srv.RequestCount("AssumeRole"), "the cache was not used")
			require.NotEqual(t, first, second)
			if tc.warn != "" {
				require.Contains(t, errs, tc.warn)
			} else {
				require.Empty(t, errs)
			}
			require.NotContains(t, errs, srv.User().AccessKeySecret)
		})
	}
}

// TestCredentialCacheKey: every request field, the signer and the endpoint are in the
// key, unambiguously.
func TestCredentialCacheKey(t *testing.T) {
	base := []string{"LTAIsigner", "sts.aliyuncs.com", "acs:ram::1:role/r", "name", "{}", "3600", "ext", "src"}
	seen := map[string]int{credentialCacheKey(base...): -1}
	for i := range base {
		changed := append([]string(nil), base...)
		changed[i] += "x"
		k := credentialCacheKey(changed...)
		_, dup := seen[k]
		require.False(t, dup, "field %d", i)
		seen[k] = i
	}
	require.NotEqual(t, credentialCacheKey("ab", "c"), credentialCacheKey("a", "bc"))

	// Through the command: another session name, policy or duration is another entry.
	srv := fake(t)
	dir := cacheDir(t)
	args := []string{"assume-role", "-endpoint", srv.URL, "-role-arn", srv.Role().Arn}
	for _, extra := range [][]string{nil, {"-session-name", "other"}, {"-duration", "30m"}, {"-policy", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:*","Resource":"*"}]}`}} {
		status, _, errs := runCLI(append(args, extra...)...)
		require.Equal(t, 0, status, errs)
	}
	require.Equal(t, 4, srv.RequestCount("AssumeRole"))
	require.Len(t, cacheFiles(t, dir), 4)
}
