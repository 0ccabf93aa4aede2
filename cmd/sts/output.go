package main

import (
	"fmt"
	"io"
	"strings"

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
		_, err := fmt.Fprintf(w, "export ALIBABA_CLOUD_ACCESS_KEY_ID=%s\nexport ALIBABA_CLOUD_ACCESS_KEY_SECRET=%s\nexport ALIBABA_CLOUD_SECURITY_TOKEN=%s\n",
			shellQuote(c.id), shellQuote(c.secret), shellQuote(c.token))
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
		return fmt.Errorf("sts: -format must be json, env or external")
	}
	return nil
}

type credentialValues struct{ id, secret, token, expiration string }

func printCredentials(w io.Writer, format string, c *sts.Credentials) error {
	if c == nil {
		return fmt.Errorf("sts: the response carries no credentials")
	}
	v := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	return formats[format](w, credentialValues{v(c.AccessKeyId), v(c.AccessKeySecret), v(c.SecurityToken), v(c.Expiration)})
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
