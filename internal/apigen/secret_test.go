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
// every way a caller may print it; then it sends the request to a loopback server that
// refuses it with a message quoting the value of every parameter it received (not
// their names, which would mark some as secret by themselves), and prints the error
// every way, and whether the server received both new parameters (not their values).
const probe = `package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"

	"github.com/alibabacloud-go/tea/dara"
	"github.com/stsgo/sts"
)

func main() {
	r := new(sts.AssumeRoleRequest).SetRoleArn(os.Args[1]).SetWebIdentityToken(os.Args[2]).SetClientSecret(os.Args[3]).
		SetRoleSessionName("probe-session")
	fmt.Printf("%s\n%v\n%+v\n%#v\n%v\n", r.String(), r, *r, r, []*sts.AssumeRoleRequest{r})

	received := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		req.ParseForm()
		received = req.Form.Get("WebIdentityToken") == os.Args[2] && req.Form.Get("ClientSecret") == os.Args[3]
		var quoted []string
		for _, values := range req.Form { // values alone: no name that marks a secret
			quoted = append(quoted, values...)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, "{\"Code\":\"InvalidParameter\",\"Message\":%q,\"RequestId\":\"probe-1\"}", strings.Join(quoted, " "))
	}))
	defer srv.Close()
	client, err := sts.NewClient(&sts.Config{AccessKeyId: dara.String("LTAIprobe"), AccessKeySecret: dara.String("probe-key-secret"),
		Endpoint: dara.String(strings.TrimPrefix(srv.URL, "http://")), Protocol: dara.String("HTTP")})
	if err != nil {
		panic(err)
	}
	_, err = client.AssumeRole(r)
	fmt.Printf("received both: %v\nerror: %v\n%+v\n%#v\n", received, err, err, err)
}
`

// TestANewSecretParameterIsRedacted adds two bearer parameters to AssumeRole by one
// line of the description each, marked Secret, builds the sts package with the
// generated files in place of the committed ones (go run -overlay, so that nothing
// on disk changes) and prints a request that carries them: String, GoString, %v and
// %+v print neither value, and still print the field that is no secret. Then it
// sends the request to a server whose error answer quotes every parameter: the error
// the call returns names neither value either. Dropping Secret from either line makes
// it fail.
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
	require.Contains(t, string(out), "received both: true", "the call did not send the new parameters")
	require.Contains(t, string(out), "probe-session", "the error does not quote the server's message")
	if got := strings.Count(string(out), arn); got < 5 {
		t.Errorf("the field that is no secret is printed %d times in 5 prints of the request:\n%s", got, out)
	}
}
