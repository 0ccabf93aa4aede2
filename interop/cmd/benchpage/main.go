// Command benchpage runs the benchmarks that compare this module's client with the
// official SDK and writes BENCHMARKS.md and its SVG charts at the repository's root.
//
//	cd interop && go run ./cmd/benchpage              # run everything, -count 6
//	cd interop && go run ./cmd/benchpage -from raw.txt # render a saved run again
//
// The raw `go test -bench` output is kept beside the charts (docs/benchmarks/raw.txt),
// so a run can be compared with benchstat. The shared-cache benchmark needs
// redis-server on the PATH; without it that row is left out.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"html"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// suite is one `go test -bench` run: a module directory (relative to the repository
// root), packages and a benchmark pattern.
type suite struct{ dir, pkg, pattern string }

var suites = []suite{
	{"interop", ".", "RoundTrip|ClientCost|Concurrency|ColdStart"},
	{".", ".", "^BenchmarkSign$"},
	{".", "./stscreds", "RetrieveCached|CredentialsGoRAMRoleARN|SessionCacheHit"},
	{"stscreds/redisstore", ".", "SharedHit"},
}

func main() {
	count := flag.Int("count", 6, "runs of each benchmark; the page shows medians")
	benchtime := flag.String("benchtime", "1s", "-benchtime for each run")
	from := flag.String("from", "", "render this saved `go test -bench` output instead of running")
	flag.Parse()
	root, err := filepath.Abs("..")
	if err != nil {
		log.Fatal(err)
	}
	var raw []byte
	if *from != "" {
		if raw, err = os.ReadFile(*from); err != nil {
			log.Fatal(err)
		}
	} else {
		raw = runAll(root, *count, *benchtime)
	}
	results, cpu := parse(raw)
	out := filepath.Join(root, "docs", "benchmarks")
	if err := os.MkdirAll(out, 0o755); err != nil {
		log.Fatal(err)
	}
	pagePath := filepath.Join(root, "BENCHMARKS.md")
	old, err := os.ReadFile(pagePath)
	if err != nil && !os.IsNotExist(err) {
		log.Fatal(err)
	}
	files := map[string][]byte{
		filepath.Join(out, "raw.txt"):         raw,
		filepath.Join(out, "roundtrip.svg"):   roundTripChart(results),
		filepath.Join(out, "concurrency.svg"): concurrencyChart(results),
		pagePath:                              keepByHand(old, page(results, cpu, *count, *benchtime)),
	}
	for name, b := range files {
		if err := os.WriteFile(name, b, 0o644); err != nil {
			log.Fatal(err)
		}
	}
	log.Printf("wrote BENCHMARKS.md and docs/benchmarks/")
}

// byHand marks a section of BENCHMARKS.md that was measured by hand (a fleet of
// processes, a before-and-after comparison): a line of its own under the section's
// heading. Regenerating the page keeps such sections as they are.
const byHand = "<!-- measured by hand: benchpage keeps this section as it is -->"

// keepByHand carries the sections of the old page that bear the byHand mark into the
// new one, each after the section it followed before (at the end when that one is
// gone), so that regenerating the page loses no figure it cannot measure itself.
func keepByHand(old, generated []byte) []byte {
	oldSections, newSections := sections(old), sections(generated)
	after := ""
	kept := map[string][][]byte{} // by the heading of the section they follow
	var order []string
	for _, s := range oldSections {
		if bytes.Contains(s.body, []byte(byHand)) {
			if kept[after] == nil {
				order = append(order, after)
			}
			kept[after] = append(kept[after], s.body)
			continue
		}
		after = s.heading
	}
	var b bytes.Buffer
	for _, s := range newSections {
		b.Write(s.body)
		for _, k := range kept[s.heading] {
			b.Write(k)
		}
		delete(kept, s.heading)
	}
	for _, h := range order {
		for _, k := range kept[h] {
			b.Write(k)
		}
	}
	return b.Bytes()
}

// section is a page's text from one "## " heading up to the next (the first one,
// from the start of the page, has an empty heading).
type section struct {
	heading string
	body    []byte
}

// sections splits a Markdown page at its "## " headings outside fenced code blocks.
func sections(page []byte) []section {
	var out []section
	cur := section{}
	fenced := false
	for _, line := range bytes.SplitAfter(page, []byte("\n")) {
		if bytes.HasPrefix(line, []byte("```")) {
			fenced = !fenced
		}
		if !fenced && bytes.HasPrefix(line, []byte("## ")) {
			out = append(out, cur)
			cur = section{heading: string(bytes.TrimSpace(line))}
		}
		cur.body = append(cur.body, line...)
	}
	return append(out, cur)
}

// runAll runs every suite and returns their output together.
func runAll(root string, count int, benchtime string) []byte {
	var all bytes.Buffer
	for _, s := range suites {
		args := []string{"test", "-run", "^$", "-bench", s.pattern, "-benchmem", "-count", strconv.Itoa(count), "-benchtime", benchtime, s.pkg}
		log.Printf("(cd %s && go %s)", s.dir, strings.Join(args, " "))
		cmd := exec.Command("go", args...)
		cmd.Dir = filepath.Join(root, s.dir)
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		if err != nil {
			log.Fatalf("%v\n%s", err, out)
		}
		all.Write(out)
	}
	return all.Bytes()
}

// result is one benchmark's medians, by unit ("ns/op", "allocs/op", "calls/s", ...).
type result map[string]float64

// parse reads `go test -bench` output into the median of each metric of each
// benchmark (named without its -GOMAXPROCS suffix), and the cpu line.
func parse(raw []byte) (map[string]result, string) {
	samples := map[string]map[string][]float64{}
	cpu := ""
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		line := sc.Text()
		if c, ok := strings.CutPrefix(line, "cpu: "); ok {
			cpu = c
		}
		fields := strings.Fields(line)
		if len(fields) < 4 || !strings.HasPrefix(fields[0], "Benchmark") {
			continue
		}
		name := fields[0]
		if i := strings.LastIndex(name, "-"); i > 0 {
			name = name[:i]
		}
		if samples[name] == nil {
			samples[name] = map[string][]float64{}
		}
		for i := 2; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err == nil {
				samples[name][fields[i+1]] = append(samples[name][fields[i+1]], v)
			}
		}
	}
	out := map[string]result{}
	for name, units := range samples {
		out[name] = result{}
		for unit, vs := range units {
			slices.Sort(vs)
			out[name][unit] = vs[len(vs)/2]
		}
	}
	return out, cpu
}

// get returns a metric, or 0 when the benchmark did not run.
func get(rs map[string]result, name, unit string) float64 { return rs[name][unit] }

func page(rs map[string]result, cpu string, count int, benchtime string) []byte {
	var b bytes.Buffer
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	goVersion, _ := exec.Command("go", "env", "GOVERSION").Output()
	p("# Benchmarks\n\n")
	p("Generated by `interop/cmd/benchpage` on %s: %s, %d cores (GOMAXPROCS), %s, %s/%s.\n",
		time.Now().UTC().Format("2006-01-02"), strings.TrimSpace(cpu), runtime.NumCPU(), strings.TrimSpace(string(goVersion)), runtime.GOOS, runtime.GOARCH)
	p("Each figure is the median of %d runs of `-benchtime %s`; the raw output is in\n[docs/benchmarks/raw.txt](docs/benchmarks/raw.txt) for `benchstat`. Regenerate with:\n\n", count, benchtime)
	p("```sh\ncd interop && go run ./cmd/benchpage\n```\n\n")
	p("All of it runs on one machine: client and server share its cores, and loopback has no\nnetwork latency, so the figures show what each client costs, not what STS takes.\n\n")

	p("## Round trip\n\n![AssumeRole round trip](docs/benchmarks/roundtrip.svg)\n\n")
	p("One AssumeRole on loopback against a canned answer. `floor` is a bare `net/http` POST of\na short form; `wire` is a bare `net/http` POST carrying exactly the query and headers\nour signed request carries, decoded into the same model: what is left above it is the\nlibrary's own cost (signing, building, checking, decoding).\n\n")
	p("| | ns/op | B/op | allocs/op | × floor | beyond wire |\n|---|--:|--:|--:|--:|--:|\n")
	floor := get(rs, "BenchmarkRoundTrip/floor", "ns/op")
	row := func(label, name, wire string) {
		r := rs[name]
		if r == nil {
			return
		}
		beyond := ""
		if w := rs[wire]; w != nil && name != wire {
			beyond = fmt.Sprintf("%+.1f µs, %+.0f allocs", (r["ns/op"]-w["ns/op"])/1000, r["allocs/op"]-w["allocs/op"])
		}
		p("| %s | %.0f | %.0f | %.0f | %.2f× | %s |\n", label, r["ns/op"], r["B/op"], r["allocs/op"], r["ns/op"]/floor, beyond)
	}
	row("floor", "BenchmarkRoundTrip/floor", "")
	for _, sig := range []string{"acs3", "v1"} {
		wire := "BenchmarkRoundTrip/wire/" + sig
		row("wire floor, "+sig, wire, "")
		row("**stsgo**, "+sig, "BenchmarkRoundTrip/stsgo/"+sig, wire)
		row("official, "+sig, "BenchmarkRoundTrip/official/"+sig, wire)
	}

	p("\nOn loopback the difference is larger than the library's own cost below: a real\nconnection makes net/http watch the per-attempt read-timeout context our client sets\n(the same 10 s context added to the wire floor cost it about 3 µs in a separate run),\nand client and server share two cores, where runs differ by several µs.\n")
	p("\nThe same comparison without the network (`BenchmarkClientCost`): the wire floor and our\nclient both send through a transport that answers in memory, so loopback's noise drops\nout and the difference is the library's own cost.\n\n")
	p("| | ns/op | B/op | allocs/op | beyond wire |\n|---|--:|--:|--:|--:|\n")
	for _, sig := range []string{"acs3", "v1"} {
		w, o := rs["BenchmarkClientCost/wire/"+sig], rs["BenchmarkClientCost/stsgo/"+sig]
		if w == nil || o == nil {
			continue
		}
		p("| wire floor, %s | %.0f | %.0f | %.0f | |\n", sig, w["ns/op"], w["B/op"], w["allocs/op"])
		p("| **stsgo**, %s | %.0f | %.0f | %.0f | %+.2f µs, %+.0f allocs |\n", sig, o["ns/op"], o["B/op"], o["allocs/op"], (o["ns/op"]-w["ns/op"])/1000, o["allocs/op"]-w["allocs/op"])
	}

	p("\n## Many goroutines, one client, TLS\n\n![calls per second by goroutines](docs/benchmarks/concurrency.svg)\n\n")
	p("N goroutines share one warm client calling AssumeRole over TLS on loopback. New\nconnections per 1,000 calls count the TLS handshakes the server saw.\n\n")
	p("| goroutines | stsgo calls/s | official calls/s | stsgo ÷ official | stsgo conns/1000 calls | official conns/1000 calls |\n|--:|--:|--:|--:|--:|--:|\n")
	for _, n := range goroutineCounts {
		o, t := rs[fmt.Sprintf("BenchmarkConcurrency/stsgo/goroutines=%d", n)], rs[fmt.Sprintf("BenchmarkConcurrency/official/goroutines=%d", n)]
		if o == nil || t == nil {
			continue
		}
		p("| %d | %.0f | %.0f | %.1f× | %.1f | %.1f |\n", n, o["calls/s"], t["calls/s"], o["calls/s"]/t["calls/s"], o["conns/1000calls"], t["conns/1000calls"])
	}
	p("\nBoth clients run with their defaults. The official client's shared HTTP transport keeps\nnet/http's default of two idle connections per host unless `Config.MaxIdleConns` is set\n(tea v1.5.3, `dara/core.go`), so with more goroutines most calls open a new connection.\nOurs keeps up to `Config.MaxIdleConns` idle connections (default 100): past 100\ngoroutines some are closed and opened again; set it to the concurrency you run at (with\n256 at 256 goroutines, no new connection was opened here).\n")

	p("\n## Signing one request\n\nThis client's signing against darabonba-openapi's reference functions, as the official\nclient calls them.\n\n| | ns/op | B/op | allocs/op | official ÷ stsgo |\n|---|--:|--:|--:|--:|\n")
	for _, sig := range []string{"acs3", "v1"} {
		o, t := rs["BenchmarkSign/stsgo/"+sig], rs["BenchmarkSign/official/"+sig]
		if o == nil || t == nil {
			continue
		}
		p("| stsgo, %s | %.0f | %.0f | %.0f | |\n", sig, o["ns/op"], o["B/op"], o["allocs/op"])
		p("| official, %s | %.0f | %.0f | %.0f | %.1f× |\n", sig, t["ns/op"], t["B/op"], t["allocs/op"], t["ns/op"]/o["ns/op"])
	}

	p("\n## Credentials in memory\n\n| | ns/op | B/op | allocs/op |\n|---|--:|--:|--:|\n")
	for _, r := range []struct{ label, name string }{
		{"stscreds cached read", "BenchmarkRetrieveCached/serial"},
		{"stscreds cached read, 2 goroutines", "BenchmarkRetrieveCached/parallel"},
		{"credentials-go RAM-role provider, cached read", "BenchmarkCredentialsGoRAMRoleARN"},
		{"stscreds.SessionCache hit (1,000 sessions)", "BenchmarkSessionCacheHit/serial"},
		{"stscreds.SessionCache hit, 2 goroutines", "BenchmarkSessionCacheHit/parallel"},
		{"redisstore shared hit (GET on loopback + AES-GCM open)", "BenchmarkSharedHit"},
	} {
		if v := rs[r.name]; v != nil {
			p("| %s | %.1f | %.0f | %.0f |\n", r.label, v["ns/op"], v["B/op"], v["allocs/op"])
		}
	}
	if v := rs["BenchmarkSharedHit"]; v != nil {
		p("\nShared hit p99: %.0f µs.\n", v["p99-µs"])
	}

	p("\n## Cold start\n\nA process that builds a client and makes one AssumeRole call, start to exit, and the\nsize of its binary (default build flags).\n\n| | ms start to exit | binary MB |\n|---|--:|--:|\n")
	for _, name := range []string{"stsgo", "official"} {
		if v := rs["BenchmarkColdStart/"+name]; v != nil {
			p("| %s | %.2f | %.1f |\n", name, v["ns/op"]/1e6, v["binary-bytes"]/1e6)
		}
	}
	return b.Bytes()
}

var goroutineCounts = []int{1, 8, 64, 256}

// bar is one bar of a chart.
type bar struct {
	label string
	value float64
	color string
}

const (
	ours   = "#2a7ab0"
	theirs = "#c8553d"
	floorC = "#9aa5b1"
)

// roundTripChart draws µs per AssumeRole round trip, horizontal bars.
func roundTripChart(rs map[string]result) []byte {
	var bars []bar
	add := func(label, name, color string) {
		if v := get(rs, name, "ns/op"); v > 0 {
			bars = append(bars, bar{label, v / 1000, color})
		}
	}
	add("floor", "BenchmarkRoundTrip/floor", floorC)
	for _, sig := range []string{"acs3", "v1"} {
		add("wire floor, "+sig, "BenchmarkRoundTrip/wire/"+sig, floorC)
		add("stsgo, "+sig, "BenchmarkRoundTrip/stsgo/"+sig, ours)
		add("official, "+sig, "BenchmarkRoundTrip/official/"+sig, theirs)
	}
	return hbars("AssumeRole round trip on loopback (µs, lower is better)", bars, "%.0f µs")
}

// concurrencyChart draws calls per second by goroutine count, grouped bars.
func concurrencyChart(rs map[string]result) []byte {
	var bars []bar
	for _, n := range goroutineCounts {
		for _, c := range []struct{ name, color string }{{"stsgo", ours}, {"official", theirs}} {
			if v := get(rs, fmt.Sprintf("BenchmarkConcurrency/%s/goroutines=%d", c.name, n), "calls/s"); v > 0 {
				label := fmt.Sprintf("%s, %d goroutines", c.name, n)
				if n == 1 {
					label = c.name + ", 1 goroutine"
				}
				bars = append(bars, bar{label, v, c.color})
			}
		}
	}
	return hbars("AssumeRole calls per second, one client shared over TLS (higher is better)", bars, "%.0f/s")
}

// hbars renders a horizontal bar chart as SVG.
func hbars(title string, bars []bar, format string) []byte {
	const width, labelW, barH, gap, top = 760, 210, 22, 8, 40
	maxV := 0.0
	for _, b := range bars {
		maxV = max(maxV, b.value)
	}
	height := top + len(bars)*(barH+gap) + 10
	var w bytes.Buffer
	fmt.Fprintf(&w, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="13">`+"\n", width, height, width, height)
	fmt.Fprintf(&w, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(&w, `<text x="10" y="24" font-size="15" font-weight="bold">%s</text>`+"\n", html.EscapeString(title))
	span := float64(width - labelW - 90)
	for i, b := range bars {
		y := top + i*(barH+gap)
		l := 0.0
		if maxV > 0 {
			l = b.value / maxV * span
		}
		fmt.Fprintf(&w, `<text x="%d" y="%d" text-anchor="end">%s</text>`+"\n", labelW-8, y+barH-6, html.EscapeString(b.label))
		fmt.Fprintf(&w, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>`+"\n", labelW, y, max(l, 1), barH, b.color)
		fmt.Fprintf(&w, `<text x="%.1f" y="%d">%s</text>`+"\n", float64(labelW)+max(l, 1)+6, y+barH-6, html.EscapeString(fmt.Sprintf(format, b.value)))
	}
	w.WriteString("</svg>\n")
	return w.Bytes()
}
