package main

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPrintsAUsableURL runs the example against the fake STS: the token it prints has
// its secrets redacted; the presigned URL is whole (signature and security token in
// clear), for a PUT of uploads/alice/photo.jpg only, signed by the credentials vended
// to alice, valid ten minutes at most, and the curl line carries it as printed.
func TestPrintsAUsableURL(t *testing.T) {
	for _, k := range []string{"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_ROLE_ARN"} {
		t.Setenv(k, "")
	}
	var out bytes.Buffer
	require.NoError(t, run(&out))
	text := out.String()

	dec := json.NewDecoder(strings.NewReader(text[strings.Index(text, "{"):]))
	var token, upload map[string]any
	require.NoError(t, dec.Decode(&token))
	rest := text[strings.Index(text, "presigned upload URL"):]
	require.NoError(t, json.NewDecoder(strings.NewReader(rest[strings.Index(rest, "{"):])).Decode(&upload))
	require.Equal(t, "<redacted>", token["AccessKeySecret"])
	require.Equal(t, "<redacted>", token["SecurityToken"])

	raw := upload["URL"].(string)
	require.Equal(t, "PUT", upload["Method"])
	u, err := url.Parse(raw)
	require.NoError(t, err)
	require.Equal(t, "example-uploads.oss-cn-hangzhou.aliyuncs.com", u.Host)
	require.Equal(t, "/uploads/alice/photo.jpg", u.Path)
	q := u.Query()
	require.True(t, strings.HasPrefix(q.Get("x-oss-credential"), token["AccessKeyId"].(string)+"/"), "signed by alice's credentials")
	require.Regexp(t, `^[0-9a-f]{64}$`, q.Get("x-oss-signature"))
	require.NotEmpty(t, q.Get("x-oss-security-token"))
	require.NotContains(t, raw, "redacted")
	expires, err := strconv.Atoi(q.Get("x-oss-expires"))
	require.NoError(t, err)
	require.True(t, expires > 0 && expires <= 600, "valid %d s", expires)
	require.Contains(t, text, "curl -X PUT -T photo.jpg '"+raw+"'\n")
}
