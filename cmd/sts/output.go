package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/stsgo/sts"
)

// formats print temporary credentials. They print the secret and the token: that is
// what the command is for.
var formats = map[string]func(io.Writer, credentialValues) error{
	"json": func(w io.Writer, c credentialValues) error {
		return writeJSON(w, map[string]string{"AccessKeyId": c.id, "AccessKeySecret": c.secret,
			"SecurityToken": c.token, "Expiration": c.expiration})
	},
	"env": func(w io.Writer, c credentialValues) error {
		_, err := fmt.Fprintf(w, "%s\nexport ALIBABA_CLOUD_ACCESS_KEY_ID=%s\nexport ALIBABA_CLOUD_ACCESS_KEY_SECRET=%s\nexport ALIBABA_CLOUD_SECURITY_TOKEN=%s\n",
			expiresComment(c.expiration, c.now), shellQuote(c.id), shellQuote(c.secret), shellQuote(c.token))
		return err
	},
	// The Alibaba Cloud CLI's External mode, as credentials-go's external provider
	// reads it.
	"external": func(w io.Writer, c credentialValues) error {
		return writeJSON(w, map[string]string{"mode": "StsToken", "access_key_id": c.id, "access_key_secret": c.secret,
			"sts_token": c.token, "expiration": c.expiration})
	},
}

// checkFormat refuses a -format that is not one of formats.
func checkFormat(format string) error {
	if _, ok := formats[format]; !ok {
		return usagef("-format must be json, env or external, not %q", format)
	}
	return nil
}

type credentialValues struct {
	id, secret, token, expiration string
	now                           time.Time // when they are printed
}

// expiresComment is the shell comment of -format env that says when the credentials
// expire: "# expires 2026-11-28T03:14:00Z (in 59m)". It prints the time parsed, never
// the service's text, so that no Expiration can put a command into an eval.
func expiresComment(expiration string, now time.Time) string {
	t, err := time.Parse(sts.ExpirationLayout, expiration)
	if err != nil {
		return "# expiry unknown: the response's Expiration is not a time"
	}
	var when string
	switch left := t.Sub(now); {
	case left >= time.Minute:
		when = "in " + minutes(left)
	case left > 0:
		when = "in under a minute"
	case left > -time.Minute:
		when = "expired"
	default:
		when = "expired " + minutes(-left) + " ago"
	}
	return "# expires " + t.UTC().Format(time.RFC3339) + " (" + when + ")"
}

// minutes writes d in whole minutes, rounded down: 59m, 11h5m.
func minutes(d time.Duration) string {
	m := int64(d / time.Minute)
	if m < 60 {
		return fmt.Sprintf("%dm", m)
	}
	return fmt.Sprintf("%dh%dm", m/60, m%60)
}

func printCredentials(w io.Writer, format string, c *sts.Credentials, now time.Time) error {
	if c == nil {
		return fmt.Errorf("sts: the response carries no credentials")
	}
	v := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	return formats[format](w, credentialValues{v(c.AccessKeyId), v(c.AccessKeySecret), v(c.SecurityToken), v(c.Expiration), now})
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
