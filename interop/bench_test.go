package interop

import (
	"bytes"
	"encoding/json"
	"encoding/pem"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	official "github.com/alibabacloud-go/sts-20150401/v2/client"
	"github.com/alibabacloud-go/tea/dara"

	"github.com/stsgo/sts"
)

const (
	benchKeyID  = "LTAI5tBenchAccessKeyId"
	benchSecret = "BenchSecretValue-0123456789abcdef"
	benchRole   = "acs:ram::1234567890123456:role/test-role"
)

// recordedBody is the recorded AssumeRole answer every benchmark server gives.
func recordedBody(b *testing.B) []byte {
	body, err := os.ReadFile("../testdata/responses/assume_role.json")
	if err != nil {
		b.Fatal(err)
	}
	return body
}

// cannedHandler answers every request with the recorded AssumeRole body, so that the
// benchmarks compare the clients and not a server.
func cannedHandler(b *testing.B) http.Handler {
	body := recordedBody(b)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json;charset=utf-8")
		w.Header().Set("x-acs-request-id", "964E0EC5-575B-4FF5-8FD0-D4BD8025602A")
		w.Write(body)
	})
}

func cannedServer(b *testing.B) *httptest.Server {
	srv := httptest.NewServer(cannedHandler(b))
	b.Cleanup(srv.Close)
	return srv
}

// benchSignatures are the two signature families every comparison covers: ACS3 (both
// clients' default) and V1 ("v2" in Config.SignatureAlgorithm).
var benchSignatures = []struct{ name, config string }{{"acs3", ""}, {"v1", "v2"}}

func config(endpoint, algorithm string) *sts.Config {
	cfg := &sts.Config{AccessKeyId: dara.String(benchKeyID), AccessKeySecret: dara.String(benchSecret),
		Endpoint: dara.String(endpoint), Protocol: dara.String("HTTP")}
	if algorithm != "" {
		cfg.SignatureAlgorithm = dara.String(algorithm)
	}
	return cfg
}

// assumer is the call both clients make, as a function.
type assumer func() error

func ours(b *testing.B, cfg *sts.Config, opts ...sts.Option) assumer {
	c, err := sts.NewClient(cfg, opts...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(c.CloseIdleConnections)
	req := new(sts.AssumeRoleRequest).SetRoleArn(benchRole).SetRoleSessionName("bench").SetDurationSeconds(3600)
	return func() error {
		resp, err := c.AssumeRole(req)
		if err == nil && resp.Body.Credentials == nil {
			b.Fatal("no credentials")
		}
		return err
	}
}

func theirs(b *testing.B, cfg *sts.Config, _ ...sts.Option) assumer {
	c, err := official.NewClient(cfg)
	if err != nil {
		b.Fatal(err)
	}
	req := new(official.AssumeRoleRequest).SetRoleArn(benchRole).SetRoleSessionName("bench").SetDurationSeconds(3600)
	return func() error {
		resp, err := c.AssumeRole(req)
		if err == nil && resp.Body.Credentials == nil {
			b.Fatal("no credentials")
		}
		return err
	}
}

var clients = []struct {
	name string
	new  func(*testing.B, *sts.Config, ...sts.Option) assumer
}{{"stsgo", ours}, {"official", theirs}}

// wireRequest is what our client sent for one AssumeRole: the query and the headers.
type wireRequest struct {
	query  string
	header http.Header
}

// captureWire records the request our client sends with the given signature.
func captureWire(b *testing.B, algorithm string) wireRequest {
	var got wireRequest
	handler := cannedHandler(b)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = wireRequest{query: r.URL.RawQuery, header: r.Header.Clone()}
		handler.ServeHTTP(w, r)
	}))
	defer srv.Close()
	if err := ours(b, config(strings.TrimPrefix(srv.URL, "http://"), algorithm))(); err != nil {
		b.Fatal(err)
	}
	return got
}

// wireCall is a bare net/http POST of the captured request through hc to target,
// decoded into the same model our client fills.
func wireCall(b *testing.B, hc *http.Client, target string, wire wireRequest) {
	req, err := http.NewRequest(http.MethodPost, target+"/?"+wire.query, nil)
	if err != nil {
		b.Fatal(err)
	}
	for k, v := range wire.header {
		req.Header[k] = v
	}
	resp, err := hc.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	decodeBody(b, resp)
}

// bareClient is a plain net/http client with a pool as large as ours.
func bareClient() *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConns: 100, MaxIdleConnsPerHost: 100}}
}

// decodeBody reads an AssumeRole answer into the same model our client fills.
func decodeBody(b *testing.B, resp *http.Response) {
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	var body sts.AssumeRoleResponseBody
	if err != nil || json.Unmarshal(raw, &body) != nil || body.Credentials == nil {
		b.Fatal("bad response", err)
	}
}

// BenchmarkRoundTrip compares, in one run, a signed AssumeRole round trip on loopback
// through this module's client and the official SDK, with ACS3 and V1 signatures,
// against two floors: "floor", a bare net/http POST of a short prebuilt form, and
// "wire", a bare net/http POST carrying exactly the query and headers our signed
// request carries (captured once), both decoded into the same model. Our cost beyond
// the wire floor is the library's own: signing, building, checking and decoding.
func BenchmarkRoundTrip(b *testing.B) {
	srv := cannedServer(b)
	endpoint := strings.TrimPrefix(srv.URL, "http://")

	b.Run("floor", func(b *testing.B) {
		hc := bareClient()
		form := "Action=AssumeRole&RoleArn=acs%3Aram%3A%3A1234567890123456%3Arole%2Ftest-role&RoleSessionName=bench&DurationSeconds=3600"
		b.ReportAllocs()
		for b.Loop() {
			resp, err := hc.Post(srv.URL+"/", "application/x-www-form-urlencoded", strings.NewReader(form))
			if err != nil {
				b.Fatal(err)
			}
			decodeBody(b, resp)
		}
	})
	for _, sig := range benchSignatures {
		wire := captureWire(b, sig.config)
		b.Run("wire/"+sig.name, func(b *testing.B) {
			hc := bareClient()
			b.ReportAllocs()
			for b.Loop() {
				wireCall(b, hc, srv.URL, wire)
			}
		})
		for _, client := range clients {
			b.Run(client.name+"/"+sig.name, func(b *testing.B) {
				call := client.new(b, config(endpoint, sig.config))
				b.ReportAllocs()
				for b.Loop() {
					if err := call(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// cannedTransport answers every request in memory with the recorded AssumeRole body:
// no network and no server, so what is measured is the client alone.
type cannedTransport struct{ body []byte }

func (t cannedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, ProtoMajor: 1, ProtoMinor: 1, Request: req, ContentLength: int64(len(t.body)),
		Header: http.Header{"Content-Type": {"application/json;charset=utf-8"}, "X-Acs-Request-Id": {"964E0EC5-575B-4FF5-8FD0-D4BD8025602A"},
			"Date": {"Tue, 24 Nov 2026 10:00:00 GMT"}, "Content-Length": {strconv.Itoa(len(t.body))}},
		Body: io.NopCloser(bytes.NewReader(t.body))}, nil
}

// BenchmarkClientCost is BenchmarkRoundTrip's wire floor and our client without the
// network: both send through a transport that answers in memory, so the difference
// between them is the library's own cost, free of loopback noise.
func BenchmarkClientCost(b *testing.B) {
	hc := &http.Client{Transport: cannedTransport{recordedBody(b)}}
	for _, sig := range benchSignatures {
		wire := captureWire(b, sig.config)
		b.Run("wire/"+sig.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				wireCall(b, hc, "http://sts.example", wire)
			}
		})
		b.Run("stsgo/"+sig.name, func(b *testing.B) {
			cfg := config("sts.example", sig.config)
			cfg.Protocol = nil
			call := ours(b, cfg, sts.WithHTTPClient(hc))
			b.ReportAllocs()
			for b.Loop() {
				if err := call(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkConcurrency shares one warm client among N goroutines calling AssumeRole
// over TLS on loopback, as a token vending service does, and reports calls per second
// and the new TLS connections the server saw per 1,000 calls: a client that does not
// reuse its connections pays a handshake per call.
func BenchmarkConcurrency(b *testing.B) {
	var handshakes atomic.Int64
	srv := httptest.NewUnstartedServer(cannedHandler(b))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // handshakes a client abandons are not news
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			handshakes.Add(1)
		}
	}
	srv.StartTLS()
	b.Cleanup(srv.Close)
	caPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))
	endpoint := strings.TrimPrefix(srv.URL, "https://")

	for _, client := range clients {
		for _, n := range []int{1, 8, 64, 256} {
			b.Run(client.name+"/goroutines="+strconv.Itoa(n), func(b *testing.B) {
				cfg := config(endpoint, "")
				cfg.Protocol, cfg.Ca = dara.String("HTTPS"), dara.String(caPEM)
				call := client.new(b, cfg)
				// Warm, as a long-lived service is: n goroutines, two calls each.
				concurrently(b, n, int64(2*n), call)
				before := handshakes.Load()
				b.ResetTimer()
				start := time.Now()
				concurrently(b, n, int64(b.N), call)
				elapsed := time.Since(start)
				b.ReportMetric(float64(b.N)/elapsed.Seconds(), "calls/s")
				b.ReportMetric(float64(handshakes.Load()-before)*1000/float64(b.N), "conns/1000calls")
			})
		}
	}
}

// concurrently makes calls calls from n goroutines.
func concurrently(b *testing.B, n int, calls int64, call assumer) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			for next.Add(1) <= calls {
				if err := call(); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}
