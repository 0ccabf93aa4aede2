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

// scrub removes secrets from s, a text that came back from the service or from
// whatever stood in its way: first the call's own (the secret key, the security
// token, and the OIDC token or SAML assertion of an anonymous call), raw or
// percent-encoded as a query carries them; then every value that s itself names as a
// secret (see redactNamedSecrets), whoever issued it, so that an answer that echoes
// or half-carries newly issued credentials cannot put them into an error.
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
	return redactNamedSecrets(s)
}

// secretNames are the names, lower-cased, under which a text may carry a secret: the
// model fields of secretFields, in the spellings of JSON, XML and queries, of the
// snake-case SDKs, and of the x-acs-security-token header.
var secretNames = []string{
	"accesskeysecret", "access_key_secret",
	"securitytoken", "security_token", "security-token",
	"oidctoken", "oidc_token",
	"samlassertion", "saml_assertion",
}

// redactNamedSecrets replaces each value that s assigns to a secret's name — in JSON
// (`"AccessKeySecret":"…"`, escaped or not), a query (`SecurityToken=…`), XML
// (`<SecurityToken>…`), a header (`x-acs-security-token: …`) or HTML-quoted JSON —
// up to the value's end or the end of s, so that a value cut short is removed too.
// A name not followed by ':', '=' or '>' (as in "the SecurityToken is expired") is
// left alone.
func redactNamedSecrets(s string) string {
	lower := asciiLower(s)
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); {
		at, name := -1, ""
		for _, n := range secretNames {
			if j := strings.Index(lower[i:], n); j >= 0 && (at < 0 || i+j < at) {
				at, name = i+j, n
			}
		}
		if at < 0 {
			break
		}
		start, ok := skipAssignment(lower, at+len(name))
		end := start
		for end < len(s) && strings.IndexByte("\"'\\<&,;}] \t\r\n", s[end]) < 0 {
			end++
		}
		if ok && end > start {
			b.WriteString(s[last:start])
			b.WriteString(redacted)
			last = end
		}
		i = max(end, at+len(name))
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// skipAssignment skips the quotes, spaces and one ':', '=' or '>' that stand between
// a name at lower[:i] and its value, and returns where the value starts; ok is false
// when no assignment follows the name.
func skipAssignment(lower string, i int) (start int, ok bool) {
	quotes := func() {
		for i < len(lower) {
			switch {
			case strings.HasPrefix(lower[i:], "&quot;"):
				i += len("&quot;")
			case strings.HasPrefix(lower[i:], "&#34;"):
				i += len("&#34;")
			case strings.IndexByte("\"'\\ \t\r\n", lower[i]) >= 0:
				i++
			default:
				return
			}
		}
	}
	quotes()
	if i >= len(lower) || strings.IndexByte(":=>", lower[i]) < 0 {
		return i, false
	}
	i++
	quotes()
	return i, true
}

// asciiLower lower-cases the ASCII letters of s and nothing else, so that offsets
// into the result are offsets into s.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// minSecretRun is the length from which a run of base64 characters in an excerpt is
// taken for a credential: AccessKey secrets are 30 characters, STS tokens hundreds,
// while the words, codes and request IDs of an error page are shorter or broken by
// dots and hyphens.
const minSecretRun = 24

// redactCredentialShapes replaces every run of at least minSecretRun characters that
// could belong to a secret (letters, digits, '+', '/', '_', and '\' of escaped
// slashes) in s, the excerpt of a body nobody could read as STS's answer: there no
// name says what a value is.
func redactCredentialShapes(s string) string {
	isRun := func(c byte) bool {
		return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '+' || c == '/' || c == '_' || c == '\\'
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); {
		if !isRun(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isRun(s[j]) {
			j++
		}
		if j-i >= minSecretRun {
			b.WriteString(s[last:i])
			b.WriteString(redacted)
			last = j
		}
		i = j
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}
