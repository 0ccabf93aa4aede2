package sts_test

import (
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// modulesLoaded lists the modules of the packages that `go mod tidy` loads in a
// program importing pkgs: the packages, their dependencies, and the packages' own
// tests (one level), as `go list -deps -test` gives them.
func modulesLoaded(t *testing.T, pkgs ...string) []string {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list", "-deps", "-test", "-f", "{{with .Module}}{{.Path}}{{end}}"}, pkgs...)...)
	cmd.Env = append(os.Environ(), "GOWORK=off") // the root module's own requirements, as its users see them
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	mods := strings.Fields(string(out))
	slices.Sort(mods)
	return slices.Compact(mods)
}

// TestWhatUsersDownload holds the README's "What you download": a program importing
// sts and stscreds, or ststest, loads no Redis, JOSE or XML-signature module;
// ststest/samlidp brings the XML-signature libraries, and only it.
func TestWhatUsersDownload(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	heavy := []string{"github.com/redis/go-redis/v9", "github.com/go-jose/go-jose/v4", "github.com/beevik/etree", "github.com/russellhaering/goxmldsig"}
	// Not only today's libraries: any Redis, JOSE/JWT, XML or SAML module breaks the
	// README's sentence.
	words := []string{"redis", "jose", "jwt", "jws", "xml", "etree", "saml"}
	for _, pkgs := range [][]string{{"github.com/stsgo/sts", "github.com/stsgo/sts/stscreds"}, {"github.com/stsgo/sts/ststest"}} {
		mods := modulesLoaded(t, pkgs...)
		if !slices.Contains(mods, "github.com/aliyun/credentials-go") {
			t.Fatalf("%v: the list misses credentials-go, which sts imports: %v", pkgs, mods)
		}
		for _, m := range mods {
			for _, w := range words {
				if strings.Contains(strings.ToLower(m), w) {
					t.Errorf("a program importing %v loads %s", pkgs, m)
				}
			}
		}
	}
	saml := modulesLoaded(t, "github.com/stsgo/sts/ststest/samlidp")
	for _, m := range heavy {
		if got, want := slices.Contains(saml, m), m == "github.com/beevik/etree" || m == "github.com/russellhaering/goxmldsig"; got != want {
			t.Errorf("ststest/samlidp loads %s: %v, want %v", m, got, want)
		}
	}
}
