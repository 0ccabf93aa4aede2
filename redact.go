package sts

import (
	"encoding/json"
	"errors"
	"html"
	"net/url"
	"reflect"
	"strconv"
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
// whatever stood in its way, once HTML and JSON escapes are undone (see
// unescapeForDisplay): first the call's own (the secret key, the security
// token, and the OIDC token or SAML assertion of an anonymous call), raw or
// percent-encoded as a query carries them; then every value that s itself names as a
// secret (see redactNamedSecrets), whoever issued it, so that an answer that echoes
// or half-carries newly issued credentials cannot put them into an error.
func scrub(s string, cred credential, params []signer.Param) string {
	s = unescapeForDisplay(s, false)
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
		once := string(signer.AppendEscape(nil, secret))
		// Raw, percent-encoded as a query carries it, and twice, as a V1 string to sign.
		for _, form := range []string{secret, once, url.QueryEscape(secret), string(signer.AppendEscape(nil, once))} {
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
		end := valueEnd(s, start)
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

// valueEnd returns where the value that starts at s[start:] ends: at a quote, a tag,
// a separator or white space, or the end of s. A value folded over lines (a run of
// 16 or more characters, white space, and more of the base64 alphabet) goes on
// past the fold.
func valueEnd(s string, start int) int {
	end := start
	for {
		from := end
		for end < len(s) && strings.IndexByte("\"'\\<&,;}] \t\r\n", s[end]) < 0 {
			end++
		}
		next := end
		for next < len(s) && strings.IndexByte(" \t\r\n", s[next]) >= 0 {
			next++
		}
		more := next
		for more < len(s) && isBase64(s[more]) {
			more++
		}
		if end-from < 16 || next == end || more == next || (more < len(s) && strings.IndexByte(" \t\r\n", s[more]) < 0) {
			return end
		}
		end = next
	}
}

func isBase64(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '+' || c == '/' || c == '='
}

// unescapeForDisplay undoes, in a text meant for an error, the escapes that could
// hide a secret's name or value from scrub: HTML character references (&quot;,
// &#x22;), JSON's (\", \/, \u0022) and, with percent, %XX — a few rounds, for
// texts escaped more than once. Percent-decoding is left to excerpts of unreadable
// bodies: a service's message may quote a string to sign, whose encoding matters.
func unescapeForDisplay(s string, percent bool) string {
	for range 4 {
		if !strings.ContainsAny(s, "&\\%") {
			return s
		}
		t := jsonUnescape(html.UnescapeString(s))
		if percent {
			t = percentDecode(t)
		}
		if t == s {
			break
		}
		s = t
	}
	return strings.ToValidUTF8(s, "?")
}

// jsonUnescape undoes JSON's backslash escapes where they are well formed.
func jsonUnescape(s string) string {
	if !strings.Contains(s, "\\") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch c := s[i+1]; c {
		case '"', '\\', '/':
			b.WriteByte(c)
			i++
		case 'n', 'r', 't', 'b', 'f':
			b.WriteByte(' ')
			i++
		case 'u':
			if n, err := strconv.ParseUint(s[i+2:min(i+6, len(s))], 16, 32); err == nil && i+6 <= len(s) {
				b.WriteRune(rune(n))
				i += 5
				continue
			}
			b.WriteByte(s[i])
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// percentDecode decodes each well-formed %XX, leaving the rest as it is.
func percentDecode(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
				b.WriteByte(byte(n))
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
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
			case strings.IndexByte("\"'\\ \t\r\n]", lower[i]) >= 0:
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
	for i < len(lower) && strings.IndexByte(":=>", lower[i]) >= 0 { // ":", "=", "=>", ":="
		i++
	}
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

// scrubUnread removes secrets from a text that nothing says how to read (the excerpt
// of an unreadable body, the bytes a transport error quotes): scrub's, once NULs (of
// UTF-16 text) are dropped and percent-encoding undone too, and every run shaped like
// a credential.
func scrubUnread(s string, scrub func(string) string) string {
	return redactCredentialShapes(scrub(unescapeForDisplay(strings.ReplaceAll(s, "\x00", ""), true)))
}

// scrubError returns err, or, when its text carries a secret (net/http quotes the
// bytes of an answer it cannot parse), an error with that text scrubbed. The
// replacement keeps errors.Is but does not unwrap to err, whose text would still
// carry the secret.
func scrubError(err error, cred credential, params []signer.Param) error {
	text := unescapeForDisplay(err.Error(), true)
	clean := scrubUnread(text, func(s string) string { return scrub(s, cred, params) })
	if clean == text {
		return err
	}
	return &scrubbedError{text: clean, err: err}
}

type scrubbedError struct {
	text string
	err  error
}

func (e *scrubbedError) Error() string { return e.text }

func (e *scrubbedError) Is(target error) bool { return errors.Is(e.err, target) }
