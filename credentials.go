package sts

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/aliyun/credentials-go/credentials"
)

// ContextCredential is a credentials-go Credential whose fetch a context can bound. A
// Config.Credential that implements it is asked with the call's context; any other
// Credential is asked with GetCredential, and a call whose context ends first returns
// at once while that fetch finishes on its own.
type ContextCredential interface {
	credentials.Credential
	GetCredentialWithContext(ctx context.Context) (*credentials.CredentialModel, error)
}

// CredentialInvalidator is implemented by a Config.Credential that caches credentials
// (every stscreds provider does). When the service refuses a call's credentials as
// expired or unknown (InvalidSecurityToken.Expired, InvalidAccessKeyId.NotFound), the
// client calls InvalidateCredentials with the AccessKeyId and SecurityToken it signed
// with, fetches credentials anew and, if they differ, sends the call once more.
type CredentialInvalidator interface {
	// InvalidateCredentials drops the cached credentials if they are the ones given,
	// so that the next fetch gets new ones, and reports whether it did. Credentials
	// that a refresh has already replaced are kept: a late refusal of the old ones
	// must not throw the fresh ones away. An implementation may also keep
	// credentials it has only just fetched, to bound fetches while the service keeps
	// refusing.
	InvalidateCredentials(accessKeyId, securityToken string) bool
}

// credential is one AccessKey triple, as a request is signed with it.
type credential struct {
	accessKeyID, accessKeySecret, securityToken string
}

// credentialSource yields the credentials of a signed call: fixed ones from Config, a
// Config.Credential, or credentials-go's default chain, built at the first signed call
// so that anonymous calls need no credentials at all.
type credentialSource struct {
	static   *credential
	provider credentials.Credential
	chain    func() (credentials.Credential, error) // the default chain, built once
}

func newCredentialSource(config *Config) (*credentialSource, error) {
	id, secret, token := deref(config.AccessKeyId), deref(config.AccessKeySecret), deref(config.SecurityToken)
	switch {
	case config.Credential != nil && (id != "" || secret != "" || token != ""):
		return nil, &ValidationError{Field: "Config.Credential", Rule: "must not be set together with AccessKeyId, AccessKeySecret or SecurityToken"}
	case config.Credential != nil:
		return &credentialSource{provider: config.Credential}, nil
	case id != "" && secret == "":
		return nil, &ValidationError{Field: "Config.AccessKeySecret", Rule: "is required with AccessKeyId"}
	case id == "" && (secret != "" || token != ""):
		return nil, &ValidationError{Field: "Config.AccessKeyId", Rule: "is required with AccessKeySecret or SecurityToken"}
	case id != "":
		return &credentialSource{static: &credential{id, secret, token}}, nil
	}
	return &credentialSource{chain: sync.OnceValues(func() (credentials.Credential, error) {
		return credentials.NewCredential(nil)
	})}, nil
}

// errNoCredentials reports a signed call with nowhere to take credentials from.
var errNoCredentials = errors.New("no credentials: set Config.AccessKeyId and AccessKeySecret, Config.Credential, or the environment of credentials-go's default chain (ALIBABA_CLOUD_ACCESS_KEY_ID, ...)")

func (s *credentialSource) get(ctx context.Context) (credential, error) {
	if s.static != nil {
		return *s.static, nil
	}
	p := s.provider
	if p == nil {
		var err error
		if p, err = s.chain(); err != nil {
			return credential{}, fmt.Errorf("%w: %w", errNoCredentials, scrubber{}.error(err))
		}
	}
	m, err := fetch(ctx, p)
	if err != nil {
		// A provider's error may quote what it read: credentials-go's CLI profile
		// provider quotes the whole of a config.json it cannot parse, secrets and all.
		return credential{}, fmt.Errorf("get credentials: %w", scrubber{}.error(err))
	}
	if m == nil || deref(m.AccessKeyId) == "" || deref(m.AccessKeySecret) == "" {
		if m != nil && deref(m.Type) == "bearer" {
			return credential{}, errors.New("get credentials: bearer tokens cannot sign STS requests")
		}
		return credential{}, errors.New("get credentials: the provider returned no AccessKeyId or AccessKeySecret")
	}
	return credential{deref(m.AccessKeyId), deref(m.AccessKeySecret), deref(m.SecurityToken)}, nil
}

// fetch asks p for credentials, returning when ctx ends even if p does not.
func fetch(ctx context.Context, p credentials.Credential) (*credentials.CredentialModel, error) {
	if cp, ok := p.(ContextCredential); ok {
		return cp.GetCredentialWithContext(ctx)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if ctx.Done() == nil {
		return p.GetCredential()
	}
	type result struct {
		m   *credentials.CredentialModel
		err error
	}
	done := make(chan result, 1) // buffered: an abandoned fetch still finishes and exits
	go func() {
		m, err := p.GetCredential()
		done <- result{m, err}
	}()
	select {
	case r := <-done:
		return r.m, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// AccessKeyId returns the AccessKeyId that the client's next signed call would carry,
// fetching credentials as that call would; never the secret. stscreds keys the
// sessions it shares by it, so that credentials issued to one signer are never handed
// to another.
func (c *Client) AccessKeyId(ctx context.Context) (string, error) {
	cred, err := c.creds.get(ctx)
	if err != nil {
		return "", fmt.Errorf("sts: %w", err)
	}
	return cred.accessKeyID, nil
}
