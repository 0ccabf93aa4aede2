package sts_test

import (
	"flag"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/stsgo/sts"
)

var update = flag.Bool("update", false, "rewrite testdata/strings.golden from the models' String")

// every is one value of each model type, with the official client's names.
var every = []any{
	sts.AssumeRoleRequest{}, sts.AssumeRoleWithSAMLRequest{}, sts.AssumeRoleWithOIDCRequest{},
	sts.AssumeRoleResponse{}, sts.AssumeRoleWithSAMLResponse{}, sts.AssumeRoleWithOIDCResponse{}, sts.GetCallerIdentityResponse{},
	sts.AssumeRoleResponseBody{}, sts.AssumeRoleWithSAMLResponseBody{}, sts.AssumeRoleWithOIDCResponseBody{}, sts.GetCallerIdentityResponseBody{},
	sts.AssumeRoleWithSAMLResponseBodySAMLAssertionInfo{}, sts.AssumeRoleWithOIDCResponseBodyOIDCTokenInfo{},
	sts.Credentials{}, sts.AssumedRoleUser{},
}

// TestStringIsUnchanged holds what String, GoString, %v and %+v print for every model
// (empty, each field alone, every field set, nested models filled) to
// testdata/strings.golden, written from the models as they were when secrecy was a
// list by name in redact.go: generating that list from the description changes no
// byte of any model's text.
func TestStringIsUnchanged(t *testing.T) {
	var b strings.Builder
	print := func(label string, v reflect.Value) {
		p := v.Addr().Interface()
		fmt.Fprintf(&b, "== %s\n%s\n%s\n%v\n%+v\n", label, p.(fmt.Stringer).String(), p.(fmt.GoStringer).GoString(), p, v.Interface())
	}
	for _, m := range every {
		typ := reflect.TypeOf(m)
		print(typ.Name()+" empty", reflect.New(typ).Elem())
		for i := range typ.NumField() {
			v := reflect.New(typ).Elem()
			fill(v.Field(i), typ.Field(i).Name)
			print(typ.Name()+" "+typ.Field(i).Name, v)
		}
		v := reflect.New(typ).Elem()
		fill(v, typ.Name())
		print(typ.Name()+" full", v)
	}
	const golden = "testdata/strings.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != string(want) {
		gotLines, wantLines := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := range min(len(gotLines), len(wantLines)) {
			if gotLines[i] != wantLines[i] {
				t.Fatalf("line %d: got %q, want %q", i+1, gotLines[i], wantLines[i])
			}
		}
		t.Fatalf("got %d lines, want %d", len(gotLines), len(wantLines))
	}
}

// fill sets every field of v, at any depth, to a value made from its name, with
// characters that JSON and HTML escape; a map gets a secret header and a plain one.
func fill(v reflect.Value, name string) {
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), name)
	case reflect.Struct:
		for i := range v.NumField() {
			fill(v.Field(i), v.Type().Field(i).Name)
		}
	case reflect.String:
		v.SetString(name + ` "q" <&> ü`)
	case reflect.Int64, reflect.Int32:
		v.SetInt(int64(len(name)))
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		for _, k := range []string{"x-acs-request-id", "x-acs-security-token"} {
			e := reflect.New(v.Type().Elem()).Elem()
			fill(e, k)
			v.SetMapIndex(reflect.ValueOf(k), e)
		}
	default:
		panic("fill: " + v.Kind().String())
	}
}
