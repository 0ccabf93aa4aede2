package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/alibabacloud-go/tea/dara"

	"github.com/stsgo/sts"
	"github.com/stsgo/sts/stscreds"
	"github.com/stsgo/sts/ststest"
)

// newFlagSet returns a flag set that reports its mistakes instead of exiting.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("sts "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parseFlags parses args; a mistake (already reported by the flag set) is errUsage.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return errUsage
	}
	return nil
}

// parse is parseFlags for a command that takes no arguments after its flags.
func parse(fs *flag.FlagSet, args []string) error {
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "%s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return errUsage
	}
	return nil
}

// connection holds the flags that choose where requests go.
type connection struct {
	region, endpoint, signature string
	insecureHTTP                bool
	timeout                     time.Duration
}

func (c *connection) register(fs *flag.FlagSet) {
	fs.StringVar(&c.region, "region", "", "region whose STS endpoint to use (default $ALIBABA_CLOUD_STS_REGION, else the central endpoint)")
	fs.StringVar(&c.endpoint, "endpoint", "", "endpoint host[:port]; an http:// prefix selects plain HTTP (loopback only, unless -insecure-http)")
	fs.StringVar(&c.signature, "signature", "", `signature algorithm: ACS3-HMAC-SHA256 (default), ACS3-HMAC-SM3 or v2`)
	fs.BoolVar(&c.insecureHTTP, "insecure-http", false, "allow plain HTTP to a host that is not loopback")
	fs.DurationVar(&c.timeout, "timeout", 30*time.Second, "give up after this long")
}

// client builds a client; with no credentials in it, signed calls use credentials-go's
// default chain.
func (c *connection) client() (*sts.Client, error) {
	cfg := &sts.Config{}
	if c.region != "" {
		cfg.RegionId = dara.String(c.region)
	}
	if c.endpoint != "" {
		host := c.endpoint
		if h, ok := strings.CutPrefix(host, "http://"); ok {
			host, cfg.Protocol = h, dara.String("HTTP")
		}
		cfg.Endpoint = dara.String(strings.TrimPrefix(host, "https://"))
	}
	if c.signature != "" {
		cfg.SignatureAlgorithm = dara.String(c.signature)
	}
	var opts []sts.Option
	if c.insecureHTTP {
		opts = append(opts, sts.WithInsecureHTTP())
	}
	return sts.NewClient(cfg, opts...)
}

// session holds the flags shared by the commands that assume a role.
type session struct {
	roleArn, sessionName, policy string
	duration                     time.Duration
}

func (s *session) register(fs *flag.FlagSet) {
	fs.StringVar(&s.roleArn, "role-arn", os.Getenv(stscreds.EnvRoleArn), "ARN of the role to assume (default $ALIBABA_CLOUD_ROLE_ARN)")
	fs.StringVar(&s.sessionName, "session-name", os.Getenv(stscreds.EnvRoleSessionName), "session name for audit logs (default $ALIBABA_CLOUD_ROLE_SESSION_NAME, else sts-cli-<time>)")
	fs.DurationVar(&s.duration, "duration", time.Hour, "how long the credentials last, 15m to the role's maximum")
	fs.StringVar(&s.policy, "policy", "", "policy narrowing the role's permissions: JSON, or @file")
}

// registerFormat adds the -format flag of the commands that print credentials.
func registerFormat(fs *flag.FlagSet) *string {
	return fs.String("format", "json", "output: json, env (shell export lines) or external (Alibaba Cloud CLI External mode)")
}

// resolve fills defaults and reads an @file policy.
func (s *session) resolve() error {
	if s.roleArn == "" {
		return fmt.Errorf("sts: -role-arn (or $%s) is required", stscreds.EnvRoleArn)
	}
	if s.sessionName == "" {
		s.sessionName = fmt.Sprintf("sts-cli-%d", time.Now().Unix())
	}
	if file, ok := strings.CutPrefix(s.policy, "@"); ok {
		b, err := os.ReadFile(file)
		if err != nil {
			return fmt.Errorf("sts: reading the policy: %w", err)
		}
		s.policy = string(b)
	}
	return nil
}

func assumeRole(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("assume-role", stderr)
	var conn connection
	var sess session
	conn.register(fs)
	sess.register(fs)
	format := registerFormat(fs)
	externalID := fs.String("external-id", "", "external ID the role's trust policy requires")
	sourceIdentity := fs.String("source-identity", "", "source identity carried into the session")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := checkFormat(*format); err != nil {
		return err
	}
	if err := sess.resolve(); err != nil {
		return err
	}
	client, err := conn.client()
	if err != nil {
		return err
	}
	req := new(sts.AssumeRoleRequest).SetRoleArn(sess.roleArn).SetRoleSessionName(sess.sessionName).
		SetDurationSeconds(int64(sess.duration / time.Second))
	if sess.policy != "" {
		req.SetPolicy(sess.policy)
	}
	if *externalID != "" {
		req.SetExternalId(*externalID)
	}
	if *sourceIdentity != "" {
		req.SetSourceIdentity(*sourceIdentity)
	}
	ctx, cancel := context.WithTimeout(ctx, conn.timeout)
	defer cancel()
	resp, err := client.AssumeRoleWithContext(ctx, req, nil)
	if err != nil {
		return err
	}
	return printCredentials(stdout, *format, resp.Body.Credentials)
}

func assumeRoleWithOIDC(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("assume-role-with-oidc", stderr)
	var conn connection
	var sess session
	conn.register(fs)
	sess.register(fs)
	format := registerFormat(fs)
	providerArn := fs.String("oidc-provider-arn", os.Getenv(stscreds.EnvOIDCProviderArn), "ARN of the OIDC provider (default $ALIBABA_CLOUD_OIDC_PROVIDER_ARN)")
	tokenFile := fs.String("token-file", os.Getenv(stscreds.EnvOIDCTokenFile), "file holding the OIDC token (default $ALIBABA_CLOUD_OIDC_TOKEN_FILE)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := checkFormat(*format); err != nil {
		return err
	}
	if err := sess.resolve(); err != nil {
		return err
	}
	if *providerArn == "" || *tokenFile == "" {
		return fmt.Errorf("sts: -oidc-provider-arn and -token-file (or $%s and $%s) are required", stscreds.EnvOIDCProviderArn, stscreds.EnvOIDCTokenFile)
	}
	client, err := conn.client()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, conn.timeout)
	defer cancel()
	token, err := stscreds.TokenFile(*tokenFile).Token(ctx)
	if err != nil {
		return fmt.Errorf("sts: %w", err)
	}
	req := new(sts.AssumeRoleWithOIDCRequest).SetRoleArn(sess.roleArn).SetOIDCProviderArn(*providerArn).
		SetOIDCToken(token).SetRoleSessionName(sess.sessionName).SetDurationSeconds(int64(sess.duration / time.Second))
	if sess.policy != "" {
		req.SetPolicy(sess.policy)
	}
	resp, err := client.AssumeRoleWithOIDCWithContext(ctx, req, nil)
	if err != nil {
		return err
	}
	return printCredentials(stdout, *format, resp.Body.Credentials)
}

func callerIdentity(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("caller-identity", stderr)
	var conn connection
	conn.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	client, err := conn.client()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, conn.timeout)
	defer cancel()
	resp, err := client.GetCallerIdentityWithContext(ctx, nil)
	if err != nil {
		return err
	}
	return writeJSON(stdout, resp.Body)
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", stderr)
	port := fs.Int("port", 0, "loopback port to listen on (default: any free one)")
	if err := parse(fs, args); err != nil {
		return err
	}
	srv := ststest.NewServer(ststest.WithAddress(fmt.Sprintf("127.0.0.1:%d", *port)))
	defer srv.Close()
	u := srv.User()
	fmt.Fprintf(stdout, "# fake STS at %s until interrupted; its test user and role:\n", srv.URL)
	for _, kv := range [][2]string{
		{"ALIBABA_CLOUD_ACCESS_KEY_ID", u.AccessKeyId},
		{"ALIBABA_CLOUD_ACCESS_KEY_SECRET", u.AccessKeySecret},
		{stscreds.EnvRoleArn, srv.Role().Arn},
	} {
		fmt.Fprintf(stdout, "export %s=%s\n", kv[0], shellQuote(kv[1]))
	}
	fmt.Fprintf(stdout, "# sts assume-role -endpoint %s\n", srv.URL)
	<-ctx.Done()
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
