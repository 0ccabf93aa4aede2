package sts

import (
	"slices"
	"strings"

	"github.com/stsgo/sts/internal/signer"
)

// A request's parameters are sorted lists of name/value pairs: the operation's own,
// the extra query parameters and headers of Config.GlobalParameters and of a call's
// RuntimeOptions.ExtendsParameters, merged before the request is signed.

// reservedHeaders are the headers the client writes itself; extra headers may not
// replace them.
var reservedHeaders = map[string]bool{
	"host": true, "authorization": true, "user-agent": true, "accept": true, "content-type": true,
	"content-length": true, "x-acs-action": true, "x-acs-version": true, "x-acs-date": true,
	"x-acs-signature-nonce": true, "x-acs-content-sha256": true, "x-acs-accesskey-id": true,
	"x-acs-security-token": true,
}

// headerParams turns extra headers into lower-case name/value pairs, refusing the
// ones the protocol owns.
func headerParams(field string, h map[string]*string) ([]signer.Param, error) {
	out := make([]signer.Param, 0, len(h))
	for k, v := range h {
		name := strings.ToLower(strings.TrimSpace(k))
		if reservedHeaders[name] {
			return nil, &ValidationError{Field: field, Rule: "must not set " + name + ", which the client writes itself"}
		}
		if v != nil {
			out = append(out, signer.Param{Name: name, Value: strings.TrimSpace(*v)})
		}
	}
	signer.SortParams(out)
	return out, nil
}

// queryParams turns extra query parameters into sorted name/value pairs.
func queryParams(q map[string]*string) []signer.Param {
	out := make([]signer.Param, 0, len(q))
	for k, v := range q {
		if v != nil {
			out = append(out, signer.Param{Name: k, Value: *v})
		}
	}
	signer.SortParams(out)
	return out
}

// mergeParams merges sorted parameter lists into one sorted list, appended to dst;
// where a name is in more than one, the later list's value wins. With nothing to merge
// it returns the only non-empty list as it is.
func mergeParams(dst, a, b, c []signer.Param) []signer.Param {
	switch {
	case len(a) == 0 && len(b) == 0:
		return c
	case len(a) == 0 && len(c) == 0:
		return b
	case len(b) == 0 && len(c) == 0:
		return a
	case len(a) == 0:
		return merge2(dst, b, c)
	case len(b) == 0:
		return merge2(dst, a, c)
	case len(c) == 0:
		return merge2(dst, a, b)
	}
	lists := [3][]signer.Param{a, b, c}
	out := slices.Grow(dst[:0], len(a)+len(b)+len(c))
	for {
		// The smallest name at the head of any list; the last list holding it wins.
		pick := -1
		for i, l := range lists {
			if len(l) > 0 && (pick < 0 || l[0].Name <= lists[pick][0].Name) {
				pick = i
			}
		}
		if pick < 0 {
			return out
		}
		p := lists[pick][0]
		for i, l := range lists {
			if len(l) > 0 && l[0].Name == p.Name {
				lists[i] = l[1:]
			}
		}
		out = append(out, p)
	}
}

// merge2 is mergeParams of two lists: the common case (the call's parameters and
// the RPC common parameters, or global and per-call extras), with one comparison per
// output element.
func merge2(dst, a, b []signer.Param) []signer.Param {
	out := slices.Grow(dst[:0], len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		switch {
		case a[0].Name < b[0].Name:
			out, a = append(out, a[0]), a[1:]
		case a[0].Name > b[0].Name:
			out, b = append(out, b[0]), b[1:]
		default: // the later list wins
			out, a, b = append(out, b[0]), a[1:], b[1:]
		}
	}
	out = append(out, a...)
	return append(out, b...)
}
