package stscreds

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/aliyun/credentials-go/credentials"
	"github.com/aliyun/credentials-go/credentials/providers"

	"github.com/stsgo/sts"
)

// The environment of ACK RRSA (and of credentials-go's OIDC provider).
const (
	EnvRoleArn         = "ALIBABA_CLOUD_ROLE_ARN"
	EnvOIDCProviderArn = "ALIBABA_CLOUD_OIDC_PROVIDER_ARN"
	EnvOIDCTokenFile   = "ALIBABA_CLOUD_OIDC_TOKEN_FILE"
	EnvRoleSessionName = "ALIBABA_CLOUD_ROLE_SESSION_NAME"
)

// OIDCAPI is the one method of *sts.Client that OIDCProvider calls; tests may stub it.
type OIDCAPI interface {
	AssumeRoleWithOIDCWithContext(ctx context.Context, request *sts.AssumeRoleWithOIDCRequest, runtime *sts.RuntimeOptions) (*sts.AssumeRoleWithOIDCResponse, error)
}

// TokenSource yields the OIDC token to trade for credentials. It is asked again at
// every refresh, since tokens rotate.
type TokenSource interface {
	Token(ctx context.Context) (string, error)
}

// TokenFile is a TokenSource that reads a file at every refresh, as Kubernetes
// rotates a projected service account token in place.
type TokenFile string

// Token reads the file, without surrounding white space.
func (f TokenFile) Token(context.Context) (string, error) {
	b, err := os.ReadFile(string(f))
	if err != nil {
		return "", fmt.Errorf("reading the OIDC token: %w", err)
	}
	token := strings.TrimSpace(string(b))
	if token == "" {
		return "", fmt.Errorf("the OIDC token file %s is empty", string(f))
	}
	return token, nil
}

// OIDCOptions tune an OIDCProvider.
type OIDCOptions struct {
	// RoleSessionName names the sessions in audit logs. Empty means
	// "stsgo-<pid>-<random>".
	RoleSessionName string
	// Duration is how long each set of credentials lasts. Zero means one hour.
	Duration time.Duration
	// Policy narrows the role's permissions.
	Policy string
	// Cache tunes the cache in front of AssumeRoleWithOIDC.
	Cache CacheOptions
}

// OIDCProvider yields a role's temporary credentials for an OIDC token (ACK RRSA, CI
// systems), refreshed ahead of expiry by AssumeRoleWithOIDC calls, which need no
// credentials of the client's.
type OIDCProvider struct {
	*Cache // Retrieve, Invalidate and the credentials-go interfaces
}

// An OIDCProvider is accepted wherever Alibaba Cloud Go SDKs take credentials.
var (
	_ credentials.Credential        = (*OIDCProvider)(nil)
	_ providers.CredentialsProvider = (*OIDCProvider)(nil)
	_ sts.ContextCredential         = (*OIDCProvider)(nil)
)

// NewOIDCProvider returns a cached provider of roleArn's credentials for the tokens
// of tokens, issued by the OIDC provider oidcProviderArn. It refuses ARNs or options
// the service would refuse, with the client's *sts.ValidationError naming the field.
func NewOIDCProvider(client OIDCAPI, roleArn, oidcProviderArn string, tokens TokenSource, optFns ...func(*OIDCOptions)) (*OIDCProvider, error) {
	var o OIDCOptions
	for _, f := range optFns {
		f(&o)
	}
	sessionDefaults(&o.RoleSessionName, &o.Duration)
	if tokens == nil {
		return nil, errors.New("stscreds: NewOIDCProvider needs a TokenSource")
	}
	// Every field but the token, which comes at each refresh, is checked now.
	if err := checkProvider(client == nil, o.Request(roleArn, oidcProviderArn, "token").Validate(), o.Cache, o.Duration); err != nil {
		return nil, err
	}
	const name = "stscreds.OIDC"
	p := tokenTrade(name, client, tokens.Token, func(ctx context.Context, token string) (*sts.Credentials, error) {
		resp, err := client.AssumeRoleWithOIDCWithContext(ctx, o.Request(roleArn, oidcProviderArn, token), nil)
		if err != nil {
			return nil, err
		}
		return resp.Body.Credentials, nil
	})
	c := newCache(p, name, o.Cache)
	c.session = sessionLabel(roleArn, o.RoleSessionName)
	return &OIDCProvider{c}, nil
}

// tokenTrade is the refresh of a provider that trades a bearer token, fetched at every
// refresh (an OIDC token, a SAML assertion), for credentials by a call of client's.
func tokenTrade(name string, client any, token func(context.Context) (string, error), trade func(ctx context.Context, token string) (*sts.Credentials, error)) ProviderFunc {
	return func(ctx context.Context) (Credentials, error) {
		t, err := token(ctx)
		if err != nil {
			return Credentials{}, err
		}
		creds, err := trade(ctx, t)
		if err != nil {
			return Credentials{}, err
		}
		return fromResponse(creds, name, clockOf(client))
	}
}

// NewOIDCProviderFromEnv builds an OIDCProvider from the environment ACK RRSA sets:
// ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN, ALIBABA_CLOUD_OIDC_TOKEN_FILE
// and, optionally, ALIBABA_CLOUD_ROLE_SESSION_NAME. The client is built from config
// (nil for the defaults), so ALIBABA_CLOUD_STS_REGION and
// ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED choose the endpoint as sts.ResolveEndpoint says.
func NewOIDCProviderFromEnv(config *sts.Config, optFns ...func(*OIDCOptions)) (*OIDCProvider, error) {
	vals := map[string]string{}
	for _, k := range []string{EnvRoleArn, EnvOIDCProviderArn, EnvOIDCTokenFile} {
		if vals[k] = os.Getenv(k); vals[k] == "" {
			return nil, fmt.Errorf("stscreds: %s is not set", k)
		}
	}
	client, err := sts.NewClient(config)
	if err != nil {
		return nil, err
	}
	if name := os.Getenv(EnvRoleSessionName); name != "" {
		optFns = append([]func(*OIDCOptions){func(o *OIDCOptions) { o.RoleSessionName = name }}, optFns...)
	}
	return NewOIDCProvider(client, vals[EnvRoleArn], vals[EnvOIDCProviderArn], TokenFile(vals[EnvOIDCTokenFile]), optFns...)
}
