package sts

import (
	"encoding/json"
	"net/url"
	"reflect"
	"strings"

	"github.com/stsgo/sts/internal/signer"
)

// redacted stands in for a secret in String output.
const redacted = "<redacted>"

// secretFields are the model fields whose values String never prints. Whether one is
// set still shows, as redacted.
var secretFields = map[string]bool{
	"AccessKeySecret": true,
	"SecurityToken":   true,
	"OIDCToken":       true,
	"SAMLAssertion":   true,
}

// prettify renders a model as indented JSON, the way the official SDK's String does,
// with every secret field replaced by redacted at any depth.
func prettify(v any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "   ")
	if err := enc.Encode(redactedTree(reflect.ValueOf(v))); err != nil {
		return "<unprintable: " + err.Error() + ">"
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// redactedTree copies v into maps and plain values that encoding/json prints, leaving
// secrets out.
func redactedTree(v reflect.Value) any {
	switch v.Kind() {
	case reflect.Invalid:
		return nil
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return redactedTree(v.Elem())
	case reflect.Struct:
		out := make(map[string]any, v.NumField())
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			fv := v.Field(i)
			name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" {
				name = f.Name
			}
			if strings.Contains(opts, "omitempty") && fv.IsZero() {
				continue
			}
			if secretFields[f.Name] && !fv.IsZero() {
				out[name] = redacted
				continue
			}
			out[name] = redactedTree(fv)
		}
		return out
	case reflect.Map:
		out := make(map[string]any, v.Len())
		for it := v.MapRange(); it.Next(); {
			out[it.Key().String()] = redactedTree(it.Value())
		}
		return out
	default:
		return v.Interface()
	}
}

// scrub replaces the call's secrets in s, raw or percent-encoded as a query carries
// them: the secret key, the security token, and the OIDC token or SAML assertion of an
// anonymous call.
func scrub(s string, cred credential, params []signer.Param) string {
	secrets := []string{cred.accessKeySecret, cred.securityToken}
	for _, p := range params {
		if p.Name == "OIDCToken" || p.Name == "SAMLAssertion" {
			secrets = append(secrets, p.Value)
		}
	}
	for _, secret := range secrets {
		if len(secret) < 4 {
			continue
		}
		for _, form := range []string{secret, string(signer.AppendEscape(nil, secret)), url.QueryEscape(secret)} {
			s = strings.ReplaceAll(s, form, redacted)
		}
	}
	return s
}
