package interop

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkColdStart runs, as a process, a program that builds a client and makes one
// AssumeRole call, start to exit, for each client; it reports the binary's size too.
// The programs are in testdata/coldstart, built with the default flags.
func BenchmarkColdStart(b *testing.B) {
	srv := cannedServer(b)
	dir := b.TempDir()
	for _, name := range []string{"stsgo", "official"} {
		bin := filepath.Join(dir, name)
		if out, err := exec.Command("go", "build", "-o", bin, "./testdata/coldstart/"+name).CombinedOutput(); err != nil {
			b.Fatalf("building %s: %v\n%s", name, err, out)
		}
		info, err := os.Stat(bin)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			env := append(os.Environ(), "COLDSTART_ENDPOINT="+strings.TrimPrefix(srv.URL, "http://"))
			for b.Loop() {
				cmd := exec.Command(bin)
				cmd.Env = env
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("%v\n%s", err, out)
				}
			}
			b.ReportMetric(float64(info.Size()), "binary-bytes")
		})
	}
}
