package stscreds

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"
)

// Credentials are an AccessKey triple with the time it stops working.
type Credentials struct {
	AccessKeyId     string
	AccessKeySecret string
	// SecurityToken goes with every request made with temporary credentials.
	SecurityToken string
	// Expires is when the credentials stop working; zero means they do not expire.
	Expires time.Time
	// Source names the provider that produced them, such as "stscreds.AssumeRole".
	Source string
}

// String shows the AccessKeyId, the expiry and the source, never the secret or token.
func (c Credentials) String() string {
	return fmt.Sprintf("stscreds.Credentials{AccessKeyId: %q, AccessKeySecret: %s, SecurityToken: %s, Expires: %s, Source: %q}",
		c.AccessKeyId, redact(c.AccessKeySecret), redact(c.SecurityToken), c.Expires.Format(time.RFC3339), c.Source)
}

// GoString is String, so that %#v redacts too.
func (c Credentials) GoString() string { return c.String() }

// Format prints String for every verb, so that no verb (a %d by mistake, say) prints
// the fields themselves.
func (c Credentials) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		fmt.Fprintf(f, "%q", c.String())
		return
	}
	io.WriteString(f, c.String())
}

// LogValue is String, so that log/slog handlers, which marshal structs field by field
// (the JSON handler does), print no secret.
func (c Credentials) LogValue() slog.Value { return slog.StringValue(c.String()) }

func redact(s string) string {
	if s == "" {
		return `""`
	}
	return "<redacted>"
}

// Provider produces credentials. Retrieve may be called from many goroutines.
type Provider interface {
	Retrieve(ctx context.Context) (Credentials, error)
}

// ProviderFunc adapts a function to a Provider.
type ProviderFunc func(ctx context.Context) (Credentials, error)

// Retrieve calls f.
func (f ProviderFunc) Retrieve(ctx context.Context) (Credentials, error) { return f(ctx) }
