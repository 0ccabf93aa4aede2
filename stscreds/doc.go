// Package stscreds provides credentials that refresh themselves through STS, and plug
// into every Alibaba Cloud Go SDK.
//
// NewAssumeRoleProvider, NewOIDCProvider and NewSAMLProvider (and
// NewAssumeRoleProviderFromEnv and NewOIDCProviderFromEnv, which read the variables
// credentials-go reads) return providers with a cache in front:
// reads of a valid value take no lock and allocate nothing; one refresh runs at a
// time, shared by every caller, on a context that no single caller's cancel ends; the
// refresh happens ahead of expiry, in the background, with jitter so that a fleet does
// not refresh at once; when a refresh fails, still-valid credentials keep being served
// while it is retried with back-off; expired credentials are never returned. Expiry is
// judged on the wall clock, which, unlike Go's monotonic clock and its timers, keeps
// moving while a machine sleeps; the service's Expiration is moved onto this machine's
// clock by the offset the client measured (sts.Client.ClockOffset).
//
// The errors of a retrieval start with "stscreds: " and name the session by its role
// and name (never its policy or credentials); errors.Is finds their cause, such as
// context.Canceled. A session or argument that breaks a rule is refused with the
// client's *sts.ValidationError, which names the field and not its value.
//
// When the service refuses credentials that a cache still holds (an expired token, an
// unknown key), an *sts.Client signing with that cache invalidates them
// (sts.CredentialInvalidator; credentials a refresh has already replaced are kept)
// and fetches anew.
//
// SessionCache does the same for many sessions at once, keyed by everything that
// determines them (role, session name, policy, duration, external ID, source
// identity, signer): a token vending service keeps one session per user and policy
// instead of calling AssumeRole per request. With a SharedStore (stscreds/redisstore
// is one on Redis) a fleet of replicas shares the sessions, one STS call per session
// and refresh window between them all. SessionCache.Provider hands one session to an
// SDK as the providers below are handed; Stats on a cache or a SessionCache counts
// its hits, misses and calls (stsprom in the adapters module exports them to
// Prometheus).
//
// Every provider here implements credentials-go's credentials.Credential and
// providers.CredentialsProvider, so it can be given as Config.Credential to this
// module's client (role chaining) or to any client built on darabonba-openapi:
//
//	base, _ := sts.NewClient(&sts.Config{RegionId: dara.String("cn-hangzhou")})
//	creds, _ := stscreds.NewAssumeRoleProvider(base, "acs:ram::1234567890123456:role/app")
//	ossClient, _ := oss.NewClient(&openapi.Config{Credential: creds, ...})
package stscreds
