// Command oss-direct-upload is the canonical use of STS: a backend lets a browser or
// an app upload straight to OSS without ever holding a long-term key. For each user
// it vends credentials narrowed to oss:PutObject on example-uploads/uploads/<user>/*,
// in the JSON shape that OSS's mobile SDKs read from an STS app server, and, for
// clients that would rather not sign, a presigned PUT URL made with the OSS Go SDK v2
// from those same narrowed credentials. Sessions are reused per user until they near
// expiry (stscreds.SessionCache).
//
// It serves on loopback, asks itself for alice's token and an upload URL as an app
// would, prints the token (secret and security token redacted) and the presigned URL
// whole, with the curl line that uploads through it, and exits. The URL is the
// example's output: it can do one thing, PUT uploads/alice/photo.jpg, for ten minutes
// at most. With ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET and
// ALIBABA_CLOUD_ROLE_ARN set it uses the real STS, and the URL uploads to a bucket
// named example-uploads in cn-hangzhou if the role may write there (change bucket and
// region below for yours); unset, it runs against an embedded fake STS, whose
// credentials OSS does not know, so OSS refuses the URL. Presigning needs no network.
//
//	cd adapters && go run ./examples/oss-direct-upload
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
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/stsgo/sts"
	"github.com/stsgo/sts/adapters/ossv2"
	"github.com/stsgo/sts/policy"
	"github.com/stsgo/sts/stscreds"
	"github.com/stsgo/sts/ststest"
)

const (
	bucket = "example-uploads"
	region = "cn-hangzhou"
)

var objectName = regexp.MustCompile(`^[A-Za-z0-9._-]{1,128}$`)

// backend vends upload credentials for one role.
type backend struct {
	sessions *stscreds.SessionCache
	roleArn  string
}

// session is user's upload session: PutObject under uploads/<user>/ and nothing else.
// A user name that could widen that prefix (*, ?, /, .., ...) is a *policy.SegmentError.
func (b *backend) session(user string) (stscreds.Session, error) {
	objects, err := policy.OSSObjects(bucket, "uploads", user)
	if err != nil {
		return stscreds.Session{}, err
	}
	return stscreds.Session{
		RoleArn:         b.roleArn,
		RoleSessionName: "upload-" + user,
		Duration:        15 * time.Minute,
		Policy:          policy.New(policy.Statement{Effect: policy.Allow, Action: []string{"oss:PutObject"}, Resource: []string{objects}}).String(),
	}, nil
}

// routes: GET /sts?user=<name> answers the mobile SDKs' STS app server JSON;
// GET /upload-url?user=<name>&object=<name> answers a presigned PUT URL. A real
// service takes the user from its own authentication, not from the query.
func (b *backend) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /sts", func(w http.ResponseWriter, r *http.Request) {
		creds, ok := b.credentials(w, r)
		if !ok {
			return
		}
		reply(w, map[string]any{
			"StatusCode": 200, "AccessKeyId": creds.AccessKeyId, "AccessKeySecret": creds.AccessKeySecret,
			"SecurityToken": creds.SecurityToken, "Expiration": creds.Expires.UTC().Format(sts.ExpirationLayout),
		})
	})
	mux.HandleFunc("GET /upload-url", func(w http.ResponseWriter, r *http.Request) {
		object := r.URL.Query().Get("object")
		if !objectName.MatchString(object) {
			http.Error(w, "bad object name", http.StatusBadRequest)
			return
		}
		creds, ok := b.credentials(w, r)
		if !ok {
			return
		}
		// Presigned with the user's narrowed credentials, so the URL can do no more
		// than they can, and expires with them at the latest.
		static := stscreds.ProviderFunc(func(context.Context) (stscreds.Credentials, error) { return creds, nil })
		client := oss.NewClient(oss.LoadDefaultConfig().WithRegion(region).WithCredentialsProvider(ossv2.NewCredentialsProvider(static)))
		key := "uploads/" + r.URL.Query().Get("user") + "/" + object
		expires := time.Now().Add(10 * time.Minute)
		if creds.Expires.Before(expires) {
			expires = creds.Expires
		}
		res, err := client.Presign(r.Context(), &oss.PutObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr(key)}, oss.PresignExpiration(expires))
		if err != nil {
			log.Printf("presigning for %s: %v", key, err)
			http.Error(w, "cannot presign", http.StatusInternalServerError)
			return
		}
		reply(w, map[string]any{"Method": res.Method, "URL": res.URL, "Expiration": res.Expiration.UTC().Format(sts.ExpirationLayout)})
	})
	return mux
}

// credentials returns the session of the request's user, or answers the error.
func (b *backend) credentials(w http.ResponseWriter, r *http.Request) (stscreds.Credentials, bool) {
	user := r.URL.Query().Get("user")
	session, err := b.session(user)
	if err != nil {
		http.Error(w, "bad user: "+err.Error(), http.StatusBadRequest)
		return stscreds.Credentials{}, false
	}
	creds, err := b.sessions.Retrieve(r.Context(), session)
	var ve *sts.ValidationError
	if errors.As(err, &ve) { // a name the policy takes but a session name cannot
		http.Error(w, "bad user: "+ve.Error(), http.StatusBadRequest)
		return stscreds.Credentials{}, false
	}
	if err != nil {
		log.Printf("vending for %s: %v", user, err) // errors carry no secrets
		http.Error(w, "cannot vend", http.StatusBadGateway)
		return stscreds.Credentials{}, false
	}
	return creds, true
}

func reply(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(v)
}

func main() {
	if err := run(os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// run starts the backend, asks it as an app would, and prints what it answered.
func run(out io.Writer) error {
	config, roleArn, cleanup := setup(out)
	defer cleanup()
	client, err := sts.NewClient(config)
	if err != nil {
		return err
	}
	sessions, err := stscreds.NewSessionCache(client)
	if err != nil {
		return err
	}
	defer sessions.Close()

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: (&backend{sessions: sessions, roleArn: roleArn}).routes(), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(l)
	defer srv.Shutdown(context.Background())
	base := "http://" + l.Addr().String()

	token, err := get(base + "/sts?user=alice")
	if err != nil {
		return err
	}
	token["AccessKeySecret"], token["SecurityToken"] = "<redacted>", "<redacted>"
	show(out, "STS app server answer for alice (the OSS mobile SDKs' shape):", token)

	upload, err := get(base + "/upload-url?user=alice&object=photo.jpg")
	if err != nil {
		return err
	}
	show(out, "presigned upload URL for alice/photo.jpg:", upload)
	fmt.Fprintf(out, "upload with:\ncurl -X %s -T photo.jpg '%s'\n", upload["Method"], upload["URL"])
	return nil
}

// get asks the backend as an app would.
func get(url string) (map[string]any, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var got map[string]any
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &got) != nil {
		return nil, fmt.Errorf("%s: %s", resp.Status, body)
	}
	return got, nil
}

func show(out io.Writer, title string, v any) {
	fmt.Fprintln(out, title)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// setup uses the real service when credentials are in the environment, else a fake.
func setup(out io.Writer) (*sts.Config, string, func()) {
	id, secret, role := os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_ID"), os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET"), os.Getenv("ALIBABA_CLOUD_ROLE_ARN")
	if id != "" && secret != "" && role != "" {
		return &sts.Config{AccessKeyId: dara.String(id), AccessKeySecret: dara.String(secret)}, role, func() {}
	}
	fake := ststest.NewServer()
	fmt.Fprintln(out, "No ALIBABA_CLOUD_* credentials set: using an embedded fake STS at", fake.URL, "(OSS refuses the URL below)")
	return fake.Config(), fake.Role().Arn, fake.Close
}
