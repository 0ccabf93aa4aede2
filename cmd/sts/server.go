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
}

func (r *roleFlags) register(fs *flag.FlagSet) {
	r.conn.register(fs)
	r.sess.register(fs)
	fs.StringVar(&r.externalID, "external-id", "", "external ID the role's trust policy requires")
	fs.StringVar(&r.sourceIdentity, "source-identity", "", "source identity carried into the session")
	fs.StringVar(&r.oidcProviderArn, "oidc-provider-arn", "", "assume the role with AssumeRoleWithOIDC through this OIDC provider (with -token-file)")
	fs.StringVar(&r.oidcTokens, "token-file", "", "file holding the OIDC token, read again at every refresh")
}

// provider builds the cached provider of the role.
func (r *roleFlags) provider() (stscreds.Provider, error) {
	if err := r.sess.resolve(); err != nil {
		return nil, err
	}
	client, err := r.conn.client()
	if err != nil {
		return nil, err
	}
	if (r.oidcProviderArn == "") != (r.oidcTokens == "") {
		return nil, fmt.Errorf("sts: -oidc-provider-arn and -token-file go together")
	}
	if r.oidcProviderArn != "" {
		return stscreds.NewOIDCProvider(client, r.sess.roleArn, r.oidcProviderArn, stscreds.TokenFile(r.oidcTokens), func(o *stscreds.OIDCOptions) {
			o.RoleSessionName, o.Duration, o.Policy = r.sess.sessionName, r.sess.duration, r.sess.policy
		})
	}
	return stscreds.NewAssumeRoleProvider(client, r.sess.roleArn, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName, o.Duration, o.Policy = r.sess.sessionName, r.sess.duration, r.sess.policy
		o.ExternalId, o.SourceIdentity = r.externalID, r.sourceIdentity
	})
}

// credentialHandler answers GET <path> with the provider's credentials in the JSON the
// Alibaba Cloud credential libraries read from ALIBABA_CLOUD_CREDENTIALS_URI. Anything
// else is refused: another path (404), another Host than the listener's own, as a
// DNS-rebinding page would send (403), another method (405).
type credentialHandler struct {
	provider stscreds.Provider
	path     string // "/" + 128 random bits in hex
	host     string // the only Host accepted: the listener's address
	log      *log.Logger
}

func (h *credentialHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	status := h.serve(w, r)
	// The path is the secret: it is never logged.
	h.log.Printf("%s %d from %s", r.Method, status, r.RemoteAddr)
}

func (h *credentialHandler) serve(w http.ResponseWriter, r *http.Request) int {
	switch {
	case r.Host != h.host:
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
	creds, err := h.provider.Retrieve(r.Context())
	if err != nil {
		body := map[string]string{"Message": "sts credential-server: no credentials from STS"}
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
	writeJSON(w, map[string]string{
		"AccessKeyId": creds.AccessKeyId, "AccessKeySecret": creds.AccessKeySecret, "SecurityToken": creds.SecurityToken,
		"Expiration": creds.Expires.UTC().Format(sts.ExpirationLayout),
	})
	return http.StatusOK
}

// credentialServer is the HTTP server of a credentialHandler, listening.
type credentialServer struct {
	URL string // the value for ALIBABA_CLOUD_CREDENTIALS_URI
	srv *http.Server
	l   net.Listener
}

// listenOptions say where a credential server may listen.
type listenOptions struct {
	addr              string
	allowRemote       bool
	tlsCert, tlsKey   string
	logTo             io.Writer
	readHeaderTimeout time.Duration
}

// startCredentialServer listens on o.addr, which must be a loopback address unless
// o.allowRemote, and then TLS is required, and serves p at a random path.
func startCredentialServer(p stscreds.Provider, o listenOptions) (*credentialServer, error) {
	host, _, err := net.SplitHostPort(o.addr)
	if err != nil {
		return nil, fmt.Errorf("sts: -listen %q: %w", o.addr, err)
	}
	ip := net.ParseIP(host)
	loopback := host == "localhost" || ip != nil && ip.IsLoopback()
	tlsOn := o.tlsCert != "" || o.tlsKey != ""
	switch {
	case !loopback && !o.allowRemote:
		return nil, fmt.Errorf("sts: -listen %s is not a loopback address: any host that reaches it could take the credentials; add -allow-remote (and TLS) to mean it", o.addr)
	case !loopback && !tlsOn:
		return nil, fmt.Errorf("sts: -listen %s with -allow-remote needs -tls-cert and -tls-key: credentials do not cross a network in clear text", o.addr)
	}
	var tlsConfig *tls.Config
	if tlsOn {
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
	h := &credentialHandler{provider: p, path: "/" + hex.EncodeToString(secret[:]), host: l.Addr().String(),
		log: log.New(o.logTo, "sts credential-server: ", log.LstdFlags)}
	scheme := "http"
	if tlsConfig != nil {
		scheme = "https"
		l = tls.NewListener(l, tlsConfig)
	}
	s := &credentialServer{URL: scheme + "://" + h.host + h.path, l: l,
		srv: &http.Server{Handler: h, ReadHeaderTimeout: o.readHeaderTimeout, ErrorLog: h.log}}
	go s.srv.Serve(l)
	return s, nil
}

// Close stops the server, waiting a moment for requests in flight.
func (s *credentialServer) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	s.srv.Shutdown(ctx)
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
	o.readHeaderTimeout = 5 * time.Second
}

func credentialServerCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, role, listen := serverFlags("credential-server")
	if err := parse(fs, args); err != nil {
		return err
	}
	p, err := role.provider()
	if err != nil {
		return err
	}
	listen.logTo = stderr
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
