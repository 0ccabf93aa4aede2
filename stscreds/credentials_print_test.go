package stscreds_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stsgo/sts/stscreds"
)

// TestCredentialsPrintedOtherwise: every fmt verb (a %d by mistake, through a logging
// wrapper vet cannot check) and slog's JSON handler, which marshals structs field by
// field, print Credentials redacted. Both showed the secret and token before.
func TestCredentialsPrintedOtherwise(t *testing.T) {
	const secret, token = "IssuedSecretCanary0123456789ab", "CAISIssuedTokenCanary0123456789"
	c := stscreds.Credentials{AccessKeyId: "STS.x", AccessKeySecret: secret, SecurityToken: token, Expires: time.Unix(1_800_000_000, 0)}
	var js bytes.Buffer
	slog.New(slog.NewJSONHandler(&js, nil)).Info("refreshed", "creds", c)
	for where, out := range map[string]string{
		"%d (vet sees a constant format only)": fmt.Sprintf(verbD, c),
		"slog JSON handler":                    js.String(),
	} {
		if strings.Contains(out, secret[:12]) || strings.Contains(out, token[:12]) {
			t.Errorf("%s prints the secret: %s", where, out)
		}
	}
}

// verbD is a format a logging wrapper passes on, out of vet's sight.
var verbD = "%d"
