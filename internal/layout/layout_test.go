package layout

import (
	"fmt"
	"slices"
	"testing"
)

func TestUses(t *testing.T) {
	uses, files, err := Uses("testdata/up")
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
	uses, files, err := Uses("testdata/up")
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
			up:    map[string]string{"middle.go -> top.go": "a test"},
		},
		{
			name:  "a file left out",
			order: []string{"top.go", "base.go", "middle.go"},
			up:    map[string]string{"middle.go -> top.go": "a test"},
			want:  []string{"extra.go has no place in the layout"},
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
			Hold(r, tc.order, nil)
			if !slices.Equal(r.errs, tc.want) {
				t.Errorf("got %q\nwant %q", r.errs, tc.want)
			}
		})
	}
}
