package sts_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// snippet is one ```go block of a Markdown file.
type snippet struct {
	line int // of the opening fence, from 1
	code string
}

// goSnippets returns the ```go blocks of the Markdown file at path.
func goSnippets(t *testing.T, path string) []snippet {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []snippet
	var cur *snippet
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		fence := strings.TrimSpace(line)
		switch {
		case cur == nil && fence == "```go":
			cur = &snippet{line: n}
		case cur != nil && fence == "```":
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			cur.code += line + "\n"
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if cur != nil {
		t.Fatalf("%s:%d: a ```go block is never closed", path, cur.line)
	}
	return out
}

// TestREADMESnippetsBuild builds every Go block of README.md, as a newcomer would who
// pasted each into a file of its own inside a module that requires this one and the
// redisstore module: each is a whole file, and all of them go through one `go vet`
// (type-checking and vet's checks), from a directory of the module that the test
// removes.
func TestREADMESnippetsBuild(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	snippets := goSnippets(t, "README.md")
	if len(snippets) < 3 {
		t.Fatalf("README.md has %d Go blocks; expected the Use, stscreds and fleet ones at least", len(snippets))
	}
	// A directory whose name starts with "_" is left out of ./... patterns, so the
	// module's own builds never see it; it is removed at the end of the test.
	root, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp(root, "_readme_snippets")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	var pkgs []string
	where := map[string]int{} // package directory name -> README line
	for i, s := range snippets {
		if !strings.HasPrefix(s.code, "package ") {
			t.Errorf("README.md:%d: the Go block does not start with a package clause: it cannot be pasted into a file as it is", s.line)
			continue
		}
		name := fmt.Sprintf("s%02d", i)
		if err := os.Mkdir(filepath.Join(dir, name), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name, "main.go"), []byte(s.code), 0o600); err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, "./"+filepath.Base(dir)+"/"+name)
		where[name] = s.line
	}
	cmd := exec.Command("go", append([]string{"vet"}, pkgs...)...)
	cmd.Dir = root
	// Through the repository's go.work, even when the caller set GOWORK=off: the fleet
	// block needs the redisstore module (and go-redis), which the root module does not
	// require.
	cmd.Env = append(os.Environ(), "GOWORK="+filepath.Join(root, "go.work"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		text := string(out)
		for pkg, line := range where {
			text = strings.ReplaceAll(text, filepath.Base(dir)+"/"+pkg+"/main.go:", fmt.Sprintf("README.md block at line %d, line ", line))
		}
		t.Fatalf("README.md's Go blocks do not build:\n%s", text)
	}
}
