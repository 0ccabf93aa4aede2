package main

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestKeepByHand regenerates a page over one with sections measured by hand: they come
// back word for word, each after the section it followed, and nothing else of the old
// page survives.
func TestKeepByHand(t *testing.T) {
	old := "# Benchmarks\n\nold intro\n\n## Round trip\n\nold figures\n\n" +
		"## Fleet\n\n" + byHand + "\nfleet figures\n\n```sh\n## not a heading\n```\n\n" +
		"## Cold start\n\nold cold\n\n## Gone\n\nold gone\n\n## Tail\n\n" + byHand + "\ntail figures\n"
	generated := "# Benchmarks\n\nnew intro\n\n## Round trip\n\nnew figures\n\n## Cold start\n\nnew cold\n"
	got := string(keepByHand([]byte(old), []byte(generated)))
	want := "# Benchmarks\n\nnew intro\n\n## Round trip\n\nnew figures\n\n" +
		"## Fleet\n\n" + byHand + "\nfleet figures\n\n```sh\n## not a heading\n```\n\n" +
		"## Cold start\n\nnew cold\n" +
		"## Tail\n\n" + byHand + "\ntail figures\n"
	require.Equal(t, want, got)
	for _, stale := range []string{"old intro", "old figures", "old cold", "old gone"} {
		require.NotContains(t, got, stale)
	}
	require.Equal(t, generated, string(keepByHand(nil, []byte(generated))), "no old page: the generated one as it is")
}

// TestThePageKeepsItsHandMeasuredSections holds the committed BENCHMARKS.md to it:
// the sections not made by benchpage carry the mark, so a regeneration keeps them.
func TestThePageKeepsItsHandMeasuredSections(t *testing.T) {
	page, err := os.ReadFile("../../../BENCHMARKS.md")
	require.NoError(t, err)
	for _, s := range sections(page) {
		if strings.Contains(string(s.body), "by hand") || strings.Contains(string(s.body), "Not made by `benchpage`") {
			require.Contains(t, string(s.body), byHand, "section %q is measured by hand but would be dropped", s.heading)
		}
	}
	regenerated := string(keepByHand(page, []byte("# Benchmarks\n\n## Round trip\n\nnew\n")))
	require.Contains(t, regenerated, "## Fleet rate limit")
	require.Contains(t, regenerated, "## Hits with statistics and shards (issue 17)")
}
