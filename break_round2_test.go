package sts_test

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/alibabacloud-go/tea/dara"

	"github.com/stsgo/sts"
)

// TestClient413: a 413 from a proxy (HTML, no JSON) is a client error: one attempt, and
// an error that says the status, not a secret.
func TestClient413(t *testing.T) {
	var calls atomic.Int32
	host := newHTTPServer(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusRequestEntityTooLarge)
		w.Write([]byte("<html><body>413 Request Entity Too Large</body></html>"))
	})
	c := newTestClient(t, &sts.Config{AccessKeyId: dara.String(testKeyID), AccessKeySecret: dara.String(testSecret),
		SecurityToken: dara.String(testToken), Endpoint: dara.String(host), Protocol: dara.String("HTTP")})
	_, err := c.AssumeRole(new(sts.AssumeRoleRequest).SetRoleArn(testRole).SetRoleSessionName("session"))
	if err == nil {
		t.Fatal("no error")
	}
	t.Logf("error: %v", err)
	if calls.Load() != 1 {
		t.Errorf("%d attempts", calls.Load())
	}
	if !strings.Contains(err.Error(), "413") {
		t.Errorf("the error does not say 413: %v", err)
	}
	for _, s := range []string{testSecret, testToken} {
		if strings.Contains(err.Error(), s) {
			t.Errorf("secret in error")
		}
	}
}
