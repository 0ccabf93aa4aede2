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

// prettify renders a model as indented JSON, the way the official SDK's String does,
// with every secret field (secretFields, generated from the fields the description of
// the API marks Secret) replaced by redacted at any depth.
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
	case reflect.Map: // Response.Headers: whatever answered may echo the request's
		out := make(map[string]any, v.Len())
		for it := v.MapRange(); it.Next(); {
			key := it.Key().String()
			if namesSecret(key) && !it.Value().IsZero() {
				out[key] = redacted
				continue
			}
			out[key] = redactedTree(it.Value())
		}
		return out
	default:
		return v.Interface()
	}
}

// scrubber removes secrets from what comes back for one call: the call's own (its
// credential and the tokens among its parameters) and any that the text names or is
// shaped like, whoever issued them.
type scrubber struct {
	cred   credential
	params []signer.Param
}

// named removes secrets from s, a text that came back from the service or from
// whatever stood in its way, once HTML and JSON escapes are undone (see
// unescapeForDisplay): first the call's own (the secret key, the security token, and
// each parameter that is a secret field, such as the OIDC token or SAML assertion of
// an anonymous call), raw or percent-encoded as a query carries them; then every
// value that s itself names as a secret (see redactNamedSecrets), whoever issued it,
// so that an answer that echoes or half-carries newly issued credentials cannot put
// them into an error.
func (sc scrubber) named(s string) string {
	s = unescapeForDisplay(s, false)
	s = redactSecret(s, sc.cred.accessKeySecret)
	s = redactSecret(s, sc.cred.securityToken)
	for _, p := range sc.params {
		if secretFields[p.Name] {
			s = redactSecret(s, p.Value)
		}
	}
	return redactNamedSecrets(s)
}

// redactSecret removes secret from s, whole or cut short: raw, percent-encoded as a
// query carries it, and twice, as a V1 string to sign quotes it.
func redactSecret(s, secret string) string {
	if len(secret) < 4 {
		return s
	}
	once := string(signer.AppendEscape(nil, secret))
	for _, form := range []string{secret, once, url.QueryEscape(secret), string(signer.AppendEscape(nil, once))} {
		s = redactPrefixes(s, form)
	}
	return s
}

// minSecretPrefix is how much of one of the call's secrets a text must repeat, from
// its start, to have that piece removed: a secret cut short is still the secret.
const minSecretPrefix = 8

// redactPrefixes replaces in s every run that repeats secret from its start, whole or
// cut short after at least minSecretPrefix characters (the whole of a shorter secret).
func redactPrefixes(s, secret string) string {
	head := secret[:min(len(secret), minSecretPrefix)]
	if !strings.Contains(s, head) {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, head)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		n := len(head)
		for n < len(secret) && i+n < len(s) && s[i+n] == secret[n] {
			n++
		}
		b.WriteString(s[:i])
		b.WriteString(redacted)
		s = s[i+n:]
	}
}

// secretWords mark a name whose value is secret, in any spelling: AccessKeySecret,
// access_key_secret, secret_key, SecurityToken, x-acs-security-token, OIDCToken,
// SAMLAssertion, password.
var secretWords = []string{"secret", "token", "assertion", "password"}

// redactNamedSecrets replaces each value that s assigns to a name holding one of
// secretWords — in JSON (`"AccessKeySecret":"…"`, escaped or not), a query
// (`SecurityToken=…`, `%3D` too), XML (`<SecurityToken>…`), a header
// (`x-acs-security-token: …`), HTML-quoted JSON, PHP (`[secret_key] => …`) or Ruby
// (`"token"=>"…"`) — up to the value's end or the end of s, so that a value cut short
// is removed too. A name not followed by ':', '=' or '>' (as in "the SecurityToken is
// expired") is left alone.
func redactNamedSecrets(s string) string {
	lower := asciiLower(s)
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); {
		at := -1
		for _, w := range secretWords {
			if j := strings.Index(lower[i:], w); j >= 0 && (at < 0 || i+j < at) {
				at = i + j
			}
		}
		if at < 0 {
			break
		}
		nameEnd := at
		for nameEnd < len(s) && isNameByte(lower[nameEnd]) {
			nameEnd++
		}
		start, ok := skipAssignment(lower, nameEnd)
		end := valueEnd(s, start)
		if ok && end > start {
			b.WriteString(s[last:start])
			b.WriteString(redacted)
			last = end
		}
		i = max(end, nameEnd)
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// namesSecret reports whether name holds one of secretWords, in any case.
func namesSecret(name string) bool {
	lower := asciiLower(name)
	for _, w := range secretWords {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
}

func isNameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' || c == '-'
}

// valueEnd returns where the value that starts at s[start:] ends: at a quote, a tag,
// a separator or white space, or the end of s. A value folded over lines (a run of
// 8 or more characters, white space, and more of the base64 alphabet) goes on
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
		if end-from < 8 || next == end || more == next || (more < len(s) && strings.IndexByte(" \t\r\n", s[more]) < 0) {
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
	for range 8 {
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

// skipAssignment skips the quotes, spaces and ':', '=' or '>' (also percent-encoded)
// that stand between a name ending at lower[i] and its value, and returns where the
// value starts; ok is false when no assignment follows the name.
func skipAssignment(lower string, i int) (start int, ok bool) {
	skip := func(set string, encoded ...string) bool {
		skipped := false
		for i < len(lower) {
			n := 0
			for _, e := range encoded {
				if strings.HasPrefix(lower[i:], e) {
					n = len(e)
				}
			}
			if n == 0 && strings.IndexByte(set, lower[i]) >= 0 {
				n = 1
			}
			if n == 0 {
				return skipped
			}
			i, skipped = i+n, true
		}
		return skipped
	}
	quotes := func() { skip("\"'\\ \t\r\n]", "&quot;", "&#34;", "%22", "%27", "%20") }
	quotes()
	if !skip(":=>", "%3d", "%3a", "%3e") {
		return i, false
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
// slashes) in s, where no name need say what a value is; a run that holds keep (the
// caller's AccessKeyId) stays.
func redactCredentialShapes(s, keep string) string {
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
		if j-i >= minSecretRun && (len(keep) < minSecretPrefix || !strings.Contains(s[i:j], keep)) {
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

// field removes secrets from a field of the service's error answer: named ones, and
// every run shaped like a credential but the caller's own AccessKeyId, which a string
// to sign quotes and which is no secret.
func (sc scrubber) field(s string) string {
	return redactCredentialShapes(sc.named(s), sc.cred.accessKeyID)
}

// unread removes secrets from a text that nothing says how to read (the excerpt of an
// unreadable body, the bytes a transport error quotes): as field does, once NULs (of
// UTF-16 text) are dropped and percent-encoding undone too.
func (sc scrubber) unread(s string) string {
	return sc.field(unescapeForDisplay(strings.ReplaceAll(s, "\x00", ""), true))
}

// error returns err, or, when its text carries a secret (net/http quotes the bytes of
// an answer it cannot parse), an error with that text scrubbed. The replacement keeps
// errors.Is but does not unwrap to err, whose text would still carry the secret.
func (sc scrubber) error(err error) error {
	text := unescapeForDisplay(err.Error(), true)
	clean := sc.unread(text)
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
