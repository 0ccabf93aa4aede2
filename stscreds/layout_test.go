package stscreds_test

import (
	"testing"

	"github.com/stsgo/sts/internal/layout"
)

// TestLayout holds the package's files to their order from the top down
// (CONTRIBUTING.md, "How the code is laid out"): providers above the SessionCache,
// the SessionCache above the Cache, the Cache above what it uses; a file uses only
// the names of files below it, but for the uses that upUses lists by name with why
// it needs them.
func TestLayout(t *testing.T) {
	order := []string{
		"doc.go",
		"assume_role_env.go",  // a provider from the environment
		"saml.go",             // the SAML provider
		"oidc.go",             // the OIDC provider
		"session_provider.go", // one session of a SessionCache as a provider
		"session.go",          // the SessionCache
		"sessionmap.go",       // its index of sessions
		"store.go",            // its shared store, guarded
		"assume_role.go",      // the AssumeRole provider, and what every provider shares
		"requests.go",         // each operation's request, built in one place
		"cache.go",            // the Cache
		"group.go",            // the refreshes an owner ends at Close
		"stats.go",            // the counts
		"adapter.go",          // the SDKs' credential interfaces
		"credentials.go",      // Credentials and Provider
	}
	upUses := map[string]string{
		"sessionmap.go -> session.go: Session, SessionCache, SessionCache.fetch": "an entry is keyed by its Session and fetches through the SessionCache that owns it",
		"store.go -> session.go: sessionSource":                                  "credentials loaded from the store name the SessionCache as their source",
		"assume_role.go -> session.go: Session":                                  "AssumeRoleProvider builds its request as a Session does",
		"requests.go -> oidc.go: OIDCOptions":                                    "an OIDC request is built by a method of OIDCOptions",
		"requests.go -> saml.go: SAMLOptions":                                    "a SAML request is built by a method of SAMLOptions",
		"requests.go -> session.go: Session":                                     "an AssumeRole request is built by a method of Session",
	}
	layout.Hold(t, order, upUses)
}
