package main

import (
	"context"
	"crypto/sha256"
	encbin "encoding/binary" // the tests have a func binary
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/stsgo/sts"
)

// credentialCache keeps the credentials assume-role printed, per user, so that
// commands run again and again (the aliyun CLI runs an External-mode profile's
// process_command on every call) reuse them instead of calling STS each time, as the
// AWS CLI does. The files hold secrets: the directory is the user's own (0700), each
// file too (0600), written whole or not at all (a temporary file renamed over the
// old); a directory or file that another user owns, that others may read or write, or
// that is a symbolic link, is ignored. Nothing of a file is ever logged.
type credentialCache struct {
	dir string
}

// maxCacheFile bounds what is read of a cache file.
const maxCacheFile = 64 << 10

// userCredentialCache opens <user cache dir>/stsgo, making it if needed. It returns
// nil, saying why on warn, when the directory is not safe to keep secrets in.
func userCredentialCache(warn io.Writer) *credentialCache {
	base, err := os.UserCacheDir()
	if err != nil {
		return nil // no HOME: nowhere to cache
	}
	dir := filepath.Join(base, "stsgo")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		fmt.Fprintf(warn, "sts: not caching credentials: %v\n", err)
		return nil
	}
	fi, err := os.Lstat(dir)
	if err == nil {
		err = private(fi, true)
	}
	if err != nil {
		fmt.Fprintf(warn, "sts: not caching credentials in %s: %v\n", dir, err)
		return nil
	}
	return &credentialCache{dir: dir}
}

// private refuses what another user could read, write or swap: not a plain file (or
// directory, when dir), a mode open to group or others, another owner.
func private(fi os.FileInfo, dir bool) error {
	switch {
	case dir && !fi.IsDir(), !dir && !fi.Mode().IsRegular():
		return fmt.Errorf("%s is not a plain %s", fi.Name(), map[bool]string{true: "directory", false: "file"}[dir])
	case fi.Mode().Perm()&0o077 != 0:
		return fmt.Errorf("mode %#o is open to other users", fi.Mode().Perm())
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Getuid() {
		return fmt.Errorf("owned by uid %d, not %d", st.Uid, os.Getuid())
	}
	return nil
}

// credentialCacheKey is the file name for a request: the SHA-256 of an unambiguous
// encoding of every field, so that nothing of the request or the signer (never a
// secret: its AccessKeyId) can be read from it.
func credentialCacheKey(fields ...string) string {
	h := sha256.New()
	var n [encbin.MaxVarintLen64]byte
	for _, f := range append([]string{"stsgo.cli-cache.v1"}, fields...) {
		h.Write(n[:encbin.PutUvarint(n[:], uint64(len(f)))])
		h.Write([]byte(f))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// cachedCredentials is a cache file.
type cachedCredentials struct {
	AccessKeyId, AccessKeySecret, SecurityToken, Expiration string
}

// get returns the credentials cached under key if they have more than keep left at
// now.
func (c *credentialCache) get(key string, keep time.Duration, now time.Time) (*sts.Credentials, bool) {
	// O_NONBLOCK: a FIFO put in the file's place must not hold the command forever.
	f, err := os.OpenFile(filepath.Join(c.dir, key+".json"), os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() || private(fi, false) != nil {
		return nil, false
	}
	var v cachedCredentials
	if err := json.NewDecoder(io.LimitReader(f, maxCacheFile)).Decode(&v); err != nil {
		return nil, false
	}
	expires, err := time.Parse(sts.ExpirationLayout, v.Expiration)
	if err != nil || v.AccessKeyId == "" || v.AccessKeySecret == "" || expires.Sub(now) <= keep {
		return nil, false
	}
	return &sts.Credentials{AccessKeyId: &v.AccessKeyId, AccessKeySecret: &v.AccessKeySecret,
		SecurityToken: &v.SecurityToken, Expiration: &v.Expiration}, true
}

// put stores creds under key, atomically; a failure leaves the cache as it was and is
// not an error of the command.
func (c *credentialCache) put(key string, creds *sts.Credentials) {
	v := cachedCredentials{deref(creds.AccessKeyId), deref(creds.AccessKeySecret), deref(creds.SecurityToken), deref(creds.Expiration)}
	b, err := json.Marshal(v)
	if err != nil {
		return
	}
	tmp, err := os.CreateTemp(c.dir, ".tmp-*") // 0600
	if err != nil {
		return
	}
	_, err = tmp.Write(b)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(c.dir, key+".json"))
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// cacheKeep is how much of their life cached credentials must have left to be printed
// again: 20 minutes (more than the 15 before expiry at which Alibaba's Python, Java
// and Node.js libraries find credentials stale), or half the lifetime of shorter ones.
func cacheKeep(d time.Duration) time.Duration {
	return min(time.Duration(float64(serveWindow)*(1-serveJitter)), d/2)
}

// assumeRoleCached is AssumeRole through the user's credential cache, unless
// noCache. sessionName is the name as given (empty when the default one is used),
// so that the default's timestamp does not defeat the cache.
func assumeRoleCached(ctx context.Context, client *sts.Client, req *sts.AssumeRoleRequest, sessionName string, noCache bool, stderr io.Writer) (*sts.Credentials, error) {
	var cache *credentialCache
	if !noCache {
		cache = userCredentialCache(stderr)
	}
	var key string
	if cache != nil {
		// A request the service would refuse is refused first, as the call would:
		// looking for the signer's credentials must not hide a usage mistake.
		if err := req.Validate(); err != nil {
			return nil, err
		}
		signer, err := client.AccessKeyId(ctx)
		if err != nil {
			return nil, err
		}
		key = credentialCacheKey(signer, client.Endpoint(), deref(req.RoleArn), sessionName, deref(req.Policy),
			fmt.Sprint(deref64(req.DurationSeconds)), deref(req.ExternalId), deref(req.SourceIdentity))
		if creds, ok := cache.get(key, cacheKeep(time.Duration(deref64(req.DurationSeconds))*time.Second), time.Now()); ok {
			return creds, nil
		}
	}
	resp, err := client.AssumeRoleWithContext(ctx, req, nil)
	if err != nil {
		return nil, err
	}
	if cache != nil && resp.Body.Credentials != nil {
		cache.put(key, resp.Body.Credentials)
	}
	return resp.Body.Credentials, nil
}

func deref64(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}
