package layout

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestUses(t *testing.T) {
	uses, files, err := Uses("testdata/up", "gen.go")
	if err != nil {
		t.Fatal(err)
	}
	want := []Use{
		{From: "extra.go", To: "base.go", Name: "base"},
		{From: "extra.go", To: "base.go", Name: "value.twice"},
		{From: "middle.go", To: "top.go", Name: "Top"},
		{From: "top.go", To: "base.go", Name: "base"},
		{From: "top.go", To: "middle.go", Name: "middle"},
	}
	if !slices.Equal(uses, want) {
		t.Errorf("uses:\n got %v\nwant %v", uses, want)
	}
	if want := []string{"base.go", "extra.go", "middle.go", "top.go"}; !slices.Equal(files, want) {
		t.Errorf("files: got %v, want %v (no test or generated file)", files, want)
	}
}

func TestCheck(t *testing.T) {
	uses, files, err := Uses("testdata/up", "gen.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		order []string
		up    map[string]string
		want  []string
	}{
		{
			name:  "the use of a file above",
			order: []string{"top.go", "extra.go", "middle.go", "base.go"},
			want:  []string{"middle.go uses Top of top.go, which stands above it"},
		},
		{
			name:  "an up use said why",
			order: []string{"top.go", "extra.go", "middle.go", "base.go"},
			up:    map[string]string{"middle.go -> top.go: Top": "a test"},
		},
		{
			name:  "a file left out",
			order: []string{"top.go", "base.go", "middle.go"},
			up:    map[string]string{"middle.go -> top.go: Top": "a test"},
			want:  []string{"extra.go has no place in the layout"},
		},
		{
			name:  "an exception covers the names it lists, and no other",
			order: []string{"base.go", "middle.go", "extra.go", "top.go"},
			up:    map[string]string{"extra.go -> base.go: value.twice": "a test", "top.go -> middle.go: middle, base": "a test"},
			want: []string{
				"exception \"top.go -> middle.go: middle, base\": top.go does not use base of middle.go above it any more; remove it",
				"extra.go uses base of base.go, which stands above it",
				"top.go uses base of base.go, which stands above it",
			},
		},
		{
			name:  "an exception that matches nothing",
			order: []string{"top.go", "extra.go", "middle.go", "base.go"},
			up: map[string]string{
				"middle.go -> top.go: Top":    "a test",
				"top.go -> middle.go: middle": "runs down now",
				"base.go -> gone.go: Gone":    "a file that is not there",
				"middle.go -> top.go":         "no names",
			},
			want: []string{
				"exception \"base.go -> gone.go: Gone\": base.go does not use Gone of gone.go above it any more; remove it",
				"exception \"middle.go -> top.go\" names no use: write \"user.go -> file.go: Name, Type.Method\"",
				"exception \"top.go -> middle.go: middle\": top.go does not use middle of middle.go above it any more; remove it",
			},
		},
		{
			name:  "every use upside down, a method too",
			order: []string{"base.go", "middle.go", "extra.go", "top.go"},
			want: []string{
				"extra.go uses base of base.go, which stands above it",
				"extra.go uses value.twice of base.go, which stands above it",
				"top.go uses base of base.go, which stands above it",
				"top.go uses middle of middle.go, which stands above it",
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Check(uses, files, tc.order, tc.up)
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %q\nwant %q", got, tc.want)
			}
		})
	}
}

// recorder keeps what Hold reports instead of failing the test.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}

func (r *recorder) Error(args ...any) { r.errs = append(r.errs, fmt.Sprint(args...)) }

func TestHold(t *testing.T) {
	t.Chdir("testdata/up")
	for _, tc := range []struct {
		name  string
		order []string
		want  []string
	}{
		{"one use up", []string{"top.go", "extra.go", "base.go", "middle.go"}, []string{"middle.go uses Top of top.go, which stands above it"}},
		{"most uses up", []string{"base.go", "top.go", "extra.go", "middle.go"}, []string{
			"extra.go uses base of base.go, which stands above it",
			"extra.go uses value.twice of base.go, which stands above it",
			"middle.go uses Top of top.go, which stands above it",
			"top.go uses base of base.go, which stands above it",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &recorder{TB: t}
			Hold(r, tc.order, nil, "gen.go")
			if !slices.Equal(r.errs, tc.want) {
				t.Errorf("got %q\nwant %q", r.errs, tc.want)
			}
		})
	}
}

// TestUsesGenerated: a file is left out as generated only when the caller names it,
// and a named file must exist and say it is generated.
func TestUsesGenerated(t *testing.T) {
	_, files, err := Uses("testdata/up")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(files, "gen.go") {
		t.Errorf("gen.go, not named as generated, is not among the files: %v", files)
	}
	for _, tc := range []struct{ name, want string }{
		{"top.go", "top.go is named as generated but does not say so"},
		{"gone.go", "gone.go is named as generated but is no file of the package"},
	} {
		if _, _, err := Uses("testdata/up", tc.name); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Uses with %s named as generated: got %v, want %q", tc.name, err, tc.want)
		}
	}
}

// TestUsesOfAFileBuiltElsewhere: the uses of a file that the default build leaves out
// are found, by type-checking it as the system it is built on does.
func TestUsesOfAFileBuiltElsewhere(t *testing.T) {
	uses, _, err := Uses("testdata/fool")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []Use{{From: "other_windows.go", To: "top.go", Name: "get"}, {From: "other_windows.go", To: "top.go", Name: "Top.Method"}} {
		if !slices.Contains(uses, want) {
			t.Errorf("%v is not seen; seen: %v", want, uses)
		}
	}
}
