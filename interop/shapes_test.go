package interop

import (
	"reflect"
	"strings"
	"testing"

	official "github.com/alibabacloud-go/sts-20150401/v2/client"
	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
)

// TestModelsHaveTheOfficialShapes holds the generated models to the official client's:
// every official model has a type of the same name here with the same fields (name,
// tags, pointer to the same kind, nested models of the same official name), and
// every getter and setter of the official model. Where the official client declares a
// model per operation, the name here may be an alias of one shared type.
func TestModelsHaveTheOfficialShapes(t *testing.T) {
	pairs := []struct{ official, ours any }{
		{official.AssumeRoleRequest{}, sts.AssumeRoleRequest{}},
		{official.AssumeRoleWithSAMLRequest{}, sts.AssumeRoleWithSAMLRequest{}},
		{official.AssumeRoleWithOIDCRequest{}, sts.AssumeRoleWithOIDCRequest{}},
		{official.AssumeRoleResponseBody{}, sts.AssumeRoleResponseBody{}},
		{official.AssumeRoleWithSAMLResponseBody{}, sts.AssumeRoleWithSAMLResponseBody{}},
		{official.AssumeRoleWithOIDCResponseBody{}, sts.AssumeRoleWithOIDCResponseBody{}},
		{official.GetCallerIdentityResponseBody{}, sts.GetCallerIdentityResponseBody{}},
		{official.AssumeRoleResponseBodyCredentials{}, sts.AssumeRoleResponseBodyCredentials{}},
		{official.AssumeRoleWithSAMLResponseBodyCredentials{}, sts.AssumeRoleWithSAMLResponseBodyCredentials{}},
		{official.AssumeRoleWithOIDCResponseBodyCredentials{}, sts.AssumeRoleWithOIDCResponseBodyCredentials{}},
		{official.AssumeRoleResponseBodyAssumedRoleUser{}, sts.AssumeRoleResponseBodyAssumedRoleUser{}},
		{official.AssumeRoleWithSAMLResponseBodyAssumedRoleUser{}, sts.AssumeRoleWithSAMLResponseBodyAssumedRoleUser{}},
		{official.AssumeRoleWithOIDCResponseBodyAssumedRoleUser{}, sts.AssumeRoleWithOIDCResponseBodyAssumedRoleUser{}},
		{official.AssumeRoleWithSAMLResponseBodySAMLAssertionInfo{}, sts.AssumeRoleWithSAMLResponseBodySAMLAssertionInfo{}},
		{official.AssumeRoleWithOIDCResponseBodyOIDCTokenInfo{}, sts.AssumeRoleWithOIDCResponseBodyOIDCTokenInfo{}},
	}
	for _, p := range pairs {
		want, got := reflect.TypeOf(p.official), reflect.TypeOf(p.ours)
		t.Run(want.Name(), func(t *testing.T) {
			require.Equal(t, fields(t, want), fields(t, got))
			var missing []string
			for i := range reflect.PointerTo(want).NumMethod() {
				m := reflect.PointerTo(want).Method(i)
				if !strings.HasPrefix(m.Name, "Get") && !strings.HasPrefix(m.Name, "Set") {
					continue
				}
				if _, ok := reflect.PointerTo(got).MethodByName(m.Name); !ok {
					missing = append(missing, m.Name)
				}
			}
			require.Empty(t, missing, "methods of the official %s", want.Name())
		})
	}
}

// fields describes a model's fields by name: tags and the type they point to, a
// nested model by its name without the operation's prefix (the official client
// repeats Credentials and AssumedRoleUser per operation; here they are one type).
func fields(t *testing.T, typ reflect.Type) map[string]string {
	out := map[string]string{}
	for i := range typ.NumField() {
		f := typ.Field(i)
		require.Equal(t, reflect.Pointer, f.Type.Kind(), "%s.%s", typ.Name(), f.Name)
		elem := f.Type.Elem()
		kind := elem.Kind().String()
		if elem.Kind() == reflect.Struct {
			kind = elem.Name()
			for _, shared := range []string{"Credentials", "AssumedRoleUser"} {
				if strings.HasSuffix(kind, shared) {
					kind = shared
				}
			}
		}
		out[f.Name] = kind + " " + string(f.Tag)
	}
	return out
}

// TestEntryPointsAreTheOfficialOnes checks that *sts.Client has every operation
// method of the official client, with the same number of parameters and results. (The
// official client has no GetCallerIdentityWithContext; ours adds it.)
func TestEntryPointsAreTheOfficialOnes(t *testing.T) {
	want, got := reflect.TypeFor[*official.Client](), reflect.TypeFor[*sts.Client]()
	n := 0
	for i := range want.NumMethod() {
		m := want.Method(i)
		if !strings.HasPrefix(m.Name, "AssumeRole") && !strings.HasPrefix(m.Name, "GetCallerIdentity") {
			continue
		}
		n++
		ours, ok := got.MethodByName(m.Name)
		if !ok {
			t.Errorf("no %s", m.Name)
			continue
		}
		require.Equal(t, m.Type.NumIn(), ours.Type.NumIn(), m.Name)
		require.Equal(t, m.Type.NumOut(), ours.Type.NumOut(), m.Name)
	}
	require.Equal(t, 11, n, "the official client's operation methods")
}
