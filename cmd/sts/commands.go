package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/alibabacloud-go/tea/dara"

	"github.com/stsgo/sts"
	"github.com/stsgo/sts/policy"
	"github.com/stsgo/sts/stscreds"
	"github.com/stsgo/sts/ststest"
)

// newFlagSet returns a flag set that prints nothing and exits never: parseFlags turns
// what it reports into the errors run prints.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("sts "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parseFlags parses args: -h, -help or --help is a helpRequest, a mistake a usageError.
func parseFlags(fs *flag.FlagSet, args []string) error {
	switch err := fs.Parse(args); {
	case err == flag.ErrHelp:
		return helpRequest{fs}
	case err != nil:
		return usageError(err.Error())
	}
	return nil
}

// parse is parseFlags for a command that takes no arguments after its flags.
func parse(fs *flag.FlagSet, args []string) error {
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// connection holds the flags that choose where requests go.
type connection struct {
	region, endpoint, signature string
	insecureHTTP                bool
	timeout                     time.Duration
	profile                     string // -profile: sign with this Alibaba Cloud CLI profile
}

func (c *connection) register(fs *flag.FlagSet) {
	fs.StringVar(&c.region, "region", "", "region whose STS endpoint to use (default $ALIBABA_CLOUD_STS_REGION, else the central endpoint)")
	fs.StringVar(&c.endpoint, "endpoint", "", "endpoint host[:port]; an http:// prefix selects plain HTTP (loopback only, unless -insecure-http)")
	fs.StringVar(&c.signature, "signature", "", `signature algorithm: ACS3-HMAC-SHA256 (default), ACS3-HMAC-SM3 or v2`)
	fs.BoolVar(&c.insecureHTTP, "insecure-http", false, "allow plain HTTP to a host that is not loopback")
	fs.DurationVar(&c.timeout, "timeout", 30*time.Second, "give up after this long")
}

// client builds a client; with no -profile, signed calls use credentials-go's default
// chain.
func (c *connection) client(opts ...sts.Option) (*sts.Client, error) {
	cfg := &sts.Config{}
	if c.profile != "" {
		cred, err := profileCredential(c.profile)
		if err != nil {
			return nil, err
		}
		cfg.Credential = cred
	}
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
	if c.insecureHTTP {
		opts = append(opts, sts.WithInsecureHTTP())
	}
	client, err := sts.NewClient(cfg, opts...)
	var ve *sts.ValidationError
	if errors.As(err, &ve) && ve.Field == "Config.Protocol" {
		// The library's rule names its Go option; say it with the flag.
		return nil, usagef("-endpoint %s is plain HTTP to a host that is not loopback: requests and the credentials they return would cross the network in clear text; add -insecure-http to mean it", c.endpoint)
	}
	return client, err
}

// requestFlags name the flag that sets each request field a *sts.ValidationError can
// name, and configFlags each Config field, so that an error speaks of the flag the
// user typed, not of a Go field.
var (
	requestFlags = map[string]string{
		"RoleArn": "-role-arn", "RoleSessionName": "-session-name", "DurationSeconds": "-duration", "Policy": "-policy",
		"ExternalId": "-external-id", "SourceIdentity": "-source-identity", "OIDCProviderArn": "-oidc-provider-arn",
		"OIDCToken": "-token-file",
	}
	configFlags = map[string]string{"Config.Endpoint": "-endpoint", "Config.RegionId": "-region", "Config.SignatureAlgorithm": "-signature"}
	// flagRules replace the rules whose words fit the Go API, not the flag.
	flagRules = map[string]string{
		"DurationSeconds": fmt.Sprintf("must be %v to %v", sts.MinDurationSeconds*time.Second, sts.MaxDurationSeconds*time.Second),
		"OIDCToken":       "holds no usable token: it must be 4 to 20000 characters",
		"Config.Endpoint": "must be host[:port], after an optional http:// or https://",
	}
)

// flagErrors restates err in flags when every *sts.ValidationError in it (a request
// or Config field the user's flags set) has a flag: "invalid -session-name: must be
// ...". ok is false when err holds no such error, or one that no flag sets.
func flagErrors(err error) (msg string, ok bool) {
	var msgs []string
	for _, ve := range validationErrors(err) {
		name := ve.Field
		if model, field, _ := strings.Cut(ve.Field, "."); strings.HasSuffix(model, "Request") {
			name = field
		}
		flag := requestFlags[name]
		if flag == "" {
			flag = configFlags[name]
		}
		if flag == "" {
			return "", false
		}
		rule := ve.Rule
		if r, ok := flagRules[name]; ok && rule != "is required" {
			rule = r
		}
		msgs = append(msgs, "invalid "+flag+": "+rule)
	}
	return strings.Join(msgs, "; "), len(msgs) > 0
}

// validationErrors returns every *sts.ValidationError in err's tree.
func validationErrors(err error) []*sts.ValidationError {
	switch e := err.(type) {
	case *sts.ValidationError:
		return []*sts.ValidationError{e}
	case interface{ Unwrap() []error }:
		var all []*sts.ValidationError
		for _, err := range e.Unwrap() {
			all = append(all, validationErrors(err)...)
		}
		return all
	case interface{ Unwrap() error }:
		return validationErrors(e.Unwrap())
	}
	return nil
}

// session holds the flags shared by the commands that assume a role.
type session struct {
	roleArn, sessionName, policy string
	policyGiven                  bool // -policy was on the command line, even if empty
	namedByDefault               bool // sessionName is sts-cli-<time>, neither given nor from the environment
	duration                     time.Duration
}

func (s *session) register(fs *flag.FlagSet) {
	fs.StringVar(&s.roleArn, "role-arn", "", "ARN of the role to assume (default $"+stscreds.EnvRoleArn+")")
	fs.StringVar(&s.sessionName, "session-name", "", "session name for audit logs (default $"+stscreds.EnvRoleSessionName+", else sts-cli-<time>)")
	fs.DurationVar(&s.duration, "duration", time.Hour, "how long the credentials last, 15m to the role's maximum")
	fs.Func("policy", "policy narrowing the role's permissions: JSON, or @file", func(v string) error {
		s.policy, s.policyGiven = v, true
		return nil
	})
}

// registerFormat adds the -format flag of the commands that print credentials.
func registerFormat(fs *flag.FlagSet) *string {
	return fs.String("format", "json", "output: json, env (shell export lines) or external (Alibaba Cloud CLI External mode)")
}

// fromEnv sets *flag to $name when the flag was left empty. A flag's default from the
// environment is read here, after parsing, not given to the flag set as its default
// value: the help then says "(default $NAME)" once, and never prints the value.
func fromEnv(flag *string, name string) {
	if *flag == "" {
		*flag = os.Getenv(name)
	}
}

// resolve fills defaults, reads an @file policy, and holds the policy to RAM's
// grammar before any request, sending it in canonical form.
func (s *session) resolve() error {
	fromEnv(&s.roleArn, stscreds.EnvRoleArn)
	fromEnv(&s.sessionName, stscreds.EnvRoleSessionName)
	if s.roleArn == "" {
		return usagef("-role-arn (or $%s) is required", stscreds.EnvRoleArn)
	}
	if s.sessionName == "" {
		s.sessionName, s.namedByDefault = fmt.Sprintf("sts-cli-%d", time.Now().Unix()), true
	}
	if file, ok := strings.CutPrefix(s.policy, "@"); ok {
		b, err := os.ReadFile(file)
		if err != nil {
			return fmt.Errorf("sts: reading the policy: %w", err)
		}
		s.policy = string(b)
	}
	if s.policyGiven {
		// An empty value (an unset variable, an empty file) must not become a
		// session with the role's full permissions.
		if strings.TrimSpace(s.policy) == "" {
			return usagef("-policy is empty; give a policy, or leave -policy out for none")
		}
		p, err := policy.Parse(s.policy)
		if err != nil {
			return fmt.Errorf("sts: -policy: %w", err)
		}
		s.policy = p.String()
	}
	return nil
}

func assumeRole(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("assume-role")
	var conn connection
	var sess session
	conn.register(fs)
	conn.registerProfile(fs)
	sess.register(fs)
	format := registerFormat(fs)
	externalID := fs.String("external-id", "", "external ID the role's trust policy requires")
	sourceIdentity := fs.String("source-identity", "", "source identity carried into the session")
	noCache := fs.Bool("no-cache", false, "neither reuse nor keep credentials in the per-user cache (<user cache dir>/stsgo)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := checkFormat(*format); err != nil {
		return err
	}
	if err := sess.resolve(); err != nil {
		return err
	}
	givenName := sess.sessionName // the cache keys by it, but not by the default's timestamp
	if sess.namedByDefault {
		givenName = ""
	}
	client, err := conn.client()
	if err != nil {
		return err
	}
	req := stscreds.Session{RoleArn: sess.roleArn, RoleSessionName: sess.sessionName, Policy: sess.policy,
		Duration: sess.duration, ExternalId: *externalID, SourceIdentity: *sourceIdentity}.Request()
	// -duration is sent whatever its value: the flag always names one (an hour by
	// default), and a zero typed is refused by Validate with every other mistake,
	// where the builder leaves a zero duration to the service's default.
	req.SetDurationSeconds(int64(sess.duration / time.Second))
	ctx, cancel := context.WithTimeout(ctx, conn.timeout)
	defer cancel()
	creds, err := assumeRoleCached(ctx, client, req, givenName, *noCache, stderr)
	if err != nil {
		return err
	}
	return printCredentials(stdout, *format, creds, time.Now())
}

func assumeRoleWithOIDC(ctx context.Context, args []string, stdout, _ io.Writer) error {
	fs := newFlagSet("assume-role-with-oidc")
	var conn connection
	var sess session
	conn.register(fs)
	sess.register(fs)
	format := registerFormat(fs)
	providerArn := fs.String("oidc-provider-arn", "", "ARN of the OIDC provider (default $"+stscreds.EnvOIDCProviderArn+")")
	tokenFile := fs.String("token-file", "", "file holding the OIDC token (default $"+stscreds.EnvOIDCTokenFile+")")
	if err := parse(fs, args); err != nil {
		return err
	}
	fromEnv(providerArn, stscreds.EnvOIDCProviderArn)
	fromEnv(tokenFile, stscreds.EnvOIDCTokenFile)
	if err := checkFormat(*format); err != nil {
		return err
	}
	if err := sess.resolve(); err != nil {
		return err
	}
	if *providerArn == "" || *tokenFile == "" {
		return usagef("-oidc-provider-arn and -token-file (or $%s and $%s) are required", stscreds.EnvOIDCProviderArn, stscreds.EnvOIDCTokenFile)
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
	req := stscreds.OIDCOptions{RoleSessionName: sess.sessionName, Duration: sess.duration, Policy: sess.policy}.
		Request(sess.roleArn, *providerArn, token)
	req.SetDurationSeconds(int64(sess.duration / time.Second)) // as in assume-role: zero included
	resp, err := client.AssumeRoleWithOIDCWithContext(ctx, req, nil)
	if err != nil {
		return err
	}
	return printCredentials(stdout, *format, resp.Body.Credentials, time.Now())
}

func callerIdentity(ctx context.Context, args []string, stdout, _ io.Writer) error {
	fs := newFlagSet("caller-identity")
	var conn connection
	conn.register(fs)
	conn.registerProfile(fs)
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

func serve(ctx context.Context, args []string, stdout, _ io.Writer) error {
	fs := newFlagSet("serve")
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
