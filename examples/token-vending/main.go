// Command token-vending is a token vending service: it hands each end user
// short-lived STS credentials narrowed by a policy to that user's own prefix in an OSS
// bucket, the way a backend lets browsers and mobile apps upload straight to OSS.
//
// It serves on loopback, asks itself for one user's token as an app would, prints the
// answer (secret redacted) and exits. With ALIBABA_CLOUD_ACCESS_KEY_ID,
// ALIBABA_CLOUD_ACCESS_KEY_SECRET and ALIBABA_CLOUD_ROLE_ARN unset it runs against an
// embedded fake STS.
//
//	go run ./examples/token-vending
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"regexp"
	"time"

	"github.com/alibabacloud-go/tea/dara"

	"github.com/stsgo/sts"
	"github.com/stsgo/sts/ststest"
)

const bucket = "example-uploads"

// vendor issues narrowed credentials for one role.
type vendor struct {
	client  *sts.Client
	roleArn string
}

var userName = regexp.MustCompile(`^[a-z0-9-]{2,32}$`)

// ServeHTTP answers GET /token?user=<name> with credentials that may only write
// oss://example-uploads/<name>/*, for 15 minutes. A real service would take the user
// from its own authentication, not from the query.
func (v *vendor) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	user := r.URL.Query().Get("user")
	if !userName.MatchString(user) {
		http.Error(w, "bad user", http.StatusBadRequest)
		return
	}
	policy := fmt.Sprintf(`{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:PutObject"],"Resource":["acs:oss:*:*:%s/%s/*"]}]}`, bucket, user)
	resp, err := v.client.AssumeRoleWithContext(r.Context(), new(sts.AssumeRoleRequest).
		SetRoleArn(v.roleArn).SetRoleSessionName("vend-"+user).SetDurationSeconds(900).SetPolicy(policy), nil)
	var se *sts.ServiceError
	switch {
	case errors.As(err, &se) && se.Throttling():
		w.Header().Set("Retry-After", "1")
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	case err != nil:
		log.Printf("vending for %s: %v", user, err) // errors carry no secrets
		http.Error(w, "cannot vend", http.StatusBadGateway)
		return
	}
	c := resp.Body.Credentials
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]string{
		"AccessKeyId": *c.AccessKeyId, "AccessKeySecret": *c.AccessKeySecret,
		"SecurityToken": *c.SecurityToken, "Expiration": *c.Expiration, "Bucket": bucket, "Prefix": user + "/",
	})
}

func main() {
	config, roleArn, cleanup := setup()
	defer cleanup()
	client, err := sts.NewClient(config)
	if err != nil {
		log.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Handler: &vendor{client: client, roleArn: roleArn}, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(l)
	defer srv.Shutdown(context.Background())

	resp, err := http.Get("http://" + l.Addr().String() + "/token?user=alice")
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var got map[string]string
	if err := json.Unmarshal(body, &got); err != nil {
		log.Fatalf("%s: %s", resp.Status, body)
	}
	got["AccessKeySecret"], got["SecurityToken"] = "<redacted>", "<redacted>"
	fmt.Println("vended for alice:")
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	enc.Encode(got)
}

// setup uses the real service when credentials are in the environment, else a fake.
func setup() (*sts.Config, string, func()) {
	id, secret, role := os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_ID"), os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET"), os.Getenv("ALIBABA_CLOUD_ROLE_ARN")
	if id != "" && secret != "" && role != "" {
		return &sts.Config{AccessKeyId: dara.String(id), AccessKeySecret: dara.String(secret)}, role, func() {}
	}
	fake := ststest.NewServer()
	fmt.Println("No ALIBABA_CLOUD_* credentials set: using an embedded fake STS at", fake.URL)
	return fake.Config(), fake.Role().Arn, fake.Close
}
