package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// probe prints an AssumeRoleRequest whose new parameters are set from its arguments,
// every way a caller may print it.
const probe = `package main

import (
	"fmt"
	"os"

	"github.com/stsgo/sts"
)

func main() {
	r := new(sts.AssumeRoleRequest).SetRoleArn(os.Args[1]).SetWebIdentityToken(os.Args[2]).SetClientSecret(os.Args[3])
	fmt.Printf("%s\n%v\n%+v\n%#v\n%v\n", r.String(), r, *r, r, []*sts.AssumeRoleRequest{r})
}
`

// TestANewSecretParameterIsRedacted adds two bearer parameters to AssumeRole by one
// line of the description each, marked Secret, builds the sts package with the
// generated files in place of the committed ones (go run -overlay, so that nothing
// on disk changes) and prints a request that carries them: String, GoString, %v and
// %+v print neither value, and still print the field that is no secret. Dropping
// Secret from either line makes it fail.
func TestANewSecretParameterIsRedacted(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the sts package")
	}
	ops := slices.Clone(operations)
	ops[0].Request = append(slices.Clone(ops[0].Request),
		field{Name: "WebIdentityToken", Type: "string", Secret: true, Doc: "WebIdentityToken is made up."},
		field{Name: "ClientSecret", Type: "string", Secret: true, Doc: "ClientSecret is made up."},
	)
	files, err := generate(ops, shared)
	require.NoError(t, err)

	abs, err := filepath.Abs(root)
	require.NoError(t, err)
	tmp := t.TempDir()
	replace := map[string]string{}
	for name, src := range files {
		require.NoError(t, os.WriteFile(filepath.Join(tmp, name), src, 0o644))
		replace[filepath.Join(abs, name)] = filepath.Join(tmp, name)
	}
	require.NoError(t, os.WriteFile(filepath.Join(tmp, "probe.go"), []byte(probe), 0o644))
	// A directory that exists only in the overlay.
	replace[filepath.Join(abs, "internal", "apigen", "secretprobe", "main.go")] = filepath.Join(tmp, "probe.go")
	overlay, err := json.Marshal(map[string]any{"Replace": replace})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(tmp, "overlay.json"), overlay, 0o644))

	arn, token, secret := "acs:ram::1:role/r", "eyJhbGciOiJSUzI1NiJ9.bearer.token", "client-secret-value"
	cmd := exec.Command("go", "run", "-overlay", filepath.Join(tmp, "overlay.json"), "./internal/apigen/secretprobe", arn, token, secret)
	cmd.Dir = abs
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	for _, v := range []string{token, secret} {
		if strings.Contains(string(out), v) {
			t.Errorf("String prints %q:\n%s", v, out)
		}
	}
	if got := strings.Count(string(out), arn); got != 5 {
		t.Errorf("the field that is no secret is printed %d times in 5 prints:\n%s", got, out)
	}
}
