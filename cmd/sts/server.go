package main

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/stsgo/sts"
	"github.com/stsgo/sts/stscreds"
)

// EnvCredentialsURI is where credentials-go, the Node.js @alicloud/credentials and
// the other Alibaba Cloud credential libraries look for a URL to GET credentials from.
const EnvCredentialsURI = "ALIBABA_CLOUD_CREDENTIALS_URI"

// roleFlags choose the role whose credentials credential-server and exec serve:
// AssumeRole signed by the default credential chain, or, with an OIDC provider,
// AssumeRoleWithOIDC from a token file (ACK RRSA).
type roleFlags struct {
	conn                        connection
	sess                        session
	externalID, sourceIdentity  string
	oidcProviderArn, oidcTokens string
	clock                       func() time.Time // nil: time.Now; tests move it
}

func (r *roleFlags) register(fs *flag.FlagSet) {
	r.conn.register(fs)
	r.conn.registerProfile(fs)
	r.sess.register(fs)
	fs.StringVar(&r.externalID, "external-id", "", "external ID the role's trust policy requires")
	fs.StringVar(&r.sourceIdentity, "source-identity", "", "source identity carried into the session")
	fs.StringVar(&r.oidcProviderArn, "oidc-provider-arn", "", "assume the role with AssumeRoleWithOIDC through this OIDC provider (with -token-file)")
	fs.StringVar(&r.oidcTokens, "token-file", "", "file holding the OIDC token, read again at every refresh")
}

// provider builds the cached provider of the role, refreshed under servePolicy.
func (r *roleFlags) provider() (stscreds.Provider, error) {
	if err := checkServeDuration(r.sess.duration); err != nil {
		return nil, err
	}
	if err := r.sess.resolve(); err != nil {
		return nil, err
	}
	var opts []sts.Option
	if r.clock != nil {
		opts = append(opts, sts.WithClock(r.clock))
	}
	client, err := r.conn.client(opts...)
	if err != nil {
		return nil, err
	}
	if (r.oidcProviderArn == "") != (r.oidcTokens == "") {
		return nil, fmt.Errorf("sts: -oidc-provider-arn and -token-file go together")
	}
	cache := servePolicy(r.clock)
	if r.oidcProviderArn != "" {
		return stscreds.NewOIDCProvider(client, r.sess.roleArn, r.oidcProviderArn, stscreds.TokenFile(r.oidcTokens), func(o *stscreds.OIDCOptions) {
			o.RoleSessionName, o.Duration, o.Policy, o.Cache = r.sess.sessionName, r.sess.duration, r.sess.policy, cache
		})
	}
	return stscreds.NewAssumeRoleProvider(client, r.sess.roleArn, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName, o.Duration, o.Policy, o.Cache = r.sess.sessionName, r.sess.duration, r.sess.policy, cache
		o.ExternalId, o.SourceIdentity = r.externalID, r.sourceIdentity
	})
}

// credentialHandler answers GET <path> with the provider's credentials in the JSON the
// Alibaba Cloud credential libraries read from ALIBABA_CLOUD_CREDENTIALS_URI. Anything
// else is refused: another path (404), a Host that is not the listener's own, as a
// DNS-rebinding page would send (403), another method (405).
type credentialHandler struct {
	provider stscreds.Provider
	path     string // "/" + 128 random bits in hex
	hosts    hostCheck
	log      *log.Logger
	now      func() time.Time                     // the provider's clock
	held     atomic.Pointer[stscreds.Credentials] // the last served, for when STS fails
}

// hostCheck accepts the Host headers that name the listener: its IP address, and
// localhost when it is a loopback address, with the listener's port or with none
// (Alibaba's Python library sends the host name alone). A DNS-rebinding page's own
// host name is none of them.
type hostCheck struct {
	names map[string]bool // lower case, IPv6 without brackets
	port  string
}

func newHostCheck(addr net.Addr) hostCheck {
	tcp := addr.(*net.TCPAddr)
	names := map[string]bool{tcp.IP.String(): true}
	if tcp.IP.IsLoopback() {
		names["localhost"] = true
	}
	return hostCheck{names: names, port: strconv.Itoa(tcp.Port)}
}

func (c hostCheck) allows(host string) bool {
	name, port := host, ""
	if n, p, err := net.SplitHostPort(host); err == nil {
		name, port = n, p
	} else if n, ok := strings.CutPrefix(host, "["); ok {
		if name, ok = strings.CutSuffix(n, "]"); !ok {
			return false
		}
	}
	return (port == "" || port == c.port) && c.names[strings.ToLower(name)]
}

// retrieveTimeout bounds how long a request waits for STS, below the consumers' read
// timeouts (10 s in credentials-go, Python, Java and Node.js) and the server's
// WriteTimeout.
const retrieveTimeout = 8 * time.Second

func (h *credentialHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if r.ContentLength != 0 || len(r.TransferEncoding) > 0 {
		// No request here needs a body. net/http would wait up to ReadTimeout for the
		// rest of one that never comes (to reuse the connection), letting slow clients
		// hold every connection slot: stop reading now, and close after the answer.
		w.Header().Set("Connection", "close")
		http.NewResponseController(w).SetReadDeadline(time.Now())
	}
	status := h.serve(w, r)
	// The path is the secret: it is never logged.
	h.log.Printf("%s %d from %s", r.Method, status, r.RemoteAddr)
}

// fresh returns credentials that the consumers will not find stale, when STS gives
// them. Refreshes start ahead of time only when asked for (the cache has no timer,
// which a suspended machine would stop): after a pause with no request, what the cache
// holds may have 15 minutes or less left, and then it is fetched anew while the caller
// waits. While STS fails, credentials still valid are served, never expired ones.
func (h *credentialHandler) fresh(ctx context.Context) (stscreds.Credentials, error) {
	creds, err := h.provider.Retrieve(ctx)
	if err == nil && !creds.Expires.IsZero() && creds.Expires.Sub(h.now()) <= consumerStaleTime+time.Minute {
		if inv, ok := h.provider.(sts.CredentialInvalidator); ok && inv.InvalidateCredentials(creds.AccessKeyId, creds.SecurityToken) {
			if again, err := h.provider.Retrieve(ctx); err == nil {
				creds = again
			}
		}
	}
	if err != nil {
		if held := h.held.Load(); held != nil && h.now().Before(held.Expires) {
			return *held, nil
		}
		return stscreds.Credentials{}, err
	}
	h.held.Store(&creds)
	return creds, nil
}

func (h *credentialHandler) serve(w http.ResponseWriter, r *http.Request) int {
	switch {
	case !h.hosts.allows(r.Host):
		http.Error(w, "forbidden", http.StatusForbidden)
		return http.StatusForbidden
	case r.URL.Path != h.path:
		http.NotFound(w, r)
		return http.StatusNotFound
	case r.Method != http.MethodGet:
		w.Header().Set("Allow", http.MethodGet)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return http.StatusMethodNotAllowed
	}
	ctx, cancel := context.WithTimeout(r.Context(), retrieveTimeout)
	defer cancel()
	creds, err := h.fresh(ctx)
	if err != nil {
		body := map[string]string{"Code": "ServiceUnavailable", "Message": "sts credential-server: no credentials from STS"}
		var se *sts.ServiceError
		if errors.As(err, &se) {
			body["Code"], body["RequestId"] = se.Code, se.RequestId
		}
		h.log.Printf("getting credentials: %v", err) // errors carry no secrets
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		writeJSON(w, body)
		return http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Type", "application/json")
	writeJSON(w, servedCredentials(creds))
	return http.StatusOK
}

// servedCredentials is the body of a 200: what Alibaba's Python and Java libraries and
// the aliyun CLI require (Code "Success") and every library reads (the four fields,
// Expiration in UTC).
func servedCredentials(c stscreds.Credentials) map[string]string {
	return map[string]string{"Code": "Success",
		"AccessKeyId": c.AccessKeyId, "AccessKeySecret": c.AccessKeySecret, "SecurityToken": c.SecurityToken,
		"Expiration": c.Expires.UTC().Format(sts.ExpirationLayout),
	}
}

// credentialServer is the HTTP server of a credentialHandler, listening.
type credentialServer struct {
	URL string // the value for ALIBABA_CLOUD_CREDENTIALS_URI
	srv *http.Server
	l   net.Listener
}

// listenOptions say where a credential server may listen, and its bounds.
type listenOptions struct {
	addr            string
	allowRemote     bool
	tlsCert, tlsKey string
	logTo           io.Writer
	limits          serverLimits
	clock           func() time.Time // the provider's clock; nil means time.Now
}

// serverLimits bound what one client can hold of the server, so that idle or slow
// clients cannot take it from the others.
type serverLimits struct {
	readHeader, read, write, idle time.Duration
	maxHeaderBytes, maxConns      int
}

// defaultLimits: a request is a GET with no body, answered within retrieveTimeout.
var defaultLimits = serverLimits{
	readHeader: 5 * time.Second, read: 10 * time.Second, write: retrieveTimeout + 5*time.Second, idle: 30 * time.Second,
	maxHeaderBytes: 4 << 10, maxConns: 512, // net/http allows 4 KiB over it: 8 KiB in all
}

// check refuses an address other hosts can reach, unless allowed, and then without TLS.
func (o listenOptions) check() error {
	host, _, err := net.SplitHostPort(o.addr)
	if err != nil {
		return fmt.Errorf("sts: -listen %q: %w", o.addr, err)
	}
	ip := net.ParseIP(host)
	loopback := host == "localhost" || ip != nil && ip.IsLoopback()
	switch {
	case !loopback && !o.allowRemote:
		return fmt.Errorf("sts: -listen %s is not a loopback address: any host that reaches it could take the credentials; add -allow-remote (and TLS) to mean it", o.addr)
	case !loopback && o.tlsCert == "" && o.tlsKey == "":
		return fmt.Errorf("sts: -listen %s with -allow-remote needs -tls-cert and -tls-key: credentials do not cross a network in clear text", o.addr)
	}
	return nil
}

// startCredentialServer listens on o.addr, which must be a loopback address unless
// o.allowRemote, and then TLS is required, and serves p at a random path.
func startCredentialServer(p stscreds.Provider, o listenOptions) (*credentialServer, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	var tlsConfig *tls.Config
	if o.tlsCert != "" || o.tlsKey != "" {
		cert, err := tls.LoadX509KeyPair(o.tlsCert, o.tlsKey)
		if err != nil {
			return nil, fmt.Errorf("sts: -tls-cert/-tls-key: %w", err)
		}
		tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	l, err := net.Listen("tcp", o.addr)
	if err != nil {
		return nil, fmt.Errorf("sts: %w", err)
	}
	var secret [16]byte
	rand.Read(secret[:])
	h := &credentialHandler{provider: p, path: "/" + hex.EncodeToString(secret[:]), hosts: newHostCheck(l.Addr()),
		log: log.New(o.logTo, "sts credential-server: ", log.LstdFlags), now: o.clock}
	if h.now == nil {
		h.now = time.Now
	}
	scheme := "http"
	if tlsConfig != nil {
		scheme = "https"
		l = tls.NewListener(l, tlsConfig)
	}
	lim := o.limits
	if lim == (serverLimits{}) {
		lim = defaultLimits
	}
	conns := newConnLimiter(l, lim.maxConns)
	s := &credentialServer{URL: scheme + "://" + l.Addr().String() + h.path, l: conns,
		srv: &http.Server{Handler: h, ErrorLog: h.log, ConnState: conns.track,
			ReadHeaderTimeout: lim.readHeader, ReadTimeout: lim.read, WriteTimeout: lim.write, IdleTimeout: lim.idle,
			MaxHeaderBytes: lim.maxHeaderBytes}}
	go s.srv.Serve(conns)
	return s, nil
}

// Close stops the server, waiting a moment for requests in flight.
func (s *credentialServer) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	s.srv.Shutdown(ctx)
}

// fetchFirst gets the role's first credentials before anything is served: a role
// that cannot be assumed fails at once with the STS error, and the first consumer does
// not wait for STS (Java's library read the URL with a 1 s timeout before 2024-11).
func fetchFirst(ctx context.Context, p stscreds.Provider, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	_, err := p.Retrieve(ctx)
	return err
}

// serverFlags returns the flag set of a command that serves a role's credentials:
// which role, and where to listen.
func serverFlags(name string) (*flag.FlagSet, *roleFlags, *listenOptions) {
	fs := newFlagSet(name)
	var role roleFlags
	var listen listenOptions
	role.register(fs)
	registerListen(fs, &listen)
	return fs, &role, &listen
}

// registerListen adds the flags of where to listen.
func registerListen(fs *flag.FlagSet, o *listenOptions) {
	fs.StringVar(&o.addr, "listen", "127.0.0.1:0", "host:port to listen on; loopback only unless -allow-remote")
	fs.BoolVar(&o.allowRemote, "allow-remote", false, "allow a -listen address other hosts can reach (requires -tls-cert and -tls-key)")
	fs.StringVar(&o.tlsCert, "tls-cert", "", "PEM certificate to serve HTTPS with")
	fs.StringVar(&o.tlsKey, "tls-key", "", "PEM private key of -tls-cert")
}

func credentialServerCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, role, listen := serverFlags("credential-server")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := listen.check(); err != nil {
		return err
	}
	p, err := role.provider()
	if err != nil {
		return err
	}
	if err := fetchFirst(ctx, p, role.conn.timeout); err != nil {
		return err
	}
	listen.logTo = stderr
	listen.clock = role.clock
	srv, err := startCredentialServer(p, *listen)
	if err != nil {
		return err
	}
	defer srv.Close()
	fmt.Fprintf(stdout, "export %s=%s\n", EnvCredentialsURI, shellQuote(srv.URL))
	fmt.Fprintln(stderr, "sts credential-server: serving until interrupted; the URL is a secret")
	<-ctx.Done()
	return nil
}
